// Deploy preflight (issue 14, item 2) against a real PostgreSQL: before its first statement,
// deploy reports, read-only, what would hurt the pending migrations: an idle-in-transaction
// session holding a lock on a table the migration alters (warn goes on and retries as always;
// strict refuses with nothing applied), a replication slot retaining WAL, a role that cannot see
// other sessions; and says nothing alarming about a clean database.
#include <gtest/gtest.h>

#include "base/exit_codes.h"
#include "deploy/helpers.h"
#include "support/pg_server.h"

namespace lockstep::deploy_test {
namespace {

using std::chrono::seconds;

constexpr const char* kHeader = "would hurt this deploy:";
constexpr int kAgeMs = 200;  // --preflight-age of the tests that report a holder

class PreflightTest : public testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    dir_ = tmp_.path() / "migrations";
    CopyMigrations(SeedDir(), dir_, {"0_init"});
    RunResult r = RunLockstep({"deploy", dir_.string(), "--database", db().url()});
    ASSERT_EQ(r.exit_code, 0) << r.all();
    WriteFile(dir_ / "1_add_bio/migration.sql",
              "ALTER TABLE \"Member\" ADD COLUMN \"bio\" TEXT;\n");
  }
  bool BioExists() {
    return Scalar(conn(),
                  "SELECT count(*) FROM pg_attribute WHERE attrelid = '\"Member\"'::regclass "
                  "AND attname = 'bio'") == "1";
  }
  // Every row of _prisma_migrations, as text: equal before and after means untouched.
  std::string Ledger() {
    return Scalar(conn(),
                  "SELECT coalesce(string_agg(m::text, ' | ' ORDER BY started_at, id), '') "
                  "FROM _prisma_migrations m");
  }
  // For AwaitState: the transaction of backend `pid` is older than --preflight-age (kAgeMs), as
  // the preflight counts it (clock_timestamp() - xact_start).
  static std::string OlderThanPreflightAge(int pid) {
    return "SELECT coalesce(bool_or(clock_timestamp() - xact_start > " + std::to_string(kAgeMs) +
           " * interval '1 millisecond'), false) FROM pg_stat_activity WHERE pid = " +
           std::to_string(pid);
  }
  TempDir tmp_;
  fs::path dir_;
};

// A session idle in a transaction that read "Member": warn names it (pid, state, query) before
// the first statement, then deploys as today, retrying the lock timeouts until it commits.
TEST_F(PreflightTest, WarnReportsAnIdleTransactionOnTheAlteredTableAndGoesOn) {
  db::DbResult<db::Connection> holder = db().Connect();
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE(holder->Exec("BEGIN; SELECT count(*) FROM \"Member\"").ok());
  ASSERT_TRUE(AwaitState(conn(), OlderThanPreflightAge(holder->backend_pid())));
  Child deploy({"deploy", dir_.string(), "--database", db().url(), "--preflight-age",
                std::to_string(kAgeMs) + "ms", "--retry-delay", "100ms", "--max-retry-delay",
                "400ms"});
  // An attempt timed out behind the holder, so the preflight ran while it held its lock. Not a
  // fixed sleep: on a loaded machine the child can still be starting when one ends.
  ASSERT_TRUE(AwaitOutput(deploy, "lock_timeout (100ms)")) << deploy.Wait(seconds(5)).all();
  ASSERT_TRUE(deploy.Running()) << deploy.Wait().all();
  EXPECT_FALSE(BioExists());
  ASSERT_TRUE(holder->Exec("COMMIT").ok());
  RunResult r = deploy.Wait();
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_TRUE(BioExists());
  const size_t report = r.out.find(std::string("Preflight (--preflight warn): 1 thing ") + kHeader);
  ASSERT_NE(report, std::string::npos) << r.out;
  const std::string after = r.out.substr(report);
  EXPECT_NE(after.find("pid " + std::to_string(holder->backend_pid()) + " (idle in transaction"),
            std::string::npos)
      << r.out;
  EXPECT_NE(after.find("AccessShareLock on \"Member\""), std::string::npos) << r.out;
  EXPECT_NE(after.find("SELECT count(*) FROM \"Member\""), std::string::npos) << r.out;
  // Reported before the first statement, which then waited for it as always.
  EXPECT_LT(report, r.out.find("Applying migration `1_add_bio`")) << r.out;
  EXPECT_NE(r.out.find("lock_timeout (100ms)"), std::string::npos) << r.out;
  EXPECT_EQ(r.all().find(server().password()), std::string::npos) << r.all();
  const std::string shown = after.substr(0, after.find("Applying migration"));
  std::printf("[ preflight ] %s", shown.c_str());
}

// Strict refuses to start: nothing applied, _prisma_migrations untouched, its own exit code.
TEST_F(PreflightTest, StrictRefusesWithNothingApplied) {
  db::DbResult<db::Connection> holder = db().Connect();
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE(holder->Exec("BEGIN; SELECT count(*) FROM \"Member\"").ok());
  ASSERT_TRUE(AwaitState(conn(), OlderThanPreflightAge(holder->backend_pid())));
  const std::string ledger = Ledger();
  RunResult r = RunLockstep({"deploy", dir_.string(), "--database", db().url(), "--preflight",
                             "strict", "--preflight-age", std::to_string(kAgeMs) + "ms"});
  ASSERT_TRUE(holder->Exec("COMMIT").ok());
  EXPECT_EQ(r.exit_code, exit_code::kPreflight) << r.all();
  EXPECT_NE(r.out.find("pid " + std::to_string(holder->backend_pid())), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("--preflight strict: refused to start"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Nothing was applied"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("Applying migration"), std::string::npos) << r.out;
  EXPECT_FALSE(BioExists());
  EXPECT_EQ(Ledger(), ledger);
}

// A session's query may carry a password: the report masks it.
TEST_F(PreflightTest, ReportMasksAPasswordInASessionsQuery) {
  db::DbResult<db::Connection> holder = db().Connect();
  ASSERT_TRUE(holder.ok());
  const std::string role = "pf_pw_" + std::to_string(::getpid());
  ASSERT_TRUE(holder
                  ->Exec("BEGIN; SELECT count(*) FROM \"Member\"; CREATE ROLE " + role +
                         " PASSWORD 'hunter2-secret'")
                  .ok());
  ASSERT_TRUE(AwaitState(conn(), OlderThanPreflightAge(holder->backend_pid())));
  RunResult r = RunLockstep({"deploy", dir_.string(), "--database", db().url(), "--preflight",
                             "strict", "--preflight-age", std::to_string(kAgeMs) + "ms"});
  ASSERT_TRUE(holder->Exec("ROLLBACK").ok());
  EXPECT_EQ(r.exit_code, exit_code::kPreflight) << r.all();
  EXPECT_NE(r.out.find("CREATE ROLE " + role + " PASSWORD '****'"), std::string::npos) << r.out;
  EXPECT_EQ(r.all().find("hunter2-secret"), std::string::npos) << r.all();
}

// The lock-timeout retries name the same session with its query: masked there too.
TEST_F(PreflightTest, RetryMessagesMaskAPasswordToo) {
  db::DbResult<db::Connection> holder = db().Connect();
  ASSERT_TRUE(holder.ok());
  const std::string role = "pf_pw_" + std::to_string(::getpid());
  ASSERT_TRUE(holder
                  ->Exec("BEGIN; SELECT count(*) FROM \"Member\"; CREATE ROLE " + role +
                         " PASSWORD 'hunter2-secret'")
                  .ok());
  Child deploy({"deploy", dir_.string(), "--database", db().url(), "--preflight", "off",
                "--retry-delay", "100ms", "--max-retry-delay", "400ms"});
  // A retry named the holder. Not a fixed sleep: on a loaded machine the child can still be
  // starting when one ends, and then nothing is retried.
  ASSERT_TRUE(AwaitOutput(deploy, "blocked by pid " + std::to_string(holder->backend_pid())))
      << deploy.Wait(seconds(5)).all();
  ASSERT_TRUE(holder->Exec("ROLLBACK").ok());
  RunResult r = deploy.Wait();
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("blocked by pid " + std::to_string(holder->backend_pid())),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("PASSWORD '****'"), std::string::npos) << r.out;
  EXPECT_EQ(r.all().find("hunter2-secret"), std::string::npos) << r.all();
}

// Another deployer holding the migration lock is named with its last query (the "Waiting" line
// and the give-up error): masked there too.
TEST_F(PreflightTest, MigrationLockHolderMasksAPasswordToo) {
  db::DbResult<db::Connection> holder = db().Connect();
  ASSERT_TRUE(holder.ok());
  const std::string role = "pf_pw_" + std::to_string(::getpid());
  ASSERT_TRUE(holder
                  ->Exec("SELECT pg_advisory_lock(72707369); BEGIN; CREATE ROLE " + role +
                         " PASSWORD 'hunter2-secret'")
                  .ok());
  RunResult r = RunLockstep({"deploy", dir_.string(), "--database", db().url(), "--preflight",
                             "off", "--lock-wait", "300ms"});
  ASSERT_TRUE(holder->Exec("ROLLBACK; SELECT pg_advisory_unlock(72707369)").ok());
  EXPECT_EQ(r.exit_code, exit_code::kLockHeld) << r.all();
  EXPECT_NE(r.err.find("another deployer holds the migration lock"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pid " + std::to_string(holder->backend_pid())), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("PASSWORD '****'"), std::string::npos) << r.err;
  EXPECT_EQ(r.all().find("hunter2-secret"), std::string::npos) << r.all();
  EXPECT_FALSE(BioExists());
}

// A younger transaction than --preflight-age is an application's ordinary one: not reported.
TEST_F(PreflightTest, CleanDatabaseGivesNoWarning) {
  RunResult r = RunLockstep({"deploy", dir_.string(), "--database", db().url()});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_TRUE(BioExists());
  EXPECT_EQ(r.out.find(kHeader), std::string::npos) << r.out;
  EXPECT_EQ(r.all().find("warning:"), std::string::npos) << r.all();
  EXPECT_NE(r.out.find("Preflight: nothing in the way\n"), std::string::npos) << r.out;
  // Off says nothing at all.
  WriteFile(dir_ / "2_add_note/migration.sql",
            "ALTER TABLE \"Member\" ADD COLUMN \"note\" TEXT;\n");
  RunResult off =
      RunLockstep({"deploy", dir_.string(), "--database", db().url(), "--preflight", "off"});
  ASSERT_EQ(off.exit_code, 0) << off.all();
  EXPECT_EQ(off.out.find("Preflight"), std::string::npos) << off.out;
}

// Before a concurrent build, a transaction open for a while on any table (here: none) is
// reported too: the build waits for every older transaction of the database.
TEST_F(PreflightTest, OldTransactionAnywhereIsReportedBeforeAConcurrentBuild) {
  WriteFile(dir_ / "1_add_bio/migration.sql",
            "CREATE INDEX CONCURRENTLY \"Member_name_idx\" ON \"Member\" (\"name\");\n");
  db::DbResult<db::Connection> holder = db().Connect();
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE(holder->Exec("BEGIN; SELECT pg_catalog.txid_current()").ok());
  ASSERT_TRUE(AwaitState(conn(), OlderThanPreflightAge(holder->backend_pid())));
  RunResult r = RunLockstep({"deploy", dir_.string(), "--database", db().url(), "--preflight",
                             "strict", "--preflight-age", std::to_string(kAgeMs) + "ms"});
  ASSERT_TRUE(holder->Exec("COMMIT").ok());
  EXPECT_EQ(r.exit_code, exit_code::kPreflight) << r.all();
  EXPECT_NE(r.out.find("pid " + std::to_string(holder->backend_pid()) + " (idle in transaction"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("a concurrent index build waits for every older transaction"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM pg_class WHERE relname = 'Member_name_idx'"), "0");
}

// An inactive physical slot that reserved WAL is reported with its name and what it retains
// (slots belong to the whole server: the test drops its own).
TEST_F(PreflightTest, InactiveReplicationSlotIsReported) {
  const std::string slot = "lockstep_preflight_" + std::to_string(::getpid());
  ASSERT_EQ(Scalar(conn(), "SELECT slot_name FROM pg_create_physical_replication_slot('" + slot +
                               "', true)"),
            slot);
  ASSERT_TRUE(
      conn().Exec("CREATE TABLE wal_filler AS SELECT g FROM generate_series(1, 1000) g").ok());
  RunResult warn = RunLockstep({"deploy", dir_.string(), "--database", db().url(), "--preflight",
                                "strict", "--preflight-slot-wal", "1TB"});
  ASSERT_TRUE(conn().Exec("SELECT pg_drop_replication_slot('" + slot + "')").ok());
  EXPECT_EQ(warn.exit_code, exit_code::kPreflight) << warn.all();
  EXPECT_NE(warn.out.find("replication slot \"" + slot + "\" (physical, inactive) retains "),
            std::string::npos)
      << warn.out;
  EXPECT_FALSE(BioExists());
}

// A role without pg_monitor cannot see other roles' sessions: one line says so; warn goes on,
// strict refuses (it cannot give the protection asked for).
TEST_F(PreflightTest, RoleWithoutPgMonitorIsNamedAndStrictRefuses) {
  const std::string role = "lockstep_pf_" + std::to_string(::getpid());
  ASSERT_TRUE(conn()
                  .Exec("CREATE ROLE " + role +
                        " LOGIN PASSWORD 'hunter2-secret'; GRANT ALL ON "
                        "SCHEMA public TO " +
                        role + "; GRANT ALL ON ALL TABLES IN SCHEMA public TO " + role +
                        "; ALTER TABLE \"Member\" OWNER TO " + role)
                  .ok());
  db::ConnInfo info = db().conninfo();
  info.user = role;
  info.password = "hunter2-secret";
  RunResult strict =
      RunLockstep({"deploy", dir_.string(), "--database", info.Url(), "--preflight", "strict"});
  RunResult warn = RunLockstep({"deploy", dir_.string(), "--database", info.Url()});
  ASSERT_TRUE(conn().Exec("DROP OWNED BY " + role + "; DROP ROLE " + role).ok());

  EXPECT_EQ(strict.exit_code, exit_code::kPreflight) << strict.all();
  const std::string line = "role \"" + role + "\" cannot see other roles' sessions";
  EXPECT_NE(strict.out.find(line), std::string::npos) << strict.out;
  EXPECT_NE(strict.err.find("refused to start"), std::string::npos) << strict.err;
  EXPECT_EQ(strict.out.find("Applying migration"), std::string::npos) << strict.out;

  ASSERT_EQ(warn.exit_code, 0) << warn.all();
  const size_t at = warn.out.find(line);
  ASSERT_NE(at, std::string::npos) << warn.out;
  EXPECT_EQ(warn.out.find(line, at + 1), std::string::npos) << "said once: " << warn.out;
  EXPECT_NE(warn.out.find("GRANT pg_monitor TO \"" + role + "\""), std::string::npos) << warn.out;
  EXPECT_NE(warn.out.find("applied `1_add_bio`"), std::string::npos) << warn.out;
  EXPECT_EQ(warn.all().find("hunter2-secret"), std::string::npos) << warn.all();
}

// The dry run contacts nothing and says what the preflight would check, on which tables.
TEST(PreflightFlags, DryRunDescribesThePreflight) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  WriteFile(dir / "1_a/migration.sql",
            "ALTER TABLE \"Member\" ADD COLUMN \"bio\" TEXT;\nCREATE INDEX CONCURRENTLY \"i\" ON "
            "\"Post\" (\"title\");\n");
  RunResult r =
      RunLockstep({"deploy", dir.string(), "--dry-run", "--preflight", "strict", "--preflight-age",
                   "30s", "--database", "postgresql://u@127.0.0.1:1/d"});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("-- preflight (--preflight strict)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("transactions open 30s or more holding or waiting for a lock on "
                       "\"public\".\"Member\""),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("anywhere in the database (a concurrent build waits for them)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("refuses to start (exit 16)"), std::string::npos) << r.out;
}

TEST(PreflightFlags, UsageErrors) {
  TempDir tmp;
  const std::string dir = tmp.path().string();
  for (const auto& [args, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--preflight", "loud"}, "--preflight is off, warn or strict"},
           {{"--preflight"}, "--preflight"},  // its value missing: CLI11's words
           {{"--preflight-age", "soon"}, "--preflight-age"},
           {{"--preflight-slot-wal", "lots"}, "invalid size 'lots'"}}) {
    SCOPED_TRACE(message);
    std::vector<std::string> all = {"deploy", dir, "--database", "postgresql://u@127.0.0.1:1/d"};
    all.insert(all.end(), args.begin(), args.end());
    RunResult r = RunLockstep(all);
    EXPECT_EQ(r.exit_code, exit_code::kUsage) << r.all();
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace lockstep::deploy_test
