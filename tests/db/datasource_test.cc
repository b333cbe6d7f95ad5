// schema.prisma's datasource block: which URL `prisma migrate` uses (directUrl, else url).
#include "db/datasource.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <map>

namespace lockstep::db {
namespace {

namespace fs = std::filesystem;

TEST(DatasourceTest, ReadsUrlAndDirectUrlSkippingComments) {
  std::optional<Datasource> ds = ParseDatasource(
      "// datasource commented { url = env(\"NO\") }\n"
      "generator client {\n  provider = \"prisma-client-js\" // \"datasource x {\"\n}\n"
      "datasource db {\n"
      "  provider  = \"postgresql\"\n"
      "  url       = env(\"POOLED_URL\") // the app's\n"
      "  /// migrations go direct\n"
      "  directUrl = env( \"DIRECT_URL\" )\n"
      "}\n");
  ASSERT_TRUE(ds);
  ASSERT_TRUE(ds->url);
  EXPECT_EQ(ds->url->env_name, "POOLED_URL");
  ASSERT_TRUE(ds->direct_url);
  EXPECT_EQ(ds->direct_url->env_name, "DIRECT_URL");
}

TEST(DatasourceTest, LiteralUrlsAndMissingBlocks) {
  std::optional<Datasource> ds =
      ParseDatasource("datasource db {\n  url = \"postgresql://u@h/d?x=\\\"y\\\"\"\n}\n");
  ASSERT_TRUE(ds);
  ASSERT_TRUE(ds->url);
  EXPECT_EQ(ds->url->literal, "postgresql://u@h/d?x=\"y\"");
  EXPECT_FALSE(ds->direct_url);
  EXPECT_FALSE(ParseDatasource("model User {\n  id Int @id\n}\n"));
}

class MigrationUrlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "lockstep-datasource-XXXXXX").string();
    ASSERT_TRUE(::mkdtemp(tmpl.data()));
    root_ = tmpl;
    fs::create_directories(root_ / "prisma/migrations");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const fs::path& p, const std::string& text) { std::ofstream(root_ / p) << text; }
  Result<std::optional<MigrationUrl>> Find(const std::map<std::string, std::string>& env) {
    return FindMigrationUrl(root_ / "prisma/migrations", {root_},
                            [&](const std::string& k) -> std::optional<std::string> {
                              auto it = env.find(k);
                              if (it == env.end()) return std::nullopt;
                              return it->second;
                            });
  }
  fs::path root_;
};

TEST_F(MigrationUrlTest, DirectUrlWinsOverUrlAsInPrisma) {
  Write("prisma/schema.prisma",
        "datasource db {\n provider = \"postgresql\"\n url = env(\"DATABASE_URL\")\n"
        " directUrl = env(\"DIRECT_URL\")\n}\n");
  Write(".env", "DIRECT_URL=postgresql://direct@h/d\n");
  Result<std::optional<MigrationUrl>> u = Find({{"DATABASE_URL", "postgresql://pooled@h/d"}});
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  ASSERT_TRUE(*u);
  EXPECT_EQ((*u)->url, "postgresql://direct@h/d");
  EXPECT_NE((*u)->source.find("DIRECT_URL (directUrl of "), std::string::npos) << (*u)->source;
}

TEST_F(MigrationUrlTest, UnsetDirectUrlVariableIsAnErrorNamingIt) {
  Write("prisma/schema.prisma",
        "datasource db {\n url = env(\"DATABASE_URL\")\n"
        " directUrl = env(\"MIGRATE_URL\")\n}\n");
  Result<std::optional<MigrationUrl>> u = Find({{"DATABASE_URL", "postgresql://pooled@h/d"}});
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.status().ToString().find("MIGRATE_URL is not set"), std::string::npos)
      << u.status().ToString();
}

TEST_F(MigrationUrlTest, WithoutASchemaOrDirectUrlItIsTheUrlsVariable) {
  Result<std::optional<MigrationUrl>> none = Find({});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  Result<std::optional<MigrationUrl>> plain = Find({{"DATABASE_URL", "postgresql://a@h/d"}});
  ASSERT_TRUE(plain.ok() && *plain);
  EXPECT_EQ((*plain)->url, "postgresql://a@h/d");
  Write("prisma/schema.prisma", "datasource db {\n url = env(\"APP_DB\")\n}\n");
  Result<std::optional<MigrationUrl>> named = Find({{"APP_DB", "postgresql://b@h/d"}});
  ASSERT_TRUE(named.ok() && *named);
  EXPECT_EQ((*named)->url, "postgresql://b@h/d");
}

// Prisma 7: prisma.config.ts's datasource replaces the schema's block (the schema still has one
// here, as a Prisma 6 project moving to 7 would, and must not be used).
TEST_F(MigrationUrlTest, ConfiguredDatasourceReplacesTheSchemas) {
  Write("prisma/schema.prisma", "datasource db {\n url = env(\"SCHEMA_URL\")\n}\n");
  ConfiguredDatasource configured;
  configured.file = "prisma.config.ts";
  configured.datasource.url = DatasourceValue{"APP_URL", ""};
  const std::map<std::string, std::string> env = {{"SCHEMA_URL", "postgresql://s@h/d"},
                                                  {"APP_URL", "postgresql://c@h/d"}};
  auto lookup = [&](const std::string& k) -> std::optional<std::string> {
    auto it = env.find(k);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  Result<std::optional<MigrationUrl>> u =
      FindMigrationUrl(root_ / "prisma/migrations", {root_}, lookup, &configured);
  ASSERT_TRUE(u.ok() && *u) << u.status().ToString();
  EXPECT_EQ((*u)->url, "postgresql://c@h/d");
  EXPECT_TRUE((*u)->source.starts_with("APP_URL (url of prisma.config.ts) from ")) << (*u)->source;
  configured.datasource.direct_url = DatasourceValue{"", "postgresql://literal@h/d"};
  u = FindMigrationUrl(root_ / "prisma/migrations", {root_}, lookup, &configured);
  ASSERT_TRUE(u.ok() && *u) << u.status().ToString();
  EXPECT_EQ((*u)->url, "postgresql://literal@h/d");
  EXPECT_EQ((*u)->source, "directUrl of prisma.config.ts");
}

}  // namespace
}  // namespace lockstep::db
