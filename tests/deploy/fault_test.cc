// Faults between lockstep and the server that are not crashes: a network that freezes (packets
// neither delivered nor refused, through tests/support/fault_proxy.h), and signals. In each, the
// application must not keep waiting behind lockstep's locks, lockstep must end with a message
// that says how to resume, and a re-run must finish.
#include <gtest/gtest.h>

#include "base/exit_codes.h"
#include "deploy/helpers.h"
#include "support/fault_proxy.h"
#include "support/pg_server.h"

namespace lockstep::deploy_test {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

class FaultTest : public testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    dir_ = tmp_.path() / "migrations";
    // Deployed first, so that the schema has its _prisma_migrations table (else P3005).
    WriteFile(dir_ / "0_init/migration.sql",
              "CREATE TABLE \"App\" (id serial PRIMARY KEY, v int);\n"
              "INSERT INTO \"App\" (v) SELECT g FROM generate_series(1, 1000) g;\n");
    RunResult init = RunLockstep({"deploy", dir_.string(), "--database", db().url()});
    ASSERT_EQ(init.exit_code, 0) << init.all();
  }
  // Waits until a lockstep deploy session of this database runs a statement containing `text`.
  bool WaitForDeployer(const std::string& text, Child& child) {
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < deadline && child.Running()) {
      db::DbResult<db::Rows> r = conn().Exec(
          "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND "
          "application_name = 'lockstep deploy' AND state = 'active' AND strpos(query, $1) > 0",
          {text});
      if (r.ok() && !r->empty()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  TempDir tmp_;
  fs::path dir_;
};

// Issue 17, item 4: the network freezes while a deploy's transaction holds a SHARE lock (from a
// CREATE INDEX). The server must end that session on its own, so the application's insert goes
// through within seconds; lockstep must notice the silent server, exit with the resume message,
// and a re-run once the network is back must finish.
TEST_F(FaultTest, FrozenNetworkReleasesLocksAndDeployExitsWithResumeMessage) {
  WriteFile(dir_ / "1_idx/migration.sql",
            "CREATE INDEX \"App_v_idx\" ON \"App\" (v);\nSELECT pg_sleep(2);\n");
  testing::FaultProxy proxy("127.0.0.1", server().port());
  ASSERT_NE(proxy.port(), 0);
  db::ConnInfo via_proxy = db().conninfo();
  via_proxy.host = "127.0.0.1";
  via_proxy.port = std::to_string(proxy.port());

  Child child({"deploy", dir_.string(), "--database", via_proxy.Url()});
  ASSERT_TRUE(WaitForDeployer("pg_sleep", child)) << child.Wait().all();
  proxy.Freeze();
  const Clock::time_point frozen_at = Clock::now();

  // The application's insert waits behind the SHARE lock until the server ends the frozen
  // session. statement_timeout only keeps a failing test from waiting forever.
  db::DbResult<db::Connection> app = db().Connect();
  ASSERT_TRUE(app.ok());
  ASSERT_TRUE(app->Exec("SET statement_timeout = '40s'").ok());
  db::DbResult<db::Rows> insert = app->Exec("INSERT INTO \"App\" (v) VALUES (-1)");
  const double insert_s = SecondsSince(frozen_at);
  EXPECT_TRUE(insert.ok()) << insert.error().OneLine();
  EXPECT_LT(insert_s, 15.0);

  RunResult r = child.Wait(std::chrono::seconds(60));
  const double exit_s = SecondsSince(frozen_at);
  EXPECT_EQ(r.signal, 0) << r.all();
  EXPECT_EQ(r.exit_code, exit_code::kDatabase) << r.all();
  EXPECT_NE(r.err.find("run `lockstep deploy` again"), std::string::npos) << r.err;
  EXPECT_EQ(r.all().find(via_proxy.password), std::string::npos);
  std::printf(
      "[ deploy ] network frozen mid-transaction: the app's insert went through after "
      "%.1f s, lockstep exited after %.1f s\n",
      insert_s, exit_s);

  proxy.Thaw();
  RunResult rerun = RunLockstep({"deploy", dir_.string(), "--database", via_proxy.Url()});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.all();
  EXPECT_EQ(Scalar(conn(),
                   "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                   "to_regclass('\"App_v_idx\"')"),
            "t");
  EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL"),
            "2");
}

}  // namespace
}  // namespace lockstep::deploy_test
