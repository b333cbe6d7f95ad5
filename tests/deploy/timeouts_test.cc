// The timeouts lockstep deploys under, against real PostgreSQL through the built CLI: a
// migration may lower lockstep's lock_timeout, statement_timeout and
// idle_in_transaction_session_timeout but never raise them (in any form: SET, SET SESSION,
// SET LOCAL, RESET, RESET ALL, set_config()); a role's or database's statement_timeout set by a
// DBA is kept for statements that block traffic unless --statement-timeout says otherwise; a
// serialization failure is rolled back and retried like a lock timeout.
#include <gtest/gtest.h>

#include "base/exit_codes.h"
#include "base/quote.h"
#include "deploy/helpers.h"
#include "support/pg_server.h"

namespace lockstep::deploy_test {
namespace {

using Clock = std::chrono::steady_clock;

class TimeoutsTest : public testing::PgMajorTest {
 protected:
  RunResult Deploy(const testing::TestDatabase& d, const fs::path& dir,
                   std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"deploy", dir.string(), "--database", d.url()};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = RunLockstep(args);
    EXPECT_EQ(r.all().find(server().password()), std::string::npos) << "password printed";
    return r;
  }
  std::unique_ptr<testing::TestDatabase> NewDatabase(const std::string& label) {
    Result<std::unique_ptr<testing::TestDatabase>> d =
        testing::TestDatabase::Create(major(), label);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? std::move(d).value() : nullptr;
  }
  // What a later statement of the migration sees, recorded by the migration itself.
  static constexpr const char* kRecord =
      "CREATE TABLE seen AS SELECT current_setting('lock_timeout') AS lock, "
      "current_setting('statement_timeout') AS statement, "
      "current_setting('idle_in_transaction_session_timeout') AS idle;\n";
  static std::string Seen(db::Connection& c) {
    return Scalar(c, "SELECT lock || ' ' || statement || ' ' || idle FROM seen");
  }
};

TEST_P(TimeoutsTest, NoFormOfSetRaisesLockstepsBoundsAndStricterValuesAreKept) {
  struct Case {
    std::string sql;
    std::string seen;  // lock_timeout, statement_timeout, idle_in_transaction_session_timeout
    std::string says;
  };
  const std::string applies = "lockstep's 100ms applies";
  const std::vector<Case> cases = {
      {"SET lock_timeout = '5s'; SET statement_timeout = 0; "
       "SET idle_in_transaction_session_timeout = 0;",
       "100ms 30s 20s", applies},
      {"SET SESSION lock_timeout = '5s'; SET SESSION statement_timeout = '1h'; "
       "SET SESSION idle_in_transaction_session_timeout = '1h';",
       "100ms 30s 20s", applies},
      {"SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = 0; "
       "SET LOCAL idle_in_transaction_session_timeout = 0;",
       "100ms 30s 20s", applies},
      // The database sets idle_in_transaction_session_timeout (20s), so RESET keeps it.
      {"RESET lock_timeout; RESET statement_timeout; RESET idle_in_transaction_session_timeout;",
       "100ms 30s 20s", applies},
      {"RESET ALL;", "100ms 30s 20s", applies},
      {"SELECT set_config('lock_timeout', '5s', false), set_config('statement_timeout', '0', "
       "false), set_config('idle_in_transaction_session_timeout', '0', false);",
       "100ms 30s 20s", applies},
      {"SELECT pg_catalog.set_config('lock_timeout', '5s', true), "
       "pg_catalog.set_config('statement_timeout', '0', true), "
       "pg_catalog.set_config('idle_in_transaction_session_timeout', '0', true);",
       "100ms 30s 20s", applies},
      {"SET lock_timeout = '50ms'; SET statement_timeout = '2s'; "
       "SET idle_in_transaction_session_timeout = '5s';",
       "50ms 2s 5s", "lock_timeout 50ms set by the migration applies"},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sql);
    std::unique_ptr<testing::TestDatabase> d = NewDatabase("bounds" + std::to_string(++n));
    ASSERT_TRUE(d);
    ASSERT_TRUE(d->conn()
                    .Exec("ALTER DATABASE " + QuoteIdent(d->name()) +
                          " SET idle_in_transaction_session_timeout = '20s'")
                    .ok());
    TempDir tmp;
    WriteFile(tmp.path() / "m/1_set/migration.sql", c.sql + "\n" + kRecord);
    RunResult r = Deploy(*d, tmp.path() / "m", {"--statement-timeout", "30s"});
    ASSERT_EQ(r.exit_code, 0) << r.all();
    EXPECT_EQ(Seen(d->conn()), c.seen) << r.out;
    EXPECT_NE(r.out.find(c.says), std::string::npos) << r.out;
  }
}

// Across the steps of a split migration: a session-level value the file raised in an earlier
// step is put back, a stricter one is kept.
TEST_P(TimeoutsTest, BoundsHoldAcrossTheStepsOfASplitMigration) {
  for (const auto& [set, seen] : std::vector<std::pair<std::string, std::string>>{
           {"SET lock_timeout = '5s';", "100ms"}, {"SET lock_timeout = '50ms';", "50ms"}}) {
    SCOPED_TRACE(set);
    std::unique_ptr<testing::TestDatabase> d = NewDatabase("split");
    ASSERT_TRUE(d);
    TempDir tmp;
    WriteFile(
        tmp.path() / "m/1_split/migration.sql",
        set + "\nCREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY t_id ON t (id);\n" + kRecord);
    RunResult r = Deploy(*d, tmp.path() / "m");
    ASSERT_EQ(r.exit_code, 0) << r.all();
    EXPECT_EQ(Scalar(d->conn(), "SELECT lock FROM seen"), seen) << r.out;
  }
}

// A DBA's statement_timeout (here the role's, in this database) bounds the statements that
// block traffic; --statement-timeout overrides it; concurrent builds still run without one.
TEST_P(TimeoutsTest, TheRolesStatementTimeoutIsKeptForStatementsThatBlockTraffic) {
  ASSERT_TRUE(conn()
                  .Exec("ALTER ROLE CURRENT_USER IN DATABASE " + QuoteIdent(db().name()) +
                        " SET statement_timeout = '1s'")
                  .ok());
  TempDir tmp;
  const fs::path dir = tmp.path() / "m";
  WriteFile(dir / "1_slow/migration.sql",
            "CREATE TABLE t (id int);\nINSERT INTO t SELECT generate_series(1, 4);\n"
            "SELECT pg_sleep(2);\n");
  RunResult kept = Deploy(db(), dir);
  EXPECT_EQ(kept.exit_code, exit_code::kTimedOut) << kept.all();
  EXPECT_NE(kept.out.find("statement_timeout 1s (the role's or database's own) for statements that "
                          "block traffic"),
            std::string::npos)
      << kept.out;
  EXPECT_NE(kept.err.find("statement_timeout 1s, the role's or database's own"), std::string::npos)
      << kept.err;
  EXPECT_FALSE(TableExists(conn(), "t")) << "the step was not rolled back";
  EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM _prisma_migrations"), "0");

  RunResult overridden = Deploy(db(), dir, {"--statement-timeout", "0"});
  ASSERT_EQ(overridden.exit_code, 0) << overridden.all();
  EXPECT_NE(overridden.out.find("statement_timeout none (--statement-timeout)"), std::string::npos)
      << overridden.out;

  // A concurrent build of 4 rows that each take 0.4 s (in the build and again in validation)
  // outlasts the role's 1 s, and blocks nobody: it runs without a statement_timeout.
  WriteFile(dir / "2_slow_index/migration.sql",
            "CREATE FUNCTION slow(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM pg_sleep(0.4); RETURN $1; END $$;\n");
  WriteFile(dir / "3_index/migration.sql", "CREATE INDEX CONCURRENTLY t_slow ON t (slow(id));\n");
  RunResult build = Deploy(db(), dir);
  ASSERT_EQ(build.exit_code, 0) << build.all();
  EXPECT_EQ(Scalar(conn(), "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_slow'::regclass"),
            "t");
}

// A SERIALIZABLE backfill loses to a concurrent update (SQLSTATE 40001): the step is rolled back
// and retried, reported like a lock timeout, and recorded only once it succeeds.
TEST_P(TimeoutsTest, SerializationFailureIsRolledBackAndRetried) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "m";
  WriteFile(dir / "0_counter/migration.sql",
            "CREATE TABLE counter (id int PRIMARY KEY, v int);\n"
            "INSERT INTO counter VALUES (1, 1);\n");
  ASSERT_EQ(Deploy(db(), dir).exit_code, 0);
  WriteFile(dir / "1_backfill/migration.sql",
            "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;\n"
            "UPDATE counter SET v = v * 10 WHERE id = 1;\n");
  db::DbResult<db::Connection> other = db().Connect();
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(other->Exec("BEGIN; UPDATE counter SET v = v + 1 WHERE id = 1").ok());
  // A long lock_timeout: the deployer's UPDATE waits for the row, its snapshot taken before the
  // other transaction commits, which then makes it fail with 40001 (not 55P03).
  Child deploy({"deploy", dir.string(), "--database", db().url(), "--lock-timeout", "60s",
                "--retry-delay", "50ms"});
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (
      Clock::now() < deadline && deploy.Running() &&
      Scalar(conn(),
             "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE "
             "'lockstep deploy%' AND wait_event_type = 'Lock' AND query LIKE 'UPDATE counter%'") !=
          "1") {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(deploy.Running()) << deploy.Wait().all();
  ASSERT_TRUE(other->Exec("COMMIT").ok());
  RunResult r = deploy.Wait();
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("serialization failure (40001) at"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("attempt 1/30"), std::string::npos) << r.out;
  EXPECT_EQ(Scalar(conn(), "SELECT v FROM counter"), "20");
  EXPECT_EQ(
      Scalar(conn(), "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '1_backfill'"),
      "1");
  EXPECT_EQ(Scalar(conn(),
                   "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL AND "
                   "logs IS NULL AND rolled_back_at IS NULL"),
            "2");
}

LOCKSTEP_PG_MAJORS(TimeoutsTest, testing::kDefaultPgMajor, 15);

}  // namespace
}  // namespace lockstep::deploy_test
