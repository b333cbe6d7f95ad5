#include "migrations/prisma8.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "base/source.h"
#include "migrations/layout.h"
#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR

namespace lockstep::migrations {
namespace {

namespace fs = std::filesystem;

fs::path Fixtures() {
  const char* env = std::getenv("LOCKSTEP_SOURCE_DIR");
  return fs::path(env ? env : LOCKSTEP_SOURCE_DIR) / "tests" / "migrations" / "fixtures";
}

// The SQL of each execute step sits where its JSON string starts; everything else but newlines,
// BEGIN and COMMIT is blank, so that a byte offset is an offset into ops.json.
TEST(Prisma8Test, SqlKeepsTheLayoutOfOpsJson) {
  const std::string ops =
      "[\n"
      "  {\"id\": \"a\", \"label\": \"add\", \"operationClass\": \"additive\",\n"
      "   \"precheck\": [{\"sql\": \"SELECT 1\"}],\n"
      "   \"execute\": [{\"sql\": \"CREATE TABLE \\\"t\\\" (id int)\"},\n"
      "               {\"sql\": \"-- why\\nCREATE INDEX i ON t (id)\"}]},\n"
      "  {\"id\": \"b\", \"execute\": []}\n"
      "]\n";
  Result<Prisma8Package> p = ReadOpsJson("m/ops.json", ops);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->sql.size(), ops.size());
  const SourceFile file("m/ops.json", p->sql);
  ASSERT_EQ(file.line_count(), SourceFile("", ops).line_count());
  EXPECT_EQ(std::string(file.Line(3)).find("SELECT"), std::string::npos);  // prechecks: not run
  const size_t create = p->sql.find("CREATE TABLE \"t\" (id int)");
  ASSERT_NE(create, std::string::npos);
  EXPECT_EQ(create, ops.find("CREATE TABLE"));
  EXPECT_EQ(file.Where(create), "m/ops.json:4:25");
  // The escaped newline is a carriage return: still a newline to PostgreSQL, not a new line here.
  const size_t index = p->sql.find("-- why\rCREATE INDEX i ON t (id)");
  ASSERT_NE(index, std::string::npos);
  EXPECT_EQ(file.Where(index), "m/ops.json:5:25");
  EXPECT_NE(p->sql.find("BEGIN;"), std::string::npos);
  EXPECT_LT(p->sql.find("BEGIN;"), create);
  EXPECT_GT(p->sql.find("COMMIT;"), index);
  ASSERT_EQ(p->operations.size(), 2u);
  EXPECT_EQ(p->operations[0].id, "a");
  EXPECT_EQ(p->operations[0].label, "add");
  EXPECT_EQ(p->operations[0].operation_class, "additive");
  EXPECT_EQ(OperationAt(p->operations, index), &p->operations[0]);
  EXPECT_EQ(OperationAt(p->operations, create), &p->operations[0]);
  EXPECT_EQ(OperationAt(p->operations, 0), nullptr);
  EXPECT_EQ(p->operations[1].id, "b");
  EXPECT_EQ(p->operations[1].begin, p->operations[1].end);
}

// A run of packages is one transaction: BEGIN from the first, COMMIT from the last; the others'
// are blanked, every offset kept.
TEST(Prisma8Test, PlaceInRunKeepsTheRunsBeginAndCommitOnly) {
  const std::string ops = "[{\"id\": \"a\", \"execute\": [{\"sql\": \"SELECT 1\"}]}]\n";
  Result<Prisma8Package> p = ReadOpsJson("ops.json", ops);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->sql.compare(p->wrapping.begin_at, 6, "BEGIN;"), 0) << p->sql;
  ASSERT_EQ(p->sql.compare(p->wrapping.commit_at, 7, "COMMIT;"), 0) << p->sql;
  auto placed = [&](bool first, bool last) {
    std::string sql = p->sql;
    PlaceInRun(sql, p->wrapping, first, last);
    EXPECT_EQ(sql.size(), p->sql.size());
    return sql;
  };
  EXPECT_EQ(placed(true, true), p->sql);
  const std::string first = placed(true, false);
  EXPECT_NE(first.find("BEGIN;"), std::string::npos);
  EXPECT_EQ(first.find("COMMIT;"), std::string::npos);
  const std::string middle = placed(false, false);
  EXPECT_EQ(middle.find("BEGIN;"), std::string::npos);
  EXPECT_EQ(middle.find("COMMIT;"), std::string::npos);
  EXPECT_NE(middle.find("SELECT 1;"), std::string::npos);
  const std::string last = placed(false, true);
  EXPECT_EQ(last.find("BEGIN;"), std::string::npos);
  EXPECT_NE(last.find("COMMIT;"), std::string::npos);
}

TEST(Prisma8Test, AcceptsAnObjectWithOperations) {
  Result<Prisma8Package> p = ReadOpsJson("ops.json",
                                         "{\"operations\": [{\"id\": \"x\", \"execute\": "
                                         "[{\"sql\": \"DROP TABLE t\", \"params\": []}]}]}");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_NE(p->sql.find("DROP TABLE t;"), std::string::npos);
}

// migration.json's `to`: the contract hash prisma_contract.marker holds once the package is
// applied.
TEST(Prisma8Test, ManifestNamesTheContractThePackageLeadsTo) {
  Result<std::optional<std::string>> to = ReadManifestTo(
      "p/migration.json", "{\"from\": null, \"to\": \"sha256:b\", \"migrationHash\": \"h\"}");
  ASSERT_TRUE(to.ok()) << to.status().ToString();
  EXPECT_EQ(*to, std::optional<std::string>("sha256:b"));
  to = ReadManifestTo("p/migration.json", "{\"migrationHash\": \"h\"}");
  ASSERT_TRUE(to.ok()) << to.status().ToString();
  EXPECT_FALSE(to->has_value());
  to = ReadManifestTo("p/migration.json", "{\n  \"to\": ,\n}");
  ASSERT_FALSE(to.ok());
  EXPECT_TRUE(to.status().ToString().starts_with("p/migration.json:2:9: error: not valid JSON"))
      << to.status().ToString();
  to = ReadManifestTo("p/migration.json", "[]");
  ASSERT_FALSE(to.ok());
  EXPECT_EQ(to.status().ToString(),
            "p/migration.json:1:1: error: expected a JSON object (a package manifest)");
}

TEST(Prisma8Test, ErrorsNameTheFileAndPosition) {
  Result<Prisma8Package> bad = ReadOpsJson("p/ops.json", "[\n  {\"id\": \"a\",,}\n]");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().ToString().starts_with("p/ops.json:2:14: error: not valid JSON"))
      << bad.status().ToString();
  Result<Prisma8Package> no_sql =
      ReadOpsJson("p/ops.json", "[\n {\"id\": \"a\",\n  \"execute\": [{\"description\": \"x\"}]}]");
  ASSERT_FALSE(no_sql.ok());
  EXPECT_EQ(no_sql.status().ToString(),
            "p/ops.json:2:9: error: operation \"a\": execute step 1 has no string \"sql\"");
  Result<Prisma8Package> no_id = ReadOpsJson("p/ops.json", "[{\"execute\": []}]");
  ASSERT_FALSE(no_id.ok());
  EXPECT_EQ(no_id.status().message(), "operation 1 has no string \"id\"");
  Result<Prisma8Package> twice =
      ReadOpsJson("p/ops.json", "[{\"id\": \"a\", \"id\": \"b\", \"execute\": []}]");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("twice"), std::string::npos);
  Result<Prisma8Package> scalar = ReadOpsJson("p/ops.json", "42");
  ASSERT_FALSE(scalar.ok());
  EXPECT_NE(scalar.status().message().find("list of operations"), std::string::npos);
}

TEST(Prisma8Test, DiscoveryFindsPackagesFromEveryEntryPoint) {
  const fs::path root = Fixtures() / "prisma8";
  for (const fs::path& entry : {root, root / "migrations", root / "migrations" / "app"}) {
    Result<MigrationSet> set = Discover(entry.string());
    ASSERT_TRUE(set.ok()) << entry << ": " << set.status().ToString();
    ASSERT_EQ(set->migrations.size(), 2u) << entry;
    EXPECT_EQ(set->sources[0].kind, LayoutKind::kPrisma8Directory);
    EXPECT_EQ(set->migrations[0].name, "20260301T1000_init");
    EXPECT_EQ(set->migrations[1].name, "20260302T0900_user_email");
    EXPECT_EQ(set->migrations[1].kind, MigrationKind::kPrisma8Package);
    EXPECT_EQ(set->migrations[1].sql_path.filename(), "ops.json");
    ASSERT_EQ(set->migrations[1].operations.size(), 2u);
    EXPECT_EQ(set->migrations[1].operations[1].id, "column.user.name");
  }
  const fs::path package = root / "migrations" / "app" / "20260302T0900_user_email";
  for (const fs::path& entry : {package, package / "ops.json"}) {
    Result<MigrationSet> set = Discover(entry.string());
    ASSERT_TRUE(set.ok()) << entry << ": " << set.status().ToString();
    EXPECT_EQ(set->sources[0].kind, LayoutKind::kPrisma8Package);
    ASSERT_EQ(set->migrations.size(), 1u);
    EXPECT_EQ(set->migrations[0].name, "20260302T0900_user_email");
  }
}

}  // namespace
}  // namespace lockstep::migrations
