// The lock queue: a report holds a transaction on "Member" while a migration needs
// AccessExclusiveLock on it. Plain DDL queues behind the report and every writer queues behind
// the DDL (the control measures that); lockstep deploy waits at most lock_timeout per attempt,
// retries, and completes once the report ends, while a writer's latency stays near the timeout.
#include <gtest/gtest.h>

#include <atomic>

#include "base/exit_codes.h"
#include "deploy/helpers.h"
#include "support/pg_server.h"

namespace lockstep::deploy_test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kReport = milliseconds(4000);  // how long the report holds its snapshot
constexpr int kLockTimeoutMs = 100;
// Scheduling noise on a shared machine; far below the report's length, which is what a writer
// waits without lock_timeout (the control).
constexpr int kMarginMs = 400;

// Small inserts and updates on "Member" in a loop from its own connection; the slowest one.
class Writer {
 public:
  explicit Writer(db::Connection conn) : conn_(std::move(conn)) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~Writer() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int64_t max_ms() const { return max_ms_; }
  int ops() const { return ops_; }
  int errors() const { return errors_; }

 private:
  void Loop() {
    for (int i = 0; !stop_; ++i) {
      const auto t0 = Clock::now();
      db::DbResult<db::Rows> r = i % 2 == 0 ? conn_.Exec(
                                                  "INSERT INTO \"Member\" (id, email, name, "
                                                  "\"updatedAt\") VALUES ($1, $1, 'w', now())",
                                                  {"w" + std::to_string(i)})
                                            : conn_.Exec(
                                                  "UPDATE \"Member\" SET \"totalPoints\" = "
                                                  "\"totalPoints\" + 1 WHERE id = 'seed'");
      const int64_t ms = std::chrono::duration_cast<milliseconds>(Clock::now() - t0).count();
      if (!r.ok()) ++errors_;
      max_ms_ = std::max<int64_t>(max_ms_, ms);
      ++ops_;
      std::this_thread::sleep_for(milliseconds(5));
    }
  }
  db::Connection conn_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> max_ms_{0};
  std::atomic<int> ops_{0};
  std::atomic<int> errors_{0};
};

class LockQueueTest : public testing::PgMajorTest {
 protected:
  void SetUp() override {
    PgMajorTest::SetUp();
    if (HasFatalFailure()) return;
    dir_ = tmp_.path() / "migrations";
    CopyMigrations(SeedDir(), dir_, {"0_init"});
    RunResult r = RunLockstep({"deploy", dir_.string(), "--database", db().url()});
    ASSERT_EQ(r.exit_code, 0) << r.all();
    ASSERT_TRUE(conn()
                    .Exec("INSERT INTO \"Member\" (id, email, name, \"updatedAt\") VALUES "
                          "('seed', 'seed@x', 'seed', now())")
                    .ok());
    WriteFile(dir_ / "1_add_bio/migration.sql",
              "ALTER TABLE \"Member\" ADD COLUMN \"bio\" TEXT;\n");
  }
  bool BioExists() {
    return Scalar(conn(),
                  "SELECT count(*) FROM pg_attribute WHERE attrelid = '\"Member\"'::regclass "
                  "AND attname = 'bio'") == "1";
  }
  TempDir tmp_;
  fs::path dir_;
};

// Control: the same DDL without lock_timeout makes the writer wait for the whole report.
TEST_P(LockQueueTest, ControlPlainDdlQueuesWritersBehindTheReport) {
  db::DbResult<db::Connection> report = db().Connect();
  db::DbResult<db::Connection> ddl = db().Connect();
  db::DbResult<db::Connection> writer_conn = db().Connect();
  ASSERT_TRUE(report.ok() && ddl.ok() && writer_conn.ok());
  ASSERT_TRUE(report->Exec("BEGIN; SELECT count(*) FROM \"Member\"").ok());
  Writer writer(std::move(*writer_conn));
  std::thread alter([&] { ddl->Exec("ALTER TABLE \"Member\" ADD COLUMN \"bio\" TEXT"); });
  // The ALTER and a write behind it wait for "Member". Not a fixed sleep: on a loaded machine
  // they could queue late, and the writer then waited less than the report's length.
  const bool queued = AwaitState(conn(),
                                 "SELECT count(*) >= 2 FROM pg_locks WHERE NOT granted AND "
                                 "relation = '\"Member\"'::regclass");
  std::this_thread::sleep_for(milliseconds(1500));  // the report: what the queued writer waits
  ASSERT_TRUE(report->Exec("COMMIT").ok());
  alter.join();
  ASSERT_TRUE(queued) << "the ALTER and a write never queued for \"Member\"";
  writer.Stop();  // joins after the write in flight, whose latency it records
  std::printf("[ deploy ] control: plain ALTER, writer max latency %lld ms over %d ops\n",
              static_cast<long long>(writer.max_ms()), writer.ops());
  EXPECT_GE(writer.max_ms(), 1200);
}

TEST_P(LockQueueTest, DeployWaitsAndRetriesWithoutQueueingWriters) {
  db::DbResult<db::Connection> report = db().Connect();
  db::DbResult<db::Connection> writer_conn = db().Connect();
  ASSERT_TRUE(report.ok() && writer_conn.ok());
  ASSERT_TRUE(report->Exec("BEGIN; SELECT count(*) FROM \"Member\"").ok());
  const int report_pid = report->backend_pid();
  Writer writer(std::move(*writer_conn));
  const auto report_start = Clock::now();
  Child deploy({"deploy", dir_.string(), "--database", db().url(), "--lock-timeout",
                std::to_string(kLockTimeoutMs) + "ms", "--retry-delay", "100ms",
                "--max-retry-delay", "800ms"});
  // Four attempts timed out behind the report. Not a fixed sleep alone: on a loaded machine the
  // child can still be starting when one ends, and then fewer are retried.
  ASSERT_TRUE(AwaitOutput(deploy, "lock_timeout (100ms)", 4)) << deploy.Wait(seconds(5)).all();
  // The rest of the report's length, during which the writer must not queue.
  std::this_thread::sleep_until(report_start + kReport);
  ASSERT_TRUE(deploy.Running()) << deploy.Wait().all();
  EXPECT_FALSE(BioExists()) << "the migration cannot have run while the report held its lock";
  ASSERT_TRUE(report->Exec("COMMIT").ok());
  const auto report_end = Clock::now();
  RunResult r = deploy.Wait();
  const auto deploy_end = Clock::now();
  writer.Stop();  // joins after the write in flight, whose latency it records

  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_TRUE(BioExists());
  EXPECT_GT(deploy_end, report_end);
  // Each wait is printed with who holds the conflicting lock.
  EXPECT_NE(r.out.find("lock_timeout (100ms)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("blocked by pid " + std::to_string(report_pid)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SELECT count(*) FROM \"Member\""), std::string::npos) << r.out;
  size_t waits = 0;
  for (size_t at = r.out.find("lock_timeout ("); at != std::string::npos;
       at = r.out.find("lock_timeout (", at + 1))
    ++waits;
  EXPECT_GE(waits, 4u);
  EXPECT_EQ(writer.errors(), 0);
  std::printf(
      "[ deploy ] lockstep: %zu retries, writer max latency %lld ms over %d ops "
      "(lock_timeout %d ms)\n",
      waits, static_cast<long long>(writer.max_ms()), writer.ops(), kLockTimeoutMs);
  EXPECT_LT(writer.max_ms(), kLockTimeoutMs + kMarginMs);
}

// The migration's own statements may not raise lockstep's lock_timeout, in any form: the ALTER
// after them still waits at most 100 ms per attempt behind the report, so writers never queue
// behind it for longer (issue: a file's `SET lock_timeout = '5s'` stalled writers for 5 s).
TEST_P(LockQueueTest, TheMigrationsOwnTimeoutCannotRaiseLockstepsBound) {
  for (const std::string form : {"SET lock_timeout = '5s'", "SET SESSION lock_timeout = '5s'",
                                 "SET LOCAL lock_timeout = '5s'", "RESET lock_timeout", "RESET ALL",
                                 "SELECT set_config('lock_timeout', '5s', false)",
                                 "SELECT pg_catalog.set_config('lock_timeout', '5s', true)"}) {
    SCOPED_TRACE(form);
    WriteFile(dir_ / "1_add_bio/migration.sql",
              form + ";\nALTER TABLE \"Member\" ADD COLUMN \"bio\" TEXT;\n");
    db::DbResult<db::Connection> report = db().Connect();
    db::DbResult<db::Connection> writer_conn = db().Connect();
    ASSERT_TRUE(report.ok() && writer_conn.ok());
    ASSERT_TRUE(report->Exec("BEGIN; SELECT count(*) FROM \"Member\"").ok());
    Writer writer(std::move(*writer_conn));
    Child deploy({"deploy", dir_.string(), "--database", db().url(), "--lock-timeout",
                  std::to_string(kLockTimeoutMs) + "ms", "--retry-delay", "100ms",
                  "--max-retry-delay", "300ms"});
    // An attempt of the ALTER timed out behind the report. Not a fixed sleep: on a loaded
    // machine the child can still be starting when one ends, and then nothing is retried.
    ASSERT_TRUE(AwaitOutput(deploy, "lock_timeout (100ms) at")) << deploy.Wait(seconds(5)).all();
    ASSERT_TRUE(report->Exec("COMMIT").ok());
    RunResult r = deploy.Wait();
    writer.Stop();
    ASSERT_EQ(r.exit_code, 0) << r.all();
    EXPECT_TRUE(BioExists());
    EXPECT_NE(r.out.find("lockstep's 100ms applies"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("lock_timeout (100ms) at"), std::string::npos) << r.out;
    EXPECT_EQ(writer.errors(), 0);
    std::printf("[ deploy ] %s: writer max latency %lld ms over %d ops\n", form.c_str(),
                static_cast<long long>(writer.max_ms()), writer.ops());
    EXPECT_LT(writer.max_ms(), kLockTimeoutMs + kMarginMs);
    ASSERT_TRUE(conn()
                    .Exec("ALTER TABLE \"Member\" DROP COLUMN \"bio\"; DELETE FROM "
                          "_prisma_migrations WHERE migration_name = '1_add_bio'; DELETE FROM "
                          "\"Member\" WHERE id LIKE 'w%'")
                    .ok());
    if (HasFailure()) break;
  }
}

// A stricter lock_timeout in the file is kept, and the retry lines say it is the one that applies.
TEST_P(LockQueueTest, AStricterLockTimeoutInTheMigrationIsKept) {
  WriteFile(dir_ / "1_add_bio/migration.sql",
            "SET lock_timeout = '50ms';\nALTER TABLE \"Member\" ADD COLUMN \"bio\" TEXT;\n");
  db::DbResult<db::Connection> report = db().Connect();
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->Exec("BEGIN; SELECT count(*) FROM \"Member\"").ok());
  Child deploy({"deploy", dir_.string(), "--database", db().url(), "--retry-delay", "50ms",
                "--max-retry-delay", "100ms"});
  // Not a fixed sleep: on a loaded machine the child took longer than one to reach the ALTER,
  // the report had ended, and nothing was retried.
  ASSERT_TRUE(AwaitOutput(deploy, "lock_timeout (50ms, set by the migration) at"))
      << deploy.Wait(seconds(5)).all();
  ASSERT_TRUE(report->Exec("COMMIT").ok());
  RunResult r = deploy.Wait();
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("lock_timeout 50ms set by the migration applies"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("lock_timeout (50ms, set by the migration) at"), std::string::npos) << r.out;
}

LOCKSTEP_PG_MAJORS(LockQueueTest, testing::kDefaultPgMajor, 15);

}  // namespace
}  // namespace lockstep::deploy_test
