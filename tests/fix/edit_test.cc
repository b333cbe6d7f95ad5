// Statement removal, ALTER TABLE action spans, PostgreSQL's default names and the
// unified diff.
#include "fix/edit.h"

#include <gtest/gtest.h>

#include "fix/diff.h"

namespace lockstep::fix {
namespace {

std::string RemoveStatement(const std::string& text, size_t index) {
  const sql::ParsedFile p = sql::Parse(text);
  auto [b, e] = StatementRemovalRange(text, p, index);
  return text.substr(0, b) + text.substr(e);
}

TEST(StatementRemovalTest, PrismaParagraphGoesWithItsCommentAndOneBlankLine) {
  const std::string text =
      "CREATE TABLE a (x int);\n\n-- CreateIndex\nCREATE INDEX i ON a(x);\n\n-- CreateIndex\n"
      "CREATE INDEX j ON a(x);\n";
  EXPECT_EQ(RemoveStatement(text, 1),
            "CREATE TABLE a (x int);\n\n-- CreateIndex\nCREATE INDEX j ON a(x);\n");
  EXPECT_EQ(RemoveStatement(text, 2),
            "CREATE TABLE a (x int);\n\n-- CreateIndex\nCREATE INDEX i ON a(x);\n");
}

TEST(StatementRemovalTest, SectionCommentOverSeveralStatementsStays) {
  const std::string text = "-- indexes\nCREATE INDEX i ON a(x);\nCREATE INDEX j ON a(y);\n";
  EXPECT_EQ(RemoveStatement(text, 0), "-- indexes\nCREATE INDEX j ON a(y);\n");
}

TEST(StatementRemovalTest, TrailingCommentAndSameLineNeighbours) {
  EXPECT_EQ(RemoveStatement("SELECT 1;\nCREATE INDEX i ON a(x); -- why\nSELECT 2;\n", 1),
            "SELECT 1;\nSELECT 2;\n");
  EXPECT_EQ(RemoveStatement("SELECT 1; CREATE INDEX i ON a(x);\n", 1), "SELECT 1;\n");
  EXPECT_EQ(RemoveStatement("CREATE INDEX i ON a(x); SELECT 1;\n", 0), "SELECT 1;\n");
}

TEST(SplitAlterTableTest, ActionsInOrderWithNestedCommas) {
  const std::string text =
      "ALTER TABLE ONLY \"s\".\"t\" ADD CONSTRAINT c CHECK (a IN (1, 2)), ALTER COLUMN b SET NOT "
      "NULL;";
  const sql::ParsedFile p = sql::Parse(text);
  std::optional<AlterSpans> sp = SplitAlterTable(p, p.statements[0]);
  ASSERT_TRUE(sp);
  EXPECT_EQ(text.substr(sp->name_begin, sp->name_end - sp->name_begin), "\"s\".\"t\"");
  ASSERT_EQ(sp->cmds.size(), 2u);
  EXPECT_EQ(text.substr(sp->cmds[0].first, sp->cmds[0].second - sp->cmds[0].first),
            "ADD CONSTRAINT c CHECK (a IN (1, 2))");
  EXPECT_EQ(text.substr(sp->cmds[1].first, sp->cmds[1].second - sp->cmds[1].first),
            "ALTER COLUMN b SET NOT NULL");
  Result<std::string> first_gone = ApplyEdits(text, RemoveAlterActions(*sp, {0}));
  ASSERT_TRUE(first_gone.ok());
  EXPECT_EQ(*first_gone, "ALTER TABLE ONLY \"s\".\"t\" ALTER COLUMN b SET NOT NULL;");
  Result<std::string> last_gone = ApplyEdits(text, RemoveAlterActions(*sp, {1}));
  ASSERT_TRUE(last_gone.ok());
  EXPECT_EQ(*last_gone, "ALTER TABLE ONLY \"s\".\"t\" ADD CONSTRAINT c CHECK (a IN (1, 2));");
}

TEST(PgObjectNameTest, TruncatesLikeMakeObjectName) {
  EXPECT_EQ(PgObjectName("User", "teamId", "fkey"), "User_teamId_fkey");
  EXPECT_EQ(PgObjectName("Team", "", "pkey"), "Team_pkey");
  const std::string long1(40, 'a'), long2(40, 'b');
  const std::string n = PgObjectName(long1, long2, "fkey");
  EXPECT_EQ(n.size(), 63u);
  EXPECT_EQ(n, std::string(29, 'a') + "_" + std::string(28, 'b') + "_fkey");
}

TEST(QuoteTest, QualifiedNamesQuoteEachPart) {
  EXPECT_EQ(QuoteQName({"s", "t"}), "\"s\".\"t\"");
  EXPECT_EQ(QuoteQName({"", "a\"b"}), "\"a\"\"b\"");
}

TEST(UnifiedDiffTest, HunksWithContextAndNewFiles) {
  const std::string a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
  const std::string b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n";
  EXPECT_EQ(UnifiedDiff("f.sql", a, b),
            "--- a/f.sql\n+++ b/f.sql\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  EXPECT_EQ(UnifiedDiff("f.sql", a, a), "");
  EXPECT_EQ(UnifiedDiff("n.sql", "", "x;\n", true),
            "--- /dev/null\n+++ b/n.sql\n@@ -0,0 +1 @@\n+x;\n");
  EXPECT_EQ(UnifiedDiff("m.sql", "a", "b"),
            "--- a/m.sql\n+++ b/m.sql\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No "
            "newline at end of file\n");
}

}  // namespace
}  // namespace lockstep::fix
