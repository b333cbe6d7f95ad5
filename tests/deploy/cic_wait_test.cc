// Concurrent index builds and the transactions they wait for (issue 17, item 5), against real
// PostgreSQL through the built CLI. CREATE INDEX CONCURRENTLY waits for every older transaction
// of the database, even one on an unrelated table; that wait blocks nobody, so lockstep waits it
// out (bounded by --retry-deadline, naming who it waits for) instead of letting lock_timeout
// cut it, which dropped the whole build and started it again. A session waiting for lockstep's
// own migration lock (as `prisma migrate deploy` does) can never end while lockstep runs: that
// cycle is said plainly, at once.
#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "base/exit_codes.h"
#include "deploy/helpers.h"
#include "support/pg_server.h"

namespace lockstep::deploy_test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kTakeMigrationLock = "SELECT pg_advisory_lock(72707369)";

// The OIDs the index t_id had, sampled from a connection of its own until Stop(): each build
// (each attempt of CREATE INDEX CONCURRENTLY) creates the index anew, with a new OID.
class BuildCounter {
 public:
  explicit BuildCounter(db::Connection conn) : conn_(std::move(conn)) {
    thread_ = std::thread([this] {
      while (!stop_) {
        const std::string oid =
            Scalar(conn_, "SELECT coalesce(to_regclass('public.t_id')::oid::text, '')");
        if (!oid.empty() && oid.rfind("ERROR", 0) != 0) {
          std::lock_guard<std::mutex> lock(mu_);
          oids_.insert(oid);
        }
        // A sample every 20 ms: an attempt's index lives at least until lock_timeout (100 ms)
        // would cut its wait, long enough to be seen.
        std::this_thread::sleep_for(milliseconds(20));
      }
    });
  }
  ~BuildCounter() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  size_t builds() {
    std::lock_guard<std::mutex> lock(mu_);
    return oids_.size();
  }

 private:
  db::Connection conn_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::set<std::string> oids_;
};

class CicWaitTest : public testing::PgMajorTest {
 protected:
  void SetUp() override {
    PgMajorTest::SetUp();
    if (HasFatalFailure()) return;
    dir_ = tmp_.path() / "migrations";
    WriteFile(dir_ / "0_init/migration.sql",
              "CREATE TABLE t (id int);\nCREATE TABLE unrelated (id int);\n"
              "INSERT INTO t SELECT generate_series(1, 20000);\n");
    RunResult r = RunLockstep({"deploy", dir_.string(), "--database", db().url()});
    ASSERT_EQ(r.exit_code, 0) << r.all();
  }
  Child StartDeploy(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"deploy",
                                     dir_.string(),
                                     "--database",
                                     db().url(),
                                     "--lock-timeout",
                                     "100ms",
                                     "--retry-delay",
                                     "100ms",
                                     "--max-retry-delay",
                                     "400ms",
                                     "--progress-interval",
                                     "1s"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Child(args);
  }
  db::Connection Connect() {
    db::DbResult<db::Connection> c = db().Connect();
    EXPECT_TRUE(c.ok()) << c.error().OneLine();
    return std::move(*c);
  }
  std::string IndexState() {
    return Scalar(conn(),
                  "SELECT coalesce((SELECT indisvalid::text FROM pg_index WHERE indexrelid = "
                  "to_regclass('public.t_id')), 'missing')");
  }
  std::string InvalidIndexes() {
    return Scalar(conn(), "SELECT count(*) FROM pg_index WHERE NOT indisvalid");
  }
  std::string FailedRows() {
    return Scalar(conn(), "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NULL");
  }
  static size_t Count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }
  TempDir tmp_;
  fs::path dir_;
};

// The first case: one REPEATABLE READ session with a snapshot on an unrelated table.
TEST_P(CicWaitTest, AnOldSnapshotIsWaitedOutAndTheIndexIsBuiltOnce) {
  WriteFile(dir_ / "1_index/migration.sql", "CREATE INDEX CONCURRENTLY t_id ON t (id);\n");
  db::Connection report = Connect();
  ASSERT_TRUE(
      report.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM unrelated").ok());
  BuildCounter counter(Connect());
  Child deploy = StartDeploy();
  ASSERT_TRUE(AwaitState(conn(), DeployerWaitsFor("virtualxid"), &deploy))
      << deploy.Wait(seconds(5)).all();
  // The point of the test: the snapshot outlasts many lock_timeouts (100 ms) and retry delays,
  // none of which may cut the build.
  std::this_thread::sleep_for(seconds(3));
  ASSERT_TRUE(deploy.Running()) << deploy.Wait().all();
  EXPECT_EQ(IndexState(), "false") << "the build cannot end before the older snapshot";
  ASSERT_TRUE(report.Exec("COMMIT").ok());
  RunResult r = deploy.Wait(seconds(60));
  counter.Stop();

  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(IndexState(), "true");
  EXPECT_EQ(counter.builds(), 1u) << r.all();
  EXPECT_EQ(Count(r.all(), "attempt "), 0u) << r.all();
  EXPECT_EQ(Count(r.all(), "dropping INVALID index"), 0u) << r.all();
  // Who it waited for, and that this blocks nobody.
  EXPECT_NE(r.out.find("waiting for older transactions"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pid " + std::to_string(report.backend_pid())), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SELECT count(*) FROM unrelated"), std::string::npos) << r.out;
}

// REINDEX CONCURRENTLY waits for old snapshots the same way.
TEST_P(CicWaitTest, ReindexConcurrentlyWaitsOutAnOldSnapshotToo) {
  ASSERT_TRUE(conn().Exec("CREATE INDEX t_id ON t (id)").ok());
  WriteFile(dir_ / "1_reindex/migration.sql", "REINDEX INDEX CONCURRENTLY t_id;\n");
  db::Connection report = Connect();
  ASSERT_TRUE(
      report.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM unrelated").ok());
  Child deploy = StartDeploy();
  ASSERT_TRUE(AwaitState(conn(), DeployerWaitsFor("virtualxid"), &deploy))
      << deploy.Wait(seconds(5)).all();
  // The point of the test: the snapshot outlasts many lock_timeouts (100 ms).
  std::this_thread::sleep_for(seconds(2));
  ASSERT_TRUE(deploy.Running()) << deploy.Wait().all();
  ASSERT_TRUE(report.Exec("COMMIT").ok());
  RunResult r = deploy.Wait(seconds(60));

  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(IndexState(), "true");
  EXPECT_EQ(InvalidIndexes(), "0");
  EXPECT_EQ(Count(r.all(), "attempt "), 0u) << r.all();
  EXPECT_EQ(Count(r.all(), "dropping INVALID index"), 0u) << r.all();
  EXPECT_NE(r.out.find("pid " + std::to_string(report.backend_pid())), std::string::npos) << r.out;
}

// The wait for the table's lock is not a wait for another transaction: it stays bounded by
// lock_timeout (a VACUUM or a DDL holding SHARE UPDATE EXCLUSIVE), and is retried as before.
TEST_P(CicWaitTest, TheTablesLockIsStillBoundedByLockTimeout) {
  WriteFile(dir_ / "1_index/migration.sql", "CREATE INDEX CONCURRENTLY t_id ON t (id);\n");
  db::Connection holder = Connect();
  ASSERT_TRUE(holder.Exec("BEGIN; LOCK t IN SHARE UPDATE EXCLUSIVE MODE").ok());
  Child deploy = StartDeploy();
  // Two attempts timed out on the table's lock. Not a fixed sleep: on a loaded machine the child
  // can still be starting when one ends, and then fewer are retried.
  ASSERT_TRUE(AwaitOutput(deploy, "lock_timeout (100ms)", 2)) << deploy.Wait(seconds(5)).all();
  ASSERT_TRUE(holder.Exec("COMMIT").ok());
  RunResult r = deploy.Wait(seconds(60));

  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(IndexState(), "true");
  EXPECT_GE(Count(r.out, "lock_timeout (100ms)"), 2u) << r.out;
  EXPECT_NE(r.out.find("blocked by pid " + std::to_string(holder.backend_pid())), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("waiting for older transactions"), std::string::npos) << r.out;
}

// Bounded: a snapshot that never ends makes the deploy give up within --retry-deadline, with the
// timeout exit code, naming the session, and leaving no INVALID index and no failed row.
TEST_P(CicWaitTest, ASnapshotThatNeverEndsExitsWithTheTimeoutCodeWithinTheDeadline) {
  WriteFile(dir_ / "1_index/migration.sql", "CREATE INDEX CONCURRENTLY t_id ON t (id);\n");
  db::Connection report = Connect();
  ASSERT_TRUE(
      report.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM unrelated").ok());
  BuildCounter counter(Connect());
  const auto start = Clock::now();
  Child deploy = StartDeploy({"--retry-deadline", "3s"});
  // The upper bound counts from the build's wait, not from the child's start, which a loaded
  // machine delays; the lower one from the start, before the deadline's.
  const bool waited = AwaitState(conn(), DeployerWaitsFor("virtualxid"), &deploy);
  const auto waiting_since = Clock::now();
  RunResult r = deploy.Wait(seconds(60));
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
  const auto took_waiting =
      std::chrono::duration_cast<milliseconds>(Clock::now() - waiting_since).count();
  counter.Stop();

  ASSERT_TRUE(waited) << r.all();
  EXPECT_EQ(r.exit_code, exit_code::kTimedOut) << r.all();
  EXPECT_GE(took, 3000) << r.all();
  EXPECT_LT(took_waiting, 3000 + 7000) << r.all();
  EXPECT_EQ(counter.builds(), 1u) << r.all();
  EXPECT_EQ(IndexState(), "missing");
  EXPECT_EQ(InvalidIndexes(), "0");
  EXPECT_EQ(FailedRows(), "0");
  EXPECT_NE(r.err.find("pid " + std::to_string(report.backend_pid())), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--retry-deadline"), std::string::npos) << r.err;
  ASSERT_TRUE(report.Exec("COMMIT").ok());
}

// A session already waiting for lockstep's migration lock when the build would start: the build
// would wait for it, and it waits for lockstep. Said at once, nothing built, nothing failed.
TEST_P(CicWaitTest, AWaiterForTheMigrationLockIsNamedBeforeBuilding) {
  WriteFile(dir_ / "1_index/migration.sql",
            "SELECT pg_sleep(2);\nCREATE INDEX CONCURRENTLY t_id ON t (id);\n");
  db::Connection waiter = Connect();
  const int waiter_pid = waiter.backend_pid();
  BuildCounter counter(Connect());
  Child deploy = StartDeploy();
  // Once lockstep holds the migration lock (during its pg_sleep step), the waiter queues for it.
  ASSERT_TRUE(AwaitState(conn(),
                         "SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory' AND "
                         "granted AND objid = 72707369",
                         &deploy))
      << deploy.Wait(seconds(5)).all();
  std::thread wait([&] { waiter.Exec(kTakeMigrationLock); });
  // Measured from the moment the waiter waits, not from the thread's start, which a loaded
  // machine may run late.
  const bool queued = AwaitState(conn(), SessionWaitsFor(waiter_pid, "advisory"), &deploy);
  const auto waiting_since = Clock::now();
  RunResult r = deploy.Wait(seconds(30));
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - waiting_since).count();
  wait.join();  // lockstep's exit released the lock: the waiter has it now
  ASSERT_TRUE(waiter.Exec("SELECT pg_advisory_unlock(72707369)").ok());
  counter.Stop();

  ASSERT_TRUE(queued) << "the waiter never waited for the migration lock: " << r.all();
  EXPECT_EQ(r.exit_code, exit_code::kTimedOut) << r.all();
  EXPECT_LT(took, 8000) << r.all();
  EXPECT_NE(r.err.find("pid " + std::to_string(waiter_pid)), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("waiting for lockstep's migration lock"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("it will run after lockstep finishes"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lockstep does not start it"), std::string::npos) << r.err;
  EXPECT_EQ(counter.builds(), 0u) << r.all();
  EXPECT_EQ(InvalidIndexes(), "0");
  EXPECT_EQ(FailedRows(), "0");
}

// The waiter arrives while the build waits for a writer: once the writer ends, the build waits
// for the waiter, which waits for lockstep. The watcher sees the cycle and stops the build.
TEST_P(CicWaitTest, AWaiterForTheMigrationLockDuringTheBuildIsNamedAndStopsIt) {
  WriteFile(dir_ / "1_index/migration.sql", "CREATE INDEX CONCURRENTLY t_id ON t (id);\n");
  db::Connection writer = Connect();
  ASSERT_TRUE(writer.Exec("BEGIN; INSERT INTO t VALUES (0)").ok());
  db::Connection waiter = Connect();
  const int waiter_pid = waiter.backend_pid();
  // The waiter's own deadlock check must not pick it as PostgreSQL's victim once the cycle
  // forms: the cycle is lockstep's to see. Not a sleep past its deadlock_timeout (1 s): on a
  // loaded machine the waiter could queue after such a sleep had ended.
  ASSERT_TRUE(waiter.Exec("SET deadlock_timeout = '1h'").ok());
  Child deploy = StartDeploy();
  ASSERT_TRUE(AwaitState(conn(), DeployerWaitsFor("virtualxid"), &deploy))
      << deploy.Wait(seconds(5)).all();
  std::thread wait([&] { waiter.Exec(kTakeMigrationLock); });
  // The waiter queues before the writer ends, as the test's story goes.
  const bool queued = AwaitState(conn(), SessionWaitsFor(waiter_pid, "advisory"), &deploy);
  ASSERT_TRUE(writer.Exec("COMMIT").ok());
  const auto cycle_since = Clock::now();
  RunResult r = deploy.Wait(seconds(30));
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - cycle_since).count();
  wait.join();
  ASSERT_TRUE(waiter.Exec("SELECT pg_advisory_unlock(72707369)").ok());

  ASSERT_TRUE(queued) << "the waiter never waited for the migration lock: " << r.all();
  EXPECT_EQ(r.exit_code, exit_code::kTimedOut) << r.all();
  EXPECT_LT(took, 8000) << r.all();
  EXPECT_NE(r.err.find("pid " + std::to_string(waiter_pid)), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("waiting for lockstep's migration lock"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lockstep stopped it"), std::string::npos) << "seen while it ran" << r.err;
  EXPECT_EQ(InvalidIndexes(), "0");
  EXPECT_EQ(FailedRows(), "0");
}

// DETACH PARTITION CONCURRENTLY commits the partition as "detach pending", then waits for the
// transactions using the parent. When lock_timeout cut that wait, the retry sent the same
// statement again, which PostgreSQL refuses for a pending partition: the migration was recorded
// as failed (P3009). A retry after the partition went pending finalizes the detach instead.
TEST_P(CicWaitTest, ARetriedDetachConcurrentlyFinalizesThePendingDetach) {
  ASSERT_TRUE(conn()
                  .Exec("CREATE TABLE p (id int) PARTITION BY RANGE (id); CREATE TABLE p1 "
                        "PARTITION OF p FOR VALUES FROM (0) TO (100); CREATE TABLE p2 PARTITION "
                        "OF p FOR VALUES FROM (100) TO (200)")
                  .ok());
  WriteFile(dir_ / "1_detach/migration.sql", "ALTER TABLE p DETACH PARTITION p2 CONCURRENTLY;\n");
  db::Connection reader = Connect();
  ASSERT_TRUE(reader.Exec("BEGIN; SELECT count(*) FROM p").ok());
  Child deploy = StartDeploy();
  // The first attempt left the partition pending and the retry finalizes it. Not a fixed sleep:
  // on a loaded machine the child could still be starting when one ended, and the detach then
  // ran once, after the reader, testing nothing.
  ASSERT_TRUE(AwaitOutput(deploy, "p2 is \"detach pending\" after the failed attempt"))
      << deploy.Wait(seconds(5)).all();
  ASSERT_TRUE(reader.Exec("COMMIT").ok());
  RunResult r = deploy.Wait(seconds(60));

  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(FailedRows(), "0");
  EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM pg_inherits WHERE inhrelid = 'p2'::regclass"),
            "0");
}

LOCKSTEP_PG_MAJORS(CicWaitTest, 14, 15, 16, 17);

}  // namespace
}  // namespace lockstep::deploy_test
