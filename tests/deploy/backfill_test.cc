// Batched backfills (docs/backfill.md), against real PostgreSQL through the built CLI: a
// migration that is one UPDATE runs as many short transactions over the table's key, keeps the
// statement's WHERE, works over composite keys, is refused (nothing applied) without a usable
// key, names the row a failing batch stopped at and finishes when re-run after the data is fixed,
// and updates every row exactly once however often the deployer is SIGKILLed.
#include <gtest/gtest.h>

#include "base/exit_codes.h"
#include "deploy/helpers.h"
#include "support/pg_server.h"

namespace lockstep::deploy_test {
namespace {

using Clock = std::chrono::steady_clock;

class BackfillTest : public testing::PgTest {
 protected:
  RunResult Deploy(const fs::path& dir, std::vector<std::string> extra = {},
                   const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> args = {"deploy", dir.string(), "--database", db().url()};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = RunLockstep(args, env);
    EXPECT_EQ(r.all().find(server().password()), std::string::npos) << "password printed";
    return r;
  }
  // Creates `t` (id PK, n a counter) with `rows` rows through a first migration.
  void Seed(const fs::path& dir, int rows) {
    WriteFile(dir / "0_init/migration.sql",
              "CREATE TABLE t (id int PRIMARY KEY, v text, n int NOT NULL DEFAULT 0);\n"
              "INSERT INTO t (id, v) SELECT i, i::text FROM generate_series(1, " +
                  std::to_string(rows) + ") i;\n");
    RunResult r = Deploy(dir);
    ASSERT_EQ(r.exit_code, 0) << r.all();
  }
  std::string Count(const std::string& where) {
    return Scalar(conn(), "SELECT count(*) FROM t WHERE " + where);
  }
  // How many transactions wrote the rows of `table`.
  int Transactions(const std::string& table) {
    return std::atoi(Scalar(conn(), "SELECT count(DISTINCT xmin::text) FROM " + table).c_str());
  }
  // The migration is recorded as Prisma records it, and lockstep's progress is gone.
  void ExpectRecordedLikePrisma(const fs::path& dir, const std::string& name) {
    const std::string sql = ReadFile(dir / name / "migration.sql");
    EXPECT_EQ(
        Scalar(conn(), "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '" + name +
                           "' AND finished_at IS NOT NULL AND rolled_back_at IS NULL AND logs IS "
                           "NULL AND applied_steps_count = 1 AND checksum = '" +
                           migrations::Sha256Hex(sql) + "'"),
        "1");
    EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '" +
                                 name + "'"),
              "1");
    EXPECT_FALSE(TableExists(conn(), "_lockstep_progress"));
  }
};

TEST_F(BackfillTest, RunsInManyTransactionsAndRecordsTheMigrationAsPrismaDoes) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "m";
  Seed(dir, 20000);
  const int before = Transactions("t");
  WriteFile(dir / "1_backfill/migration.sql", "-- bump\nUPDATE t SET n = n + 1;\n");
  RunResult r = Deploy(dir, {"--backfill-batch-time", "20ms"});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(Count("n = 1"), "20000");
  EXPECT_GT(Transactions("t"), before + 3) << r.all();
  EXPECT_NE(r.out.find("batched backfill of \"t\" over its primary key (\"id\")"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("backfill of \"t\": 20,000 rows updated in "), std::string::npos) << r.out;
  ExpectRecordedLikePrisma(dir, "1_backfill");
}

TEST_F(BackfillTest, KeepsTheWhereClauseAndTheAlias) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "m";
  Seed(dir, 5000);
  WriteFile(dir / "1_backfill/migration.sql",
            "SET search_path TO public;\n"
            "UPDATE t AS x SET n = x.n + 1 WHERE x.id % 3 = 0 OR x.id > 4990 -- not the rest\n"
            ";\n");
  RunResult r = Deploy(dir, {"--backfill-batch-time", "20ms"});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(Count("n = 1"), Count("id % 3 = 0 OR id > 4990"));
  EXPECT_EQ(Count("n = 0"), Count("NOT (id % 3 = 0 OR id > 4990)"));
  EXPECT_EQ(Count("n > 1"), "0");
  EXPECT_GT(Transactions("t WHERE n = 1"), 2) << r.all();
  ExpectRecordedLikePrisma(dir, "1_backfill");
}

TEST_F(BackfillTest, BatchesOverACompositePrimaryKey) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "m";
  WriteFile(dir / "0_init/migration.sql",
            "CREATE TABLE pair (a int, b text, n int NOT NULL DEFAULT 0, PRIMARY KEY (a, b));\n"
            "INSERT INTO pair (a, b) SELECT i % 50, 'k' || i FROM generate_series(1, 8000) i;\n");
  ASSERT_EQ(Deploy(dir).exit_code, 0);
  WriteFile(dir / "1_backfill/migration.sql", "UPDATE pair SET n = n + 1 WHERE b <> 'k7';\n");
  RunResult r = Deploy(dir, {"--backfill-batch-time", "20ms"});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("over its primary key (\"a\", \"b\")"), std::string::npos) << r.out;
  EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM pair WHERE n = 1"), "7999");
  EXPECT_EQ(Scalar(conn(), "SELECT n FROM pair WHERE b = 'k7'"), "0");
  EXPECT_GT(Transactions("pair"), 3) << r.all();
  ExpectRecordedLikePrisma(dir, "1_backfill");
}

TEST_F(BackfillTest, WithoutAUsableKeyItIsRefusedAndNothingIsApplied) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "m";
  WriteFile(dir / "0_init/migration.sql",
            "CREATE TABLE heap (id int, n int NOT NULL DEFAULT 0);\n"
            "CREATE UNIQUE INDEX heap_id ON heap (id);\n"
            "CREATE TABLE keyed (id int PRIMARY KEY, n int NOT NULL DEFAULT 0);\n"
            "INSERT INTO heap (id) SELECT generate_series(1, 100);\n"
            "INSERT INTO keyed (id) SELECT generate_series(1, 100);\n");
  ASSERT_EQ(Deploy(dir).exit_code, 0);

  WriteFile(dir / "1_backfill/migration.sql", "UPDATE heap SET n = n + 1;\n");
  RunResult r = Deploy(dir);
  EXPECT_EQ(r.exit_code, exit_code::kBlocked) << r.all();
  EXPECT_NE(
      r.err.find("1_backfill/migration.sql:1:1: error: cannot run this UPDATE in batches: "
                 "\"heap\" has no usable key: unique index \"heap_id\" has a nullable column"),
      std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Nothing was applied"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("wrap it in BEGIN; ... COMMIT;"), std::string::npos) << r.err;
  EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM heap WHERE n <> 0"), "0");
  EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM _prisma_migrations"), "1");
  EXPECT_FALSE(TableExists(conn(), "_lockstep_progress"));

  // A key the UPDATE moves cannot order its batches either.
  fs::remove_all(dir / "1_backfill");
  WriteFile(dir / "1_move/migration.sql", "UPDATE keyed SET id = id + 1000;\n");
  r = Deploy(dir);
  EXPECT_EQ(r.exit_code, exit_code::kBlocked) << r.all();
  EXPECT_NE(r.err.find("the UPDATE sets a column of \"keyed_pkey\""), std::string::npos) << r.err;
  EXPECT_EQ(Scalar(conn(), "SELECT max(id) FROM keyed"), "100");

  // The way out the message gives: one transaction, as Prisma runs it.
  fs::remove_all(dir / "1_move");
  WriteFile(dir / "1_backfill/migration.sql", "BEGIN;\nUPDATE heap SET n = n + 1;\nCOMMIT;\n");
  r = Deploy(dir);
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM heap WHERE n = 1"), "100");
  EXPECT_EQ(Transactions("heap"), 1);
}

TEST_F(BackfillTest, AFailingRowIsNamedTheBatchesBeforeItStayAndARerunFinishes) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "m";
  Seed(dir, 3000);
  ASSERT_EQ(Scalar(conn(), "UPDATE t SET v = 'oops' WHERE id = 1234 RETURNING id"), "1234");
  ASSERT_TRUE(conn().Exec("ALTER TABLE t ADD COLUMN w int").ok());
  WriteFile(dir / "1_backfill/migration.sql", "UPDATE t SET n = n + 1, w = v::int;\n");
  RunResult r = Deploy(dir, {"--backfill-batch-time", "20ms"});
  ASSERT_EQ(r.exit_code, exit_code::kMigrationFailed) << r.all();
  EXPECT_NE(r.err.find("1_backfill/migration.sql:1:1: error: invalid input syntax for type "
                       "integer: \"oops\""),
            std::string::npos)
      << r.err;
  EXPECT_NE(
      r.err.find("in the batched backfill of \"t\", on the row (\"id\")=(1234) (SQLSTATE 22P02)"),
      std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Batches up to (\"id\")=(1233) are committed (1,233 rows updated)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Count("n = 1"), "1233");
  EXPECT_EQ(Count("n = 1 AND id >= 1234"), "0");
  // Nothing blocks a re-run (no failed row); lockstep status shows where it stands.
  EXPECT_EQ(Scalar(conn(),
                   "SELECT count(*) FROM _prisma_migrations WHERE migration_name = "
                   "'1_backfill'"),
            "0");
  RunResult status = RunLockstep({"status", dir.string(), "--database", db().url()});
  EXPECT_NE(status.out.find("partial  1_backfill  (batched backfill: 1233 rows updated by "
                            "lockstep, up to key (1233)"),
            std::string::npos)
      << status.all();

  ASSERT_TRUE(conn().Exec("UPDATE t SET v = '1234' WHERE id = 1234").ok());
  r = Deploy(dir, {"--backfill-batch-time", "20ms"});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("resuming after (\"id\")=(1233) (1,233 rows updated by an earlier run)"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(Count("n = 1 AND w = id"), "3000");
  ExpectRecordedLikePrisma(dir, "1_backfill");
}

// The deployer killed at its own kill points (LOCKSTEP_TEST_KILL_AT: between batches, after a
// batch's first query, after its UPDATE, after its COMMIT), several times in one backfill, each
// run resuming the last: every row is incremented once.
TEST_F(BackfillTest, ExactlyOncePerRowWhenKilledAtBatchBoundaries) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "m";
  Seed(dir, 30000);
  WriteFile(dir / "1_backfill/migration.sql", "UPDATE t SET n = n + 1;\n");
  int kills = 0;
  for (int at : {3, 4, 5, 6, 9, 14, 21, 30}) {
    SCOPED_TRACE("kill point " + std::to_string(at));
    RunResult r = Deploy(dir, {"--backfill-batch-time", "20ms"},
                         {{"LOCKSTEP_TEST_KILL_AT", std::to_string(at)}});
    if (r.signal == 0) {
      ASSERT_EQ(r.exit_code, 0) << r.all();
      break;
    }
    ASSERT_EQ(r.signal, SIGKILL) << r.all();
    ++kills;
  }
  EXPECT_GE(kills, 6);
  RunResult r = Deploy(dir, {"--backfill-batch-time", "20ms"});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(Count("n = 1"), "30000");
  EXPECT_EQ(Count("n <> 1"), "0");
  ExpectRecordedLikePrisma(dir, "1_backfill");
}

// kill -9 from outside at varied delays once the backfill runs: mid-batch (the UPDATE running
// or not yet committed) and between batches, then a re-run each time.
TEST_F(BackfillTest, ExactlyOncePerRowWhenSigkilledAtVariedDelays) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "m";
  Seed(dir, 200000);
  WriteFile(dir / "1_backfill/migration.sql", "UPDATE t SET n = n + 1, v = v || '!';\n");
  // Short delays (a batch lasts about 20 ms: some land mid-batch, some between batches), so that
  // each run gets only a few batches done and twelve kills fit in the backfill on a fast machine.
  constexpr int kDelaysMs[] = {0, 3, 7, 12, 18, 25, 35, 50, 70, 0, 5, 10, 15, 22, 30, 45};
  int kills = 0;
  for (int delay_ms : kDelaysMs) {
    if (kills == 12) break;
    SCOPED_TRACE("delay " + std::to_string(delay_ms) + "ms");
    Child c({"deploy", dir.string(), "--database", db().url(), "--backfill-batch-time", "20ms"});
    // Until this run has committed a batch of its own (the progress row changes).
    const std::string before =
        TableExists(conn(), "_lockstep_progress")
            ? Scalar(conn(), "SELECT coalesce(max(updated_at)::text, '') FROM _lockstep_progress")
            : "";
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < deadline && c.Running()) {
      if (TableExists(conn(), "_lockstep_progress") &&
          Scalar(conn(),
                 "SELECT coalesce(max(updated_at)::text, '') FROM _lockstep_progress WHERE "
                 "backfill_after IS NOT NULL") > before)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    if (!c.Running()) {
      RunResult r = c.Wait();
      ASSERT_EQ(r.exit_code, 0) << r.all();
      break;
    }
    c.Kill(SIGKILL);
    RunResult r = c.Wait();
    if (r.signal == 0) {  // it finished between the check above and the kill
      ASSERT_EQ(r.exit_code, 0) << r.all();
      break;
    }
    ASSERT_EQ(r.signal, SIGKILL) << r.all();
    ++kills;
  }
  EXPECT_GE(kills, 10);
  RunResult r = Deploy(dir, {"--backfill-batch-time", "20ms"});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(Count("n = 1 AND v = id::text || '!'"), "200000");
  EXPECT_EQ(Count("n <> 1"), "0");
  ExpectRecordedLikePrisma(dir, "1_backfill");
}

}  // namespace
}  // namespace lockstep::deploy_test
