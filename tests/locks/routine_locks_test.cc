// Locks of code inside DO blocks and routines (issue 12 item 8): what plan cannot read, it says;
// it never reports "no locks" for code it did not read. The locks of code it did read are
// checked against a real server in tests/trace/catalogue.sql.
#include <gtest/gtest.h>

#include <algorithm>

#include "analysis/history.h"
#include "locks/lock_model.h"

namespace lockstep::locks {
namespace {

std::vector<Effect> AnalyzeAfter(const std::string& history, const std::string& migration) {
  analysis::History h = analysis::Replay(
      {{"0_history", "h.sql", history}, {"1_m", "m.sql", migration}}, 1, analysis::Options{});
  std::vector<Effect> out;
  for (const auto& s : h.migrations[1].statements) out.push_back(s.effect);
  return out;
}

bool SaysUnknown(const Effect& e) {
  return std::any_of(e.notes.begin(), e.notes.end(), [](const std::string& n) {
    return n.find("its locks are unknown") != std::string::npos;
  });
}

const RelationLock* LockOn(const Effect& e, const std::string& name) {
  for (const RelationLock& l : e.locks)
    if (l.relation.name == name) return &l;
  return nullptr;
}

TEST(RoutineLocks, DynamicExecuteAssumesTheWorstOnWhatItNames) {
  auto e = AnalyzeAfter("CREATE TABLE \"User\" (id int PRIMARY KEY);\nCREATE TABLE other (id int);",
                        "DO $$ BEGIN EXECUTE format('ALTER TABLE %I ADD x int', 'User'); END $$;\n"
                        "DO $$ DECLARE t text; BEGIN EXECUTE 'ANALYZE ' || t; END $$;");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_TRUE(SaysUnknown(e[0]));
  ASSERT_NE(LockOn(e[0], "User"), nullptr);
  EXPECT_EQ(LockOn(e[0], "User")->mode, LockMode::kAccessExclusive);
  EXPECT_EQ(LockOn(e[0], "other"), nullptr);
  // Names nothing lockstep knows: no lock listed, but never silently.
  EXPECT_TRUE(e[1].locks.empty());
  EXPECT_TRUE(SaysUnknown(e[1]));
}

TEST(RoutineLocks, UnreadBodiesAreSaid) {
  auto e = AnalyzeAfter(
      "CREATE TABLE t (id int);",
      "DO LANGUAGE plperl $$ my $x = 1; $$;\n"
      "CREATE FUNCTION f() RETURNS void LANGUAGE sql BEGIN ATOMIC UPDATE t SET id = 1; END;\n"
      "SELECT f();");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_TRUE(SaysUnknown(e[0]));
  EXPECT_TRUE(SaysUnknown(e[2]));
}

TEST(RoutineLocks, StaticStatementsOfABlockSeeWhatTheBlockCreated) {
  auto e = AnalyzeAfter("CREATE TABLE t (id int PRIMARY KEY, a int);",
                        "DO $$ BEGIN CREATE TABLE n (id int); CREATE INDEX n_id ON n (id); "
                        "CREATE INDEX t_a ON t (a); END $$;");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_FALSE(SaysUnknown(e[0]));
  ASSERT_NE(LockOn(e[0], "t"), nullptr);
  EXPECT_EQ(LockOn(e[0], "t")->mode, LockMode::kShare);
  ASSERT_NE(LockOn(e[0], "n"), nullptr);
  EXPECT_EQ(LockOn(e[0], "n")->origin, schema::Origin::kThisMigration);
}

// DROP INDEX locks the index's table only when the catalog knows the index: here only when the
// scratch catalog kept what the earlier call or statement created.
TEST(RoutineLocks, ALaterCallSeesWhatAnEarlierCallOfTheStatementCreated) {
  auto e = AnalyzeAfter(
      "CREATE TABLE t (id int, a int);\n"
      "CREATE FUNCTION index_a() RETURNS void LANGUAGE plpgsql AS $$ BEGIN CREATE INDEX t_a ON t "
      "(a); END $$;\n"
      "CREATE FUNCTION drop_a() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DROP INDEX t_a; END $$;",
      "SELECT index_a(), drop_a();");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_FALSE(SaysUnknown(e[0]));
  ASSERT_NE(LockOn(e[0], "t"), nullptr);
  EXPECT_EQ(LockOn(e[0], "t")->mode, LockMode::kAccessExclusive);
}

TEST(RoutineLocks, AQueryBetweenTwoChangesOfABlockKeepsTheFirstForTheSecond) {
  auto e = AnalyzeAfter("CREATE TABLE t (id int, a int);",
                        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_class) THEN CREATE INDEX t_a "
                        "ON t (a); END IF; PERFORM count(*) FROM t; DROP INDEX t_a; END $$;");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_FALSE(SaysUnknown(e[0]));
  ASSERT_NE(LockOn(e[0], "t"), nullptr);
  EXPECT_EQ(LockOn(e[0], "t")->mode, LockMode::kAccessExclusive);
}

}  // namespace
}  // namespace lockstep::locks
