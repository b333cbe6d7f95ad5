// The pure parts of deploy: step planning from the parse tree, durations, backoff, status.
#include "deploy/plan.h"

#include <gtest/gtest.h>

#include <set>

#include "deploy/backfill.h"
#include "deploy/options.h"
#include "deploy/retry.h"
#include "migrations/checksum.h"

namespace lockstep::deploy {
namespace {

MigrationPlan Plan(const std::string& sql, Options options = {}) {
  migrations::Migration m;
  m.name = "20260101000000_test";
  m.sql_path = "migrations/20260101000000_test/migration.sql";
  m.sql = sql;
  return PlanMigration(m, options);
}

// "T2 O1 T1": kinds and statement counts of the steps.
std::string Shape(const MigrationPlan& p) {
  std::string out;
  for (const Step& s : p.steps) {
    if (!out.empty()) out += ' ';
    const char* kind = s.kind == StepKind::kTransaction          ? "T"
                       : s.kind == StepKind::kOutsideTransaction ? "O"
                                                                 : "B";
    out += kind + std::to_string(s.statements.size());
  }
  return out;
}

TEST(PlanTest, ConsecutiveTransactionalStatementsShareOneTransaction) {
  MigrationPlan p = Plan(
      "CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN b int;\n"
      "CREATE INDEX a_b ON a (b);\n");
  ASSERT_TRUE(p.errors.empty());
  EXPECT_EQ(Shape(p), "T3");
  EXPECT_FALSE(p.tracked());
  EXPECT_EQ(p.statement_count, 3);
  EXPECT_EQ(p.steps[0].statements[1].sql(), "ALTER TABLE a ADD COLUMN b int");
  EXPECT_EQ(p.steps[0].statements[1].where(), "migrations/20260101000000_test/migration.sql:2:1");
}

// What --replica checks before a step: the relations locked beyond ROW EXCLUSIVE, as written.
TEST(PlanTest, StrongLocksAreTheRelationsLockedBeyondRowExclusive) {
  MigrationPlan p = Plan(
      "ALTER TABLE \"Member\" ADD COLUMN \"bio\" TEXT;\n"
      "INSERT INTO \"Member\" (id) VALUES ('x');\n"
      "CREATE INDEX CONCURRENTLY \"i\" ON app.\"Post\" (\"title\");\n"
      "ALTER TABLE \"Post\" ADD CONSTRAINT \"fk\" FOREIGN KEY (\"m\") REFERENCES \"Member\" (id) "
      "NOT VALID;\n");
  ASSERT_EQ(p.steps.size(), 3u);
  const auto names = [](const PlannedStatement& s) {
    std::string out;
    for (const sql::QName& q : s.strong_locks())
      out += (out.empty() ? "" : ",") + (q.schema.empty() ? "" : q.schema + ".") + q.name;
    return out;
  };
  EXPECT_EQ(names(p.steps[0].statements[0]), "Member");
  EXPECT_EQ(names(p.steps[0].statements[1]), "");            // ROW EXCLUSIVE
  ASSERT_EQ(p.steps[0].statements[1].relations.size(), 1u);  // still where blockers may sit
  EXPECT_EQ(p.steps[0].statements[1].relations[0].name, "Member");
  EXPECT_EQ(names(p.steps[1].statements[0]), "app.Post");     // SHARE UPDATE EXCLUSIVE
  EXPECT_EQ(names(p.steps[2].statements[0]), "Post,Member");  // SHARE ROW EXCLUSIVE on both
}

TEST(PlanTest, AMigrationThatIsOneUpdateIsABatchedBackfill) {
  MigrationPlan p =
      Plan("SET search_path TO app;\nUPDATE t AS x SET n = n + 1;\nRESET search_path;\n");
  ASSERT_TRUE(p.errors.empty());
  EXPECT_EQ(Shape(p), "B3");
  EXPECT_TRUE(p.tracked());
  const PlannedStatement* u = BackfillStatement(p.steps[0]);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->index, 1);
  EXPECT_EQ(u->backfill->table.name, "t");
  EXPECT_EQ(u->backfill->alias, "x");
  EXPECT_EQ(u->backfill->set_columns, std::vector<std::string>{"n"});
  EXPECT_EQ(u->backfill->where_begin, -1);
  EXPECT_EQ(BatchUpdateSql(*u, "<range>"), "UPDATE t AS x SET n = n + 1\nWHERE <range>");

  // Only the statement's own WHERE is extended, not one of a subquery; its comments stay.
  p = Plan(
      "UPDATE t SET n = (SELECT max(v) FROM s WHERE s.id = t.id) FROM u WHERE u.id = t.id -- x\n"
      "  OR t.n IS NULL;");
  ASSERT_EQ(Shape(p), "B1");
  u = BackfillStatement(p.steps[0]);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(BatchUpdateSql(*u, "<range>"),
            "UPDATE t SET n = (SELECT max(v) FROM s WHERE s.id = t.id) FROM u WHERE <range> AND ( "
            "u.id = t.id -- x\n  OR t.n IS NULL\n)");

  // One transaction, as written: their own block, another statement, RETURNING, SET LOCAL.
  for (const char* sql : {"BEGIN;\nUPDATE t SET n = 1;\nCOMMIT;\n",
                          "ALTER TABLE t ADD COLUMN m int;\nUPDATE t SET m = n;\n",
                          "UPDATE t SET n = 1 RETURNING id;\n",
                          "SET LOCAL lock_timeout = '1s';\nUPDATE t SET n = 1;\n",
                          "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nUPDATE t SET n = 1;\n",
                          "UPDATE t SET n = 1;\nUPDATE t SET n = 2;\n", "DELETE FROM t;\n"}) {
    SCOPED_TRACE(sql);
    p = Plan(sql);
    ASSERT_TRUE(p.errors.empty());
    ASSERT_EQ(p.steps.size(), 1u);
    EXPECT_EQ(p.steps[0].kind, StepKind::kTransaction);
    EXPECT_EQ(BackfillStatement(p.steps[0]), nullptr);
  }
}

TEST(PlanTest, BatchSizeFollowsTheTargetTime) {
  EXPECT_EQ(NextBatchSize(100, 10, 100), 200);      // fast: at most doubles
  EXPECT_EQ(NextBatchSize(1000, 200, 100), 500);    // slow: shrinks in proportion
  EXPECT_EQ(NextBatchSize(1000, 100000, 100), 10);  // never below 10 by adaptation
  EXPECT_EQ(NextBatchSize(3, 1000, 100), 3);        // nor below a smaller size
  EXPECT_EQ(Thousands(1234567), "1,234,567");
  EXPECT_EQ(DescribeKey({"a", "b"}, {"1", "x"}), "(\"a\", \"b\")=(1, x)");
}

TEST(PlanTest, NonTransactionalStatementsRunAloneBetweenTransactions) {
  MigrationPlan p = Plan(
      "CREATE TABLE a (id int, b int);\n"
      "CREATE INDEX CONCURRENTLY a_b ON a (b);\n"
      "CREATE INDEX CONCURRENTLY a_id ON public.a (id);\n"
      "ALTER TABLE a ADD COLUMN c int;\n"
      "VACUUM a;\n");
  ASSERT_TRUE(p.errors.empty());
  EXPECT_EQ(Shape(p), "T1 O1 O1 T1 O1");
  EXPECT_TRUE(p.tracked());
  const PlannedStatement& cic = p.steps[1].statements[0];
  EXPECT_EQ(cic.recovery, Recovery::kCreateIndexConcurrently);
  EXPECT_EQ(cic.objects->index.name, "a_b");
  EXPECT_EQ(cic.objects->table.name, "a");
  EXPECT_EQ(cic.statement_timeout_ms, 0);
  EXPECT_TRUE(cic.index_progress);
  EXPECT_EQ(p.steps[2].statements[0].objects->index.schema, "public");
  EXPECT_EQ(p.steps[4].statements[0].recovery, Recovery::kRerun);
}

TEST(PlanTest, ASingleConcurrentIndexIsTrackedSoThatAResumeKnowsItMayHaveRun) {
  MigrationPlan p = Plan("CREATE INDEX CONCURRENTLY \"Member_name_idx\" ON \"Member\"(\"name\");");
  EXPECT_EQ(Shape(p), "O1");
  EXPECT_TRUE(p.tracked());
  EXPECT_EQ(p.steps[0].statements[0].objects->index.name, "Member_name_idx");
}

// Recovery after a crash reads the index (REINDEX INDEX) and the table (REINDEX TABLE) to find the
// `_ccnew` leftovers of an interrupted rebuild.
TEST(PlanTest, ConcurrentReindexNamesTheIndexOrTheTableItRebuilds) {
  MigrationPlan p = Plan(
      "REINDEX INDEX CONCURRENTLY app.\"Member_email_key\";\n"
      "REINDEX TABLE CONCURRENTLY \"Member\";\n");
  ASSERT_EQ(Shape(p), "O1 O1");
  const PlannedStatement& index = p.steps[0].statements[0];
  EXPECT_EQ(index.recovery, Recovery::kReindexConcurrently);
  EXPECT_EQ(index.objects->index, (sql::QName{"app", "Member_email_key"}));
  EXPECT_TRUE(index.objects->table.name.empty());
  ASSERT_EQ(index.relations.size(), 1u);
  EXPECT_EQ(index.relations[0].name, "Member_email_key");
  const PlannedStatement& table = p.steps[1].statements[0];
  EXPECT_EQ(table.recovery, Recovery::kReindexConcurrently);
  EXPECT_EQ(table.objects->table.name, "Member");
  EXPECT_TRUE(table.objects->index.name.empty());
}

TEST(PlanTest, StatementTimeoutIsZeroForValidateAndConfiguredOtherwise) {
  Options o;
  o.statement_timeout_ms = 5000;
  MigrationPlan p = Plan(
      "ALTER TABLE a ADD CONSTRAINT a_fk FOREIGN KEY (b) REFERENCES c (id) NOT VALID;\n"
      "ALTER TABLE a VALIDATE CONSTRAINT a_fk;\n",
      o);
  ASSERT_EQ(Shape(p), "T2");
  EXPECT_EQ(p.steps[0].statements[0].statement_timeout_ms, 5000);
  EXPECT_EQ(p.steps[0].statements[1].statement_timeout_ms, 0);
  EXPECT_TRUE(p.steps[0].statements[1].long_running);
  // The foreign key's referenced table is where a blocker may sit too.
  std::set<std::string> rels;
  for (const sql::QName& q : p.steps[0].statements[0].relations) rels.insert(q.name);
  EXPECT_EQ(rels, (std::set<std::string>{"a", "c"}));
}

TEST(PlanTest, TheMigrationsOwnBeginCommitBecomesOneTransactionStep) {
  MigrationPlan p = Plan(
      "CREATE TABLE x (id int);\n"
      "BEGIN ISOLATION LEVEL SERIALIZABLE;\n"
      "ALTER TABLE x ADD COLUMN a int;\n"
      "ALTER TABLE x ADD COLUMN b int;\n"
      "COMMIT;\n"
      "CREATE INDEX CONCURRENTLY x_a ON x (a);\n"
      "ALTER TABLE x ADD COLUMN c int;\n");
  ASSERT_TRUE(p.errors.empty()) << p.errors[0];
  EXPECT_EQ(Shape(p), "T1 T2 O1 T1");
  EXPECT_TRUE(p.steps[1].explicit_block);
  EXPECT_EQ(p.steps[1].begin_sql, "BEGIN ISOLATION LEVEL SERIALIZABLE");
  EXPECT_EQ(p.statement_count, 5);  // BEGIN and COMMIT are not statements lockstep sends
}

TEST(PlanTest, CommitOutsideABlockEndsTheImplicitGroup) {
  MigrationPlan p = Plan("CREATE TABLE x (id int);\nCOMMIT;\nCREATE TABLE y (id int);\n");
  ASSERT_TRUE(p.errors.empty());
  EXPECT_EQ(Shape(p), "T1 T1");
}

TEST(PlanTest, ConcurrentStatementInsideTheMigrationsBlockIsAnErrorWithItsPosition) {
  MigrationPlan p = Plan("BEGIN;\nCREATE INDEX CONCURRENTLY x_a ON x (a);\nCOMMIT;\n");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_NE(p.errors[0].find("migration.sql:2:1: error: "), std::string::npos) << p.errors[0];
  EXPECT_NE(p.errors[0].find("cannot run inside a transaction block"), std::string::npos);
}

TEST(PlanTest, RollbackIsRefused) {
  MigrationPlan p = Plan("BEGIN;\nCREATE TABLE x (id int);\nROLLBACK;\n");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_NE(p.errors[0].find(":3:1: error:"), std::string::npos) << p.errors[0];
}

TEST(PlanTest, UnterminatedBeginEndsWithTheMigrationAndSaysSo) {
  MigrationPlan p = Plan("BEGIN;\nCREATE TABLE x (id int);\n");
  ASSERT_TRUE(p.errors.empty());
  EXPECT_EQ(Shape(p), "T1");
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_NE(p.notes[0].find("BEGIN without COMMIT"), std::string::npos);
}

TEST(PlanTest, SyntaxErrorIsReportedAtFileLineColumnWithPostgresMessage) {
  MigrationPlan p = Plan("CREATE TABLE ok (id int);\n\nALTER TABEL ok ADD COLUMN x int;\n");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0],
            "migrations/20260101000000_test/migration.sql:3:7: error: syntax error at or near "
            "\"TABEL\"");
}

TEST(PlanTest, PsqlMetaCommandsAreSyntaxErrorsAsOnTheServer) {
  MigrationPlan p = Plan("\\set ON_ERROR_STOP on\nCREATE TABLE x (id int);\n");
  EXPECT_FALSE(p.errors.empty());
}

TEST(PlanTest, ChecksumIsPrismasSha256OfTheFileBytes) {
  const std::string sql = "CREATE TABLE x (id int);\r\n";
  EXPECT_EQ(Plan(sql).checksum, migrations::Sha256Hex(sql));
}

TEST(PlanTest, EmptyMigrationHasNoStepsAndIsNotTracked) {
  MigrationPlan p = Plan("-- nothing to do\n");
  EXPECT_TRUE(p.errors.empty());
  EXPECT_TRUE(p.steps.empty());
  EXPECT_FALSE(p.tracked());
}

TEST(PlanTest, StepsFromSkipsCommittedStatements) {
  MigrationPlan p = Plan(
      "CREATE TABLE a (id int, b int);\nALTER TABLE a ADD COLUMN c int;\n"
      "CREATE INDEX CONCURRENTLY a_b ON a (b);\nALTER TABLE a ADD COLUMN d int;\n");
  ASSERT_EQ(Shape(p), "T2 O1 T1");
  std::vector<Step> rest = StepsFrom(p, 2);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].first(), 2);
  EXPECT_EQ(StepsFrom(p, 4).size(), 0u);
  // A cut inside a step (grouping changed between versions) keeps the later statements.
  rest = StepsFrom(p, 1);
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0].statements.size(), 1u);
  EXPECT_EQ(rest[0].first(), 1);
}

TEST(PlanTest, SessionSetIsMarkedForReplayOnResume) {
  MigrationPlan p =
      Plan("SET search_path TO app;\nSET LOCAL lock_timeout = '1s';\nCREATE TABLE t (id int);");
  ASSERT_EQ(Shape(p), "T3");
  EXPECT_TRUE(p.steps[0].statements[0].session_set);
  EXPECT_FALSE(p.steps[0].statements[1].session_set);
}

// A file over 1 MiB is planned as its parse hands it over, a batch at a time: the steps must be
// those of the statements in file order, a transaction spanning the batches' boundaries whole.
TEST(PlanTest, ALargeMigrationIsGroupedAcrossTheParsesBatches) {
  std::string sql;
  std::vector<std::string> texts;
  std::string shape;
  for (int n = 0; sql.size() < 2'500'000; ++n) {
    const std::string i = std::to_string(n);
    for (int k = 0; k < 40; ++k) {
      texts.push_back("ALTER TABLE \"T\" ADD COLUMN c" + i + "_" + std::to_string(k) + " int");
      sql += texts.back() + ";\n";
    }
    texts.push_back("CREATE INDEX CONCURRENTLY i" + i + " ON \"T\" (c" + i + "_0)");
    sql += texts.back() + ";\n";
    shape += std::string(shape.empty() ? "" : " ") + "T40 O1";
  }
  MigrationPlan p = Plan(sql);
  ASSERT_TRUE(p.errors.empty()) << p.errors.front();
  EXPECT_EQ(Shape(p), shape);
  EXPECT_EQ(p.statement_count, static_cast<int>(texts.size()));
  int index = 0;
  for (const Step& step : p.steps) {
    for (const PlannedStatement& s : step.statements) {
      ASSERT_EQ(s.index, index);
      ASSERT_EQ(s.sql(), texts[index]);
      ++index;
    }
  }
}

// When the cut pieces do not parse, the whole file is planned again from the start: nothing of
// the first attempt may be left in the plan (no step twice, indexes from 0).
TEST(PlanTest, ALargeMigrationCutInsideAStatementIsPlannedOnce) {
  std::string body;
  for (int k = 0; k < 20; ++k) body += " SELECT " + std::to_string(k) + ";";
  std::string sql = "BEGIN;\n";
  int n = 0;
  for (; sql.size() < 2'300'000; ++n)
    sql += "CREATE FUNCTION f" + std::to_string(n) + "() RETURNS int LANGUAGE sql BEGIN ATOMIC" +
           body + " END;\n";
  sql += "COMMIT;\n";
  MigrationPlan p = Plan(sql);
  ASSERT_TRUE(p.errors.empty()) << p.errors.front();
  EXPECT_TRUE(p.notes.empty());
  EXPECT_EQ(Shape(p), "T" + std::to_string(n));
  EXPECT_EQ(p.statement_count, n);
  EXPECT_EQ(p.steps.at(0).statements.front().index, 0);
}

// A batched backfill is told apart as the statements arrive; the UPDATE must be the one marked.
TEST(PlanTest, TheBackfillsUpdateIsMarkedAfterTheSettingsAroundIt) {
  MigrationPlan p = Plan(
      "SET statement_timeout = 0;\nSET work_mem = '64MB';\nUPDATE t SET n = 1 WHERE n IS NULL;\n"
      "RESET work_mem;\n");
  ASSERT_EQ(Shape(p), "B4");
  const PlannedStatement* u = BackfillStatement(p.steps[0]);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->index, 2);
  for (const PlannedStatement& s : p.steps[0].statements)
    EXPECT_EQ(static_cast<bool>(s.backfill), s.index == 2);
  // A second statement that is not a session SET: no backfill, and no statement marked.
  p = Plan("UPDATE t SET n = 1;\nSELECT 1;\n");
  ASSERT_EQ(Shape(p), "T2");
  for (const PlannedStatement& s : p.steps[0].statements) EXPECT_FALSE(s.backfill);
}

TEST(DurationTest, ParsesUnitsAndRejectsGarbage) {
  EXPECT_EQ(*ParseDurationMs("100ms"), 100);
  EXPECT_EQ(*ParseDurationMs("250"), 250);
  EXPECT_EQ(*ParseDurationMs("2s"), 2000);
  EXPECT_EQ(*ParseDurationMs("1.5s"), 1500);
  EXPECT_EQ(*ParseDurationMs("5min"), 300000);
  EXPECT_EQ(*ParseDurationMs("1h"), 3600000);
  EXPECT_FALSE(ParseDurationMs("").ok());
  EXPECT_FALSE(ParseDurationMs("fast").ok());
  EXPECT_FALSE(ParseDurationMs("10 parsecs").ok());
  EXPECT_FALSE(ParseDurationMs("-1s").ok());
  EXPECT_EQ(FormatDuration(100), "100ms");
  EXPECT_EQ(FormatDuration(1500), "1.5s");
  EXPECT_EQ(FormatDuration(600000), "10min");
  EXPECT_EQ(PgDuration(100), "'100ms'");
  EXPECT_EQ(PgDuration(0), "0");
}

TEST(BackoffTest, GrowsExponentiallyWithJitterUpToTheCap) {
  Options o;
  o.retry_base_ms = 100;
  o.retry_max_ms = 1000;
  Backoff b(o, 42);
  for (int round = 0; round < 50; ++round) {
    for (int n = 1; n <= 8; ++n) {
      const int64_t d = std::min<int64_t>(1000, 100LL << (n - 1));
      const int64_t got = b.DelayMs(n);
      EXPECT_GE(got, d / 2) << n;
      EXPECT_LE(got, d) << n;
    }
  }
  // Jitter: two deployers with different seeds do not wait the same.
  Backoff c(o, 43);
  bool differ = false;
  for (int n = 1; n <= 10; ++n) differ = differ || Backoff(o, 1).DelayMs(n) != c.DelayMs(n);
  EXPECT_TRUE(differ);
}

TEST(BackoffTest, StopsAtMaxAttemptsOrDeadline) {
  Options o;
  o.max_attempts = 3;
  o.retry_deadline_ms = 1000;
  Backoff b(o, 1);
  EXPECT_TRUE(b.ShouldRetry(1, 0, 100));
  EXPECT_TRUE(b.ShouldRetry(2, 800, 200));
  EXPECT_FALSE(b.ShouldRetry(3, 0, 100));
  EXPECT_FALSE(b.ShouldRetry(1, 900, 200));
  EXPECT_TRUE(IsRetryable("55P03"));
  EXPECT_TRUE(IsRetryable("40P01"));
  EXPECT_FALSE(IsRetryable("42P01"));
  EXPECT_FALSE(IsRetryable("57014"));
}

}  // namespace
}  // namespace lockstep::deploy
