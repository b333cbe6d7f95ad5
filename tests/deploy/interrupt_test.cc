// SIGINT and SIGTERM during a deploy (issue 17, item 8): the running statement is canceled on
// the server, nothing more is sent, the database is left as a kill -9 would leave it (which a
// re-run resumes from), and lockstep says what it did and how to resume, with its own exit code.
#include <gtest/gtest.h>

#include "base/exit_codes.h"
#include "deploy/helpers.h"
#include "support/pg_server.h"

namespace lockstep::deploy_test {
namespace {

using Clock = std::chrono::steady_clock;

class InterruptTest : public testing::PgTest, public ::testing::WithParamInterface<int> {
 protected:
  int Int(const std::string& sql) { return std::atoi(Scalar(conn(), sql).c_str()); }
  // The pid of this database's backend running a concurrent build that waits for an older
  // transaction, or 0 when the child ends (or a minute passes) first.
  int WaitForWaitingBuild(Child& child) {
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < deadline && child.Running()) {
      const int pid = Int(
          "SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE datname = current_database() "
          "AND application_name = 'lockstep deploy' AND wait_event = 'virtualxid' AND "
          "query LIKE 'CREATE INDEX CONCURRENTLY%'");
      if (pid != 0) return pid;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return 0;
  }
  TempDir tmp_;
};

TEST_P(InterruptTest, SignalCancelsTheConcurrentBuildAndTheRerunFinishes) {
  const int sig = GetParam();
  const fs::path dir = tmp_.path() / "migrations";
  WriteFile(dir / "0_init/migration.sql",
            "CREATE TABLE \"App\" (id serial PRIMARY KEY, v int);\n"
            "INSERT INTO \"App\" (v) SELECT g FROM generate_series(1, 1000) g;\n");
  RunResult init = RunLockstep({"deploy", dir.string(), "--database", db().url()});
  ASSERT_EQ(init.exit_code, 0) << init.all();
  WriteFile(dir / "1_idx/migration.sql",
            "CREATE INDEX CONCURRENTLY \"App_v_idx\" ON \"App\" (v);\n");
  // A transaction older than the build holds it in its wait for older snapshots, the phase a
  // real build spends longest in behind a busy application.
  db::DbResult<db::Connection> old = db().Connect();
  ASSERT_TRUE(old.ok());
  ASSERT_TRUE(old->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ").ok());
  ASSERT_TRUE(old->Exec("SELECT 1").ok());

  Child child({"deploy", dir.string(), "--database", db().url(), "--lock-timeout", "5min"});
  const int backend = WaitForWaitingBuild(child);
  ASSERT_NE(backend, 0) << child.Wait().all();
  const Clock::time_point signaled_at = Clock::now();
  child.Kill(sig);
  RunResult r = child.Wait(std::chrono::seconds(30));
  EXPECT_EQ(r.signal, 0) << r.all();
  EXPECT_EQ(r.exit_code, exit_code::kInterrupted) << r.all();
  EXPECT_NE(r.err.find(sig == SIGINT ? "SIGINT" : "SIGTERM"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("canceled"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("CREATE INDEX CONCURRENTLY"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("run `lockstep deploy` again"), std::string::npos) << r.err;
  // The build was canceled, not left running until the server notices the closed socket.
  EXPECT_EQ(Int("SELECT count(*) FROM pg_stat_activity WHERE pid = " + std::to_string(backend) +
                " AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND state = 'active'"),
            0);
  std::printf("[ deploy ] %s: lockstep exited after %.2f s\n", sig == SIGINT ? "SIGINT" : "SIGTERM",
              std::chrono::duration<double>(Clock::now() - signaled_at).count());
  // Nothing recorded as failed: the state a kill -9 leaves.
  EXPECT_EQ(Int("SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NULL AND "
                "rolled_back_at IS NULL"),
            0);
  ASSERT_TRUE(old->Exec("COMMIT").ok());

  RunResult rerun = RunLockstep({"deploy", dir.string(), "--database", db().url()});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.all();
  EXPECT_EQ(Int("SELECT count(*) FROM pg_index WHERE NOT indisvalid"), 0);
  EXPECT_EQ(Scalar(conn(),
                   "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                   "'\"App_v_idx\"'::regclass"),
            "t");
}

INSTANTIATE_TEST_SUITE_P(Signals, InterruptTest, ::testing::Values(SIGINT, SIGTERM),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(info.param == SIGINT ? "SIGINT" : "SIGTERM");
                         });

}  // namespace
}  // namespace lockstep::deploy_test
