#include "db/dotenv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>

namespace lockstep::db {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::map<std::string, std::string> Parse(std::string_view text,
                                         std::map<std::string, std::string> env = {}) {
  std::map<std::string, std::string> out;
  for (auto& [k, v] : ParseDotenv(text, FakeEnv(std::move(env)))) out[k] = v;
  return out;
}

TEST(ParseDotenv, PlainValuesCommentsAndExport) {
  auto vars = ParseDotenv(
      "# a comment\n"
      "\n"
      "DATABASE_URL=postgresql://u:p@h/db?schema=app\n"
      "  export SHADOW = postgresql://u@h/shadow   # trailing comment\n"
      "EMPTY=\n"
      "COLON: value\n",
      FakeEnv({}));
  EXPECT_THAT(vars, ElementsAre(Pair("DATABASE_URL", "postgresql://u:p@h/db?schema=app"),
                                Pair("SHADOW", "postgresql://u@h/shadow"), Pair("EMPTY", ""),
                                Pair("COLON", "value")));
}

TEST(ParseDotenv, QuotedValues) {
  auto vars = Parse(
      "SINGLE='postgresql://u:p#not-a-comment@h/db' # comment\n"
      "DOUBLE=\"line1\\nline2\\r\"\n"
      "BACKTICK=`it's \"quoted\"`\n"
      "SPACES=\"  kept  \"\n"
      "LITERAL='no \\n escapes in single quotes'\n");
  EXPECT_EQ(vars["SINGLE"], "postgresql://u:p#not-a-comment@h/db");
  EXPECT_EQ(vars["DOUBLE"], "line1\nline2\r");
  EXPECT_EQ(vars["BACKTICK"], "it's \"quoted\"");
  EXPECT_EQ(vars["SPACES"], "  kept  ");
  EXPECT_EQ(vars["LITERAL"], "no \\n escapes in single quotes");
}

TEST(ParseDotenv, HashCutsUnquotedValuesAsDotenvDoes) {
  EXPECT_EQ(Parse("URL=postgresql://u:pa#ss@h/db\n")["URL"], "postgresql://u:pa");
}

TEST(ParseDotenv, MultilineQuotedValue) {
  auto vars = Parse("CERT=\"-----BEGIN-----\nabc\n-----END-----\"\nNEXT=1\n");
  EXPECT_EQ(vars["CERT"], "-----BEGIN-----\nabc\n-----END-----");
  EXPECT_EQ(vars["NEXT"], "1");
}

TEST(ParseDotenv, CrLfLineEndings) {
  auto vars = Parse("A=1\r\nB='2'\r\n");
  EXPECT_EQ(vars["A"], "1");
  EXPECT_EQ(vars["B"], "2");
}

TEST(ParseDotenv, InvalidLinesAreIgnored) {
  auto vars = ParseDotenv("this is not an assignment\nA=1\n=nokey\nB=2", FakeEnv({}));
  EXPECT_THAT(vars, ElementsAre(Pair("A", "1"), Pair("B", "2")));
}

TEST(ParseDotenv, UnterminatedQuoteIsKeptAsText) {
  EXPECT_EQ(Parse("A=\"abc\nB=1\n")["A"], "\"abc");
}

TEST(ParseDotenv, ExpandsVariablesFromTheEnvironmentThenTheFile) {
  auto vars = Parse(
      "USER_NAME=fromfile\n"
      "HOST=dbhost\n"
      "URL=postgresql://${USER_NAME}:${PGPASS}@$HOST:${PORT:-5432}/db\n"
      "QUOTED=\"${HOST}\"\n"
      "SINGLE='${HOST}'\n"
      "ESCAPED=\\$HOST costs \\$5\n"
      "MISSING=[${NOPE}]\n",
      {{"PGPASS", "envpw"}, {"USER_NAME", "fromenv"}});
  EXPECT_EQ(vars["URL"], "postgresql://fromenv:envpw@dbhost:5432/db");
  EXPECT_EQ(vars["QUOTED"], "dbhost");
  EXPECT_EQ(vars["SINGLE"], "${HOST}");
  EXPECT_EQ(vars["ESCAPED"], "$HOST costs $5");
  EXPECT_EQ(vars["MISSING"], "[]");
}

TEST(ParseDotenv, LaterDuplicatesWin) { EXPECT_EQ(Parse("A=1\nA=2\n")["A"], "2"); }

class FindEnvVariableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ =
        (std::filesystem::temp_directory_path() / "lockstep-dotenv-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::filesystem::path& rel, const std::string& text) {
    std::filesystem::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(FindEnvVariableTest, EnvironmentWins) {
  Write(".env", "DATABASE_URL=postgresql://file/db\n");
  auto r =
      FindEnvVariable(dir_, "DATABASE_URL", FakeEnv({{"DATABASE_URL", "postgresql://env/db"}}));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->value, "postgresql://env/db");
  EXPECT_EQ((*r)->source, "environment");
}

TEST_F(FindEnvVariableTest, EmptyEnvironmentValueFallsBackToDotEnv) {
  Write(".env", "DATABASE_URL=\"postgresql://file/db\"\n");
  auto r = FindEnvVariable(dir_, "DATABASE_URL", FakeEnv({{"DATABASE_URL", ""}}));
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((*r)->value, "postgresql://file/db");
  EXPECT_EQ((*r)->source, (dir_ / ".env").string());
}

TEST_F(FindEnvVariableTest, RootDotEnvBeforePrismaDotEnv) {
  Write(".env", "OTHER=1\n");
  Write("prisma/.env", "DATABASE_URL=postgresql://prisma/db\n");
  auto r = FindEnvVariable(dir_, "DATABASE_URL", FakeEnv({}));
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((*r)->value, "postgresql://prisma/db");
  EXPECT_EQ((*r)->source, (dir_ / "prisma" / ".env").string());

  Write(".env", "DATABASE_URL=postgresql://root/db\n");
  r = FindEnvVariable(dir_, "DATABASE_URL", FakeEnv({}));
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((*r)->value, "postgresql://root/db");
}

TEST_F(FindEnvVariableTest, NotFoundAnywhere) {
  Write(".env", "OTHER=1\n");
  auto r = FindEnvVariable(dir_, "DATABASE_URL", FakeEnv({}));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

TEST_F(FindEnvVariableTest, UnreadableFileIsAnError) {
  if (::geteuid() == 0) {
    // root reads any file; an unreadable .env is made by a directory in its place instead.
    std::filesystem::create_directories(dir_ / ".env");
  } else {
    Write(".env", "DATABASE_URL=x\n");
    std::filesystem::permissions(dir_ / ".env", std::filesystem::perms::none);
  }
  auto r = FindEnvVariable(dir_, "DATABASE_URL", FakeEnv({}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().where(), (dir_ / ".env").string());
}

}  // namespace
}  // namespace lockstep::db
