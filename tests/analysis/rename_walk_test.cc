// RenameWalk: what happens to a migration's renames later in it, found in one walk in statement
// order (lint's rename rules and fix's rename steps both ask it; neither looks ahead).
#include <gtest/gtest.h>

#include <string>

#include "analysis/rename.h"
#include "sql/parser.h"

namespace lockstep::analysis {
namespace {

struct Walked {
  SourceFile source;
  RenameWalk walk;
};

// `text` walked as one migration, from a catalog that knows no table (names resolve to public).
Walked Walk(const std::string& text) {
  Walked w{SourceFile("m.sql", text), {}};
  const sql::ParsedFile parsed = sql::ParseString(text);
  EXPECT_TRUE(parsed.errors.empty()) << text;
  const schema::Catalog names("public");
  for (size_t i = 0; i < parsed.statements.size(); ++i)
    w.walk.Add(parsed.statements[i], i, names, w.source);
  return w;
}

TEST(RenameWalk, ALaterStatementOnTheTableIsALaterUseOfEitherName) {
  const Walked w = Walk(
      "ALTER TABLE t RENAME COLUMN a TO b;\n"       // 0
      "ALTER TABLE u ADD COLUMN x int;\n"           // 1: another table
      "ALTER TABLE t ADD COLUMN c int;\n"           // 2: uses t
      "ALTER TABLE t RENAME TO t2;\n"               // 3
      "DROP INDEX public.t2;\n"                     // 4: an index of that name: not the table
      "ALTER TABLE t2 RENAME CONSTRAINT k TO l;\n"  // 5: a constraint rename: not a use
      "INSERT INTO t2 VALUES (1);\n");              // 6: the new name
  EXPECT_EQ(w.walk.LaterUse(0), "a later statement uses the table (line 3)");
  EXPECT_EQ(w.walk.LaterUse(3), "a later statement uses the table (line 7)");
  EXPECT_EQ(w.walk.LaterUse(1), "");
}

TEST(RenameWalk, RenamesOfOtherColumnsDoNotUseAColumnRenamesTable) {
  const Walked w = Walk(
      "ALTER TABLE t RENAME COLUMN a TO b;\n"
      "ALTER TABLE t RENAME COLUMN c TO d;\n"
      "ALTER TABLE t RENAME COLUMN b TO e;\n");
  // The second renames other columns; the third renames the first's result.
  EXPECT_EQ(w.walk.LaterUse(0), "a later statement uses the table (line 3)");
  EXPECT_EQ(w.walk.LaterUse(1), "");
  EXPECT_EQ(w.walk.LaterUse(2), "");
}

TEST(RenameWalk, ASwapIsTwoColumnRenamesInOneCommittedBlock) {
  const Walked w = Walk(
      "BEGIN;\n"
      "ALTER TABLE t RENAME COLUMN c TO c_old;\n"  // 1
      "ALTER TABLE t RENAME COLUMN c_new TO c;\n"  // 2
      "COMMIT;\n"
      "BEGIN;\n"
      "ALTER TABLE u RENAME COLUMN c TO c_old;\n"  // 5
      "ALTER TABLE u RENAME COLUMN c_new TO c;\n"  // 6
      "ROLLBACK;\n"
      "ALTER TABLE v RENAME COLUMN c TO c_old;\n"  // 8: no BEGIN
      "ALTER TABLE v RENAME COLUMN c_new TO c;\n"  // 9
      "BEGIN;\n"
      "ALTER TABLE w RENAME COLUMN c TO c_old;\n"  // 11
      "ALTER TABLE x RENAME COLUMN c_new TO c;\n"  // 12: another table
      "COMMIT;\n"
      "BEGIN;\n"
      "ALTER TABLE y RENAME COLUMN c TO c_old;\n"  // 15: the file ends before a COMMIT
      "ALTER TABLE y RENAME COLUMN c_new TO c;\n");
  EXPECT_TRUE(w.walk.HalfOfASwap(1));
  EXPECT_TRUE(w.walk.HalfOfASwap(2));
  for (size_t i : {5, 6, 8, 9, 11, 12, 15, 16}) EXPECT_FALSE(w.walk.HalfOfASwap(i)) << i;
}

TEST(RenameWalk, ATableRenameFollowedByAViewUnderTheOldNameThatReadsTheNewOne) {
  const Walked w = Walk(
      "ALTER TABLE t RENAME TO t2;\n"
      "CREATE VIEW t AS SELECT * FROM t2;\n"
      "ALTER TABLE u RENAME TO u2;\n"
      "SELECT 1;\n"
      "CREATE VIEW u AS SELECT * FROM u2;\n");
  EXPECT_TRUE(w.walk.FollowedByItsView(0));
  EXPECT_FALSE(w.walk.FollowedByItsView(2));  // not the very next statement
}

}  // namespace
}  // namespace lockstep::analysis
