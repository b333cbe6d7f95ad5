#include "verify/migrate.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/pg_server.h"

namespace lockstep::verify {
namespace {

class ApplyLikePrismaTest : public testing::PgTest {};

const std::vector<MigrationFile> kHistory = {
    {"0_init", "CREATE TABLE a (id int);\n"},
    // An object made outside the migrations (civitai), or an extension the server lacks
    // (formbricks' "vector"): the file fails as a whole.
    {"1_broken",
     "BEGIN;\nCREATE TABLE b (id int);\nALTER TABLE made_by_hand ADD COLUMN x int;\n"
     "CREATE TABLE c (id int);\nCOMMIT;\n"},
    {"2_after", "CREATE TABLE d (id int);\n"},
};

TEST_F(ApplyLikePrismaTest, StopsAtTheFirstFailingMigration) {
  Status s = ApplyLikePrisma(conn(), kHistory);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("1_broken"), std::string::npos) << s.message();
  auto n = conn().Exec("SELECT count(*) FROM pg_class WHERE relname IN ('b', 'c', 'd')");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->rows[0][0], "0");
}

// issue 12.16: the histories of civitai and formbricks do not apply on an empty server; verify
// applies what does, statement by statement, and says what it skipped.
TEST_F(ApplyLikePrismaTest, HistorySkipsTheStatementsThatFail) {
  std::vector<std::string> skipped;
  Status s = ApplyLikePrisma(conn(), kHistory, &skipped);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0].rfind("1_broken/migration.sql:3:1: ", 0), 0u) << skipped[0];
  EXPECT_NE(skipped[0].find("made_by_hand"), std::string::npos) << skipped[0];
  auto n = conn().Exec("SELECT count(*) FROM pg_class WHERE relname IN ('a', 'b', 'c', 'd')");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->rows[0][0], "4");
  auto rows = conn().Exec(
      "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL AND logs IS NULL");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->rows[0][0], "3");
}

}  // namespace
}  // namespace lockstep::verify
