// deploy --replica against a real primary with a streaming hot standby (issue 14, item 3): a
// long transaction on the standby has read "Member"; the migration's ACCESS EXCLUSIVE lock,
// replayed on the standby, waits for it and queues every other standby reader of "Member"
// (the control). With --replica, lockstep waits and retries until the standby is clear, so the
// replay meets no reader and the standby's other readers are not stalled. And the bad inputs:
// each stops the deploy before anything is applied, with one clear line.
#include "deploy/replica.h"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>

#include "base/exit_codes.h"
#include "deploy/helpers.h"
#include "support/fault_proxy.h"
#include "support/pg_server.h"

namespace lockstep::deploy_test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kReport = milliseconds(3000);  // how long the standby's report holds its lock
constexpr int kLockTimeoutMs = 100;
// Scheduling noise on a shared machine; far below the report's length, which is what the
// standby's readers wait in the control.
constexpr int kMarginMs = 400;

// Short reads of "Member" on the standby in a loop from its own connection; the slowest one.
class StandbyReader {
 public:
  explicit StandbyReader(db::Connection conn) : conn_(std::move(conn)) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~StandbyReader() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int64_t max_ms() const { return max_ms_; }
  int ops() const { return ops_; }
  int errors() const { return errors_; }

 private:
  void Loop() {
    while (!stop_) {
      const auto t0 = Clock::now();
      db::DbResult<db::Rows> r = conn_.Exec("SELECT name FROM \"Member\" WHERE id = 'seed'");
      const int64_t ms = std::chrono::duration_cast<milliseconds>(Clock::now() - t0).count();
      if (!r.ok()) ++errors_;
      max_ms_ = std::max<int64_t>(max_ms_, ms);
      ++ops_;
      // A read every 5 ms: one starts within a few ms of the replayed lock, and waits for it.
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

class ReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<testing::PrimaryStandby> pair = testing::SharedPrimaryStandby();
    ASSERT_TRUE(pair.ok()) << pair.status().message();
    pair_ = *pair;
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    Result<std::unique_ptr<testing::TestDatabase>> db =
        testing::TestDatabase::CreateOn(pair_.primary, info->name());
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db).value();
    dir_ = tmp_.path() / "migrations";
    CopyMigrations(SeedDir(), dir_, {"0_init"});
    RunResult r = RunLockstep({"deploy", dir_.string(), "--database", db_->url()});
    ASSERT_EQ(r.exit_code, 0) << r.all();
    ASSERT_TRUE(db_->conn()
                    .Exec("INSERT INTO \"Member\" (id, email, name, \"updatedAt\") VALUES "
                          "('seed', 'seed@x', 'seed', now())")
                    .ok());
    WriteFile(dir_ / "1_add_bio/migration.sql",
              "ALTER TABLE \"Member\" ADD COLUMN \"bio\" TEXT;\n");
    ASSERT_TRUE(testing::WaitForReplay(*pair_.primary, *pair_.standby).ok());
  }
  void TearDown() override { db_.reset(); }

  db::ConnInfo StandbyInfo() const { return pair_.standby->conninfo(db_->name()); }
  std::string StandbyUrl() const { return pair_.standby->url(db_->name()); }
  // A session on the standby with no idle_in_transaction bound, like the primary's
  // (TestDatabase::ApplicationSession): its reports and holders play the application, and
  // db::Connect's 5 s default ends one that a slow deploy keeps open longer (the control holds
  // its report for a whole deploy plus 3 s).
  db::DbResult<db::Connection> ConnectStandby() const {
    return db::Connect(StandbyInfo(), testing::TestDatabase::ApplicationSession());
  }
  // For AwaitState on the standby: its replay (the startup process) waits for a lock, held by a
  // standby session, and the last transaction it replayed committed more than `ms` ago: a lag
  // above `ms` as --max-replica-lag reads it (deploy::Replicas::LagMs).
  static std::string ReplayHeldLongerThan(int ms) {
    return "SELECT EXISTS (SELECT FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE "
           "a.backend_type = 'startup' AND NOT l.granted) AND now() - "
           "pg_last_xact_replay_timestamp() > " +
           std::to_string(ms) + " * interval '1 millisecond'";
  }
  // 3,000 more rows in "Member", a backfill of them pending (1_add_bio becomes an UPDATE), and
  // the standby's replay held back: `holder`'s open transaction on the standby read "Other", so
  // the replay of the ALTER of "Other" on the primary (not through lockstep) waits for it, and
  // all WAL after it too. COMMIT on `holder` ends the hold.
  void HoldReplayBeforeABackfill(std::optional<db::Connection>* holder) {
    ASSERT_TRUE(
        db_->conn()
            .Exec("INSERT INTO \"Member\" (id, email, name, \"updatedAt\") SELECT 'm' || g, "
                  "'m' || g || '@x', 'name ' || g, now() FROM generate_series(1, 3000) g; "
                  "CREATE TABLE \"Other\" (i int)")
            .ok());
    ASSERT_TRUE(testing::WaitForReplay(*pair_.primary, *pair_.standby).ok());
    db::DbResult<db::Connection> c = ConnectStandby();
    ASSERT_TRUE(c.ok());
    holder->emplace(std::move(c).value());
    ASSERT_TRUE((*holder)->Exec("BEGIN; SELECT count(*) FROM \"Other\"").ok());
    ASSERT_TRUE(db_->conn().Exec("ALTER TABLE \"Other\" ADD COLUMN j int").ok());
    WriteFile(dir_ / "1_add_bio/migration.sql",
              "UPDATE \"Member\" SET \"name\" = upper(\"name\");\n");
  }
  // The rows the backfill of HoldReplayBeforeABackfill updated.
  static constexpr const char* kUpdated =
      "SELECT count(*) FROM \"Member\" WHERE \"name\" LIKE 'NAME %'";
  bool BioExists() {
    return Scalar(db_->conn(),
                  "SELECT count(*) FROM pg_attribute WHERE attrelid = '\"Member\"'::regclass "
                  "AND attname = 'bio'") == "1";
  }
  bool Recorded() {
    return Scalar(db_->conn(),
                  "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '1_add_bio'") ==
           "1";
  }

  testing::PrimaryStandby pair_;
  std::unique_ptr<testing::TestDatabase> db_;
  TempDir tmp_;
  fs::path dir_;
};

// Control: lockstep without --replica is perfect on the primary, but the replayed lock waits for
// the standby's report and the standby's other readers queue behind the replay.
TEST_F(ReplicaTest, ControlWithoutReplicaTheReplayQueuesStandbyReaders) {
  db::DbResult<db::Connection> report = ConnectStandby();
  db::DbResult<db::Connection> reader_conn = ConnectStandby();
  db::DbResult<db::Connection> standby = ConnectStandby();
  ASSERT_TRUE(report.ok() && reader_conn.ok() && standby.ok());
  db::DbResult<db::Rows> read = report->Exec("BEGIN; SELECT count(*) FROM \"Member\"");
  ASSERT_TRUE(read.ok()) << read.status().message();
  StandbyReader reader(std::move(*reader_conn));
  RunResult r = RunLockstep({"deploy", dir_.string(), "--database", db_->url(), "--lock-timeout",
                             std::to_string(kLockTimeoutMs) + "ms"});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_TRUE(BioExists());
  // The replay of the ALTER waits for the report: from here the readers queue. Not a fixed
  // sleep: on a loaded machine the replay could reach the ALTER late and the readers then
  // queued for less than the report's length.
  ASSERT_TRUE(AwaitState(*standby, ReplayHeldLongerThan(0)));
  std::this_thread::sleep_for(kReport);  // the report goes on: what the queued readers wait
  db::DbResult<db::Rows> commit = report->Exec("COMMIT");
  ASSERT_TRUE(commit.ok()) << commit.status().message();
  ASSERT_TRUE(testing::WaitForReplay(*pair_.primary, *pair_.standby).ok());
  reader.Stop();  // after its read in flight, measured
  std::printf(
      "[ replica ] control: deploy without --replica, standby reader max latency %lld ms "
      "over %d reads\n",
      static_cast<long long>(reader.max_ms()), reader.ops());
  EXPECT_GE(reader.max_ms(), 1500);
}

TEST_F(ReplicaTest, DeployWaitsForStandbyReadersAndDoesNotStallTheOthers) {
  db::DbResult<db::Connection> report = ConnectStandby();
  db::DbResult<db::Connection> reader_conn = ConnectStandby();
  ASSERT_TRUE(report.ok() && reader_conn.ok());
  ASSERT_TRUE(report->Exec("BEGIN; SELECT count(*) FROM \"Member\"").ok());
  const int report_pid = report->backend_pid();
  StandbyReader reader(std::move(*reader_conn));
  const auto report_start = Clock::now();
  Child deploy({"deploy", dir_.string(), "--database", db_->url(), "--replica", StandbyUrl(),
                "--lock-timeout", std::to_string(kLockTimeoutMs) + "ms", "--retry-delay", "100ms",
                "--max-retry-delay", "500ms"});
  // The deployer met the report. Not a fixed sleep alone: on a loaded machine the child can
  // still be starting when one ends, and then it never meets the report.
  ASSERT_TRUE(AwaitOutput(deploy, "replica in the way")) << deploy.Wait(seconds(5)).all();
  // The rest of the report's length, during which it keeps waiting and the readers must not.
  std::this_thread::sleep_until(report_start + kReport);
  ASSERT_TRUE(deploy.Running()) << deploy.Wait().all();
  EXPECT_FALSE(BioExists()) << "the migration cannot have run while the standby's report read";
  ASSERT_TRUE(report->Exec("COMMIT").ok());
  RunResult r = deploy.Wait();
  ASSERT_TRUE(testing::WaitForReplay(*pair_.primary, *pair_.standby).ok());
  reader.Stop();  // after its read in flight, measured

  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_TRUE(BioExists());
  EXPECT_TRUE(Recorded());
  // Each wait names the standby session in the way, with its query; never the password.
  EXPECT_NE(r.out.find("replica in the way"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pid " + std::to_string(report_pid)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SELECT count(*) FROM \"Member\""), std::string::npos) << r.out;
  EXPECT_EQ(r.all().find(pair_.primary->password()), std::string::npos) << r.all();
  EXPECT_EQ(reader.errors(), 0);
  if (const size_t at = r.out.find("replica in the way"); at != std::string::npos)
    std::printf("[ replica ] %s\n", r.out.substr(at, r.out.find('\n', at) - at).c_str());
  std::printf(
      "[ replica ] deploy --replica: standby reader max latency %lld ms over %d reads "
      "(lock_timeout %d ms)\n",
      static_cast<long long>(reader.max_ms()), reader.ops(), kLockTimeoutMs);
  EXPECT_LT(reader.max_ms(), kLockTimeoutMs + kMarginMs);
}

// The retries are bounded by the same budget as lock timeouts on the primary.
TEST_F(ReplicaTest, GivesUpAfterTheRetryDeadlineNamingTheStandbySession) {
  db::DbResult<db::Connection> report = ConnectStandby();
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->Exec("BEGIN; SELECT count(*) FROM \"Member\"").ok());
  RunResult r = RunLockstep({"deploy", dir_.string(), "--database", db_->url(), "--replica",
                             StandbyUrl(), "--retry-deadline", "1s", "--retry-delay", "100ms"});
  ASSERT_TRUE(report->Exec("COMMIT").ok());
  EXPECT_EQ(r.exit_code, exit_code::kTimedOut) << r.all();
  EXPECT_NE(r.err.find("gave up on 1_add_bio"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pid " + std::to_string(report->backend_pid())), std::string::npos) << r.err;
  EXPECT_FALSE(BioExists());
  EXPECT_FALSE(Recorded());
}

// Replay held back by a standby reader of another table: before its concurrent index build,
// deploy pauses while the standby replays more than --max-replica-lag behind, and goes on once
// it has caught up.
TEST_F(ReplicaTest, PausesBeforeAConcurrentBuildWhileTheStandbyLags) {
  ASSERT_TRUE(db_->conn().Exec("CREATE TABLE \"Other\" (i int)").ok());
  ASSERT_TRUE(testing::WaitForReplay(*pair_.primary, *pair_.standby).ok());
  db::DbResult<db::Connection> holder = ConnectStandby();
  db::DbResult<db::Connection> standby = ConnectStandby();
  ASSERT_TRUE(holder.ok() && standby.ok());
  ASSERT_TRUE(holder->Exec("BEGIN; SELECT count(*) FROM \"Other\"").ok());
  // Not through lockstep: its replay waits for the holder, and everything after it too.
  ASSERT_TRUE(db_->conn().Exec("ALTER TABLE \"Other\" ADD COLUMN j int").ok());
  WriteFile(dir_ / "1_add_bio/migration.sql",
            "CREATE INDEX CONCURRENTLY \"Member_name_idx\" ON \"Member\" (\"name\");\n");
  // The lag is above --max-replica-lag before the deployer looks: it grows only as time passes.
  ASSERT_TRUE(AwaitState(*standby, ReplayHeldLongerThan(500)));
  const auto start = Clock::now();
  Child deploy({"deploy", dir_.string(), "--database", db_->url(), "--replica", StandbyUrl(),
                "--max-replica-lag", "500ms"});
  // Not a fixed sleep: on a loaded machine the child could still be starting when one ended.
  ASSERT_TRUE(AwaitOutput(deploy, "pausing: replica ")) << deploy.Wait(seconds(5)).all();
  // The pause lasts as long as the lag, not one look.
  std::this_thread::sleep_until(start + kReport);
  ASSERT_TRUE(deploy.Running()) << deploy.Wait().all();
  EXPECT_FALSE(Recorded());
  ASSERT_TRUE(holder->Exec("COMMIT").ok());
  RunResult r = deploy.Wait();
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_TRUE(Recorded());
  EXPECT_NE(r.out.find("pausing: replica " + StandbyInfo().Redacted()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--max-replica-lag 500ms"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("replicas caught up"), std::string::npos) << r.out;
}

// The same hold on the replay during a batched backfill: after a batch, deploy pauses while the
// standby replays more than --max-replica-lag behind, so the rest of the rows wait (the standby
// never falls further behind than a batch), and it finishes once the standby has caught up.
TEST_F(ReplicaTest, BatchedBackfillPausesBetweenBatchesWhileTheStandbyLags) {
  std::optional<db::Connection> holder;
  ASSERT_NO_FATAL_FAILURE(HoldReplayBeforeABackfill(&holder));
  const std::string updated = kUpdated;
  const auto start = Clock::now();
  Child deploy({"deploy", dir_.string(), "--database", db_->url(), "--replica", StandbyUrl(),
                "--max-replica-lag", "500ms"});
  // Not a fixed sleep: on a loaded machine the child could still be starting when one ended.
  ASSERT_TRUE(AwaitOutput(deploy, "pausing: replica ")) << deploy.Wait(seconds(5)).all();
  // The pause lasts as long as the hold, not one look.
  std::this_thread::sleep_until(start + kReport);
  ASSERT_TRUE(deploy.Running()) << deploy.Wait().all();
  // Paused after its first batch (100 rows): most rows wait for the standby.
  const int while_held = std::atoi(Scalar(db_->conn(), updated).c_str());
  EXPECT_LT(while_held, 3000) << deploy.OutputSoFar();
  EXPECT_FALSE(Recorded());
  ASSERT_TRUE(holder->Exec("COMMIT").ok());
  RunResult r = deploy.Wait();
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_TRUE(Recorded());
  EXPECT_EQ(Scalar(db_->conn(), updated), "3000");
  EXPECT_NE(r.out.find("batched backfill of"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pausing: replica " + StandbyInfo().Redacted()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("replicas caught up"), std::string::npos) << r.out;
}

// The lag bound (issue 14): however large --max-replica-lag, a batched backfill is never more
// than one batch ahead of a standby: after each batch it waits until every replica has replayed
// it. Here the standby's replay is held back from the start, so only the first batch runs until
// the holder ends; without that wait, the whole backfill went through while the replay was held.
TEST_F(ReplicaTest, BatchedBackfillWaitsForTheStandbyToReplayEachBatch) {
  std::optional<db::Connection> holder;
  ASSERT_NO_FATAL_FAILURE(HoldReplayBeforeABackfill(&holder));
  const std::string updated = kUpdated;
  Child deploy({"deploy", dir_.string(), "--database", db_->url(), "--replica", StandbyUrl(),
                "--max-replica-lag", "1h"});
  // The first batch committed. Not a fixed sleep: on a loaded machine the child could still be
  // starting when one ended, and no batch had run.
  ASSERT_TRUE(AwaitState(db_->conn(), "SELECT (" + updated + ") >= 100", &deploy))
      << deploy.Wait(seconds(5)).all();
  // The point of the test: however long the replay is held, no second batch follows.
  std::this_thread::sleep_for(kReport);
  ASSERT_TRUE(deploy.Running()) << deploy.Wait().all();
  EXPECT_EQ(Scalar(db_->conn(), updated), "100") << deploy.OutputSoFar();
  ASSERT_TRUE(holder->Exec("COMMIT").ok());
  RunResult r = deploy.Wait();
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_TRUE(Recorded());
  EXPECT_EQ(Scalar(db_->conn(), updated), "3000");
}

// The lag bound (issue 14) with a reader whose snapshot predates the backfill: a REPEATABLE READ
// transaction on the standby. Each batch's UPDATE visits pages where earlier, committed batches
// left dead row versions and prunes them (the keys 'm1', 'm10', 'm100', ... sort apart from the
// rows' order on disk, so every batch meets its predecessors' pages). Replaying such a cleanup
// record would remove rows the reader's snapshot still sees, so the standby's replay waits for
// the reader (max_standby_streaming_delay: 30 s here) and the backfill, which waits for each
// batch's replay, waits with it. With --replica, lockstep holds a snapshot on the primary while
// the backfill runs: nothing the reader can see is cleaned up, so the backfill finishes while the
// reader is still open, and the reader's snapshot is intact (neither cancelled nor stale).
TEST_F(ReplicaTest, BatchedBackfillIsNotHeldBackByAStandbyReadersOldSnapshot) {
  ASSERT_TRUE(db_->conn()
                  .Exec("INSERT INTO \"Member\" (id, email, name, \"updatedAt\") SELECT 'm' || g, "
                        "'m' || g || '@x', 'name ' || g, now() FROM generate_series(1, 3000) g")
                  .ok());
  ASSERT_TRUE(testing::WaitForReplay(*pair_.primary, *pair_.standby).ok());
  db::DbResult<db::Connection> reader = ConnectStandby();
  ASSERT_TRUE(reader.ok());
  const std::string updated = "SELECT count(*) FROM \"Member\" WHERE \"name\" LIKE 'NAME %'";
  ASSERT_TRUE(reader->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ").ok());
  ASSERT_EQ(Scalar(*reader, updated), "0");
  WriteFile(dir_ / "1_add_bio/migration.sql",
            "UPDATE \"Member\" SET \"name\" = upper(\"name\");\n");
  Child deploy({"deploy", dir_.string(), "--database", db_->url(), "--replica", StandbyUrl(),
                "--max-replica-lag", "1s", "--backfill-batch-time", "20ms"});
  // The point of the test: 20 s, below max_standby_streaming_delay (30 s), for which a backfill
  // held back by the reader would wait. Looked at every 50 ms.
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (deploy.Running() && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(50));
  const bool finished_while_reading = !deploy.Running();
  const std::string so_far = deploy.OutputSoFar();
  // Still inside the reader's transaction: it was not cancelled, and it sees its snapshot.
  EXPECT_EQ(Scalar(*reader, updated), "0");
  ASSERT_TRUE(reader->Exec("COMMIT").ok());
  RunResult r = deploy.Wait();
  EXPECT_TRUE(finished_while_reading) << "the backfill waited for the standby reader:\n" << so_far;
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("holding a snapshot on the primary while the backfill runs (replica " +
                       StandbyInfo().Redacted() + " has hot_standby_feedback off)"),
            std::string::npos)
      << r.out;
  EXPECT_TRUE(Recorded());
  ASSERT_TRUE(testing::WaitForReplay(*pair_.primary, *pair_.standby).ok());
  EXPECT_EQ(Scalar(*reader, updated), "3000");
}

// With hot_standby_feedback on, the standby keeps the rows its readers need on the primary
// itself: lockstep holds no snapshot of its own (and says nothing of one).
TEST_F(ReplicaTest, BatchedBackfillHoldsNoSnapshotForAStandbyWithFeedback) {
  ASSERT_TRUE(db_->conn()
                  .Exec("INSERT INTO \"Member\" (id, email, name, \"updatedAt\") SELECT 'm' || g, "
                        "'m' || g || '@x', 'name ' || g, now() FROM generate_series(1, 300) g")
                  .ok());
  db::DbResult<db::Connection> standby = ConnectStandby();
  ASSERT_TRUE(standby.ok());
  ASSERT_TRUE(standby->Exec("ALTER SYSTEM SET hot_standby_feedback = on").ok());
  ASSERT_TRUE(standby->Exec("SELECT pg_reload_conf()").ok());
  ASSERT_TRUE(AwaitState(*standby, "SELECT current_setting('hot_standby_feedback') = 'on'"));
  WriteFile(dir_ / "1_add_bio/migration.sql",
            "UPDATE \"Member\" SET \"name\" = upper(\"name\");\n");
  RunResult r =
      RunLockstep({"deploy", dir_.string(), "--database", db_->url(), "--replica", StandbyUrl()});
  EXPECT_TRUE(standby->Exec("ALTER SYSTEM RESET hot_standby_feedback").ok());
  EXPECT_TRUE(standby->Exec("SELECT pg_reload_conf()").ok());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("batched backfill of"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("holding a snapshot"), std::string::npos) << r.out;
}

// The preflight names the replicas without hot_standby_feedback when a batched backfill is
// pending: that backfill will hold a snapshot on the primary (its cost is the user's to know
// before it starts). A note, not a problem: --preflight strict still starts.
TEST_F(ReplicaTest, PreflightNamesAStandbyWithoutFeedbackWhenABackfillIsPending) {
  WriteFile(dir_ / "1_add_bio/migration.sql",
            "UPDATE \"Member\" SET \"name\" = upper(\"name\");\n");
  RunResult r = RunLockstep({"deploy", dir_.string(), "--database", db_->url(), "--replica",
                             StandbyUrl(), "--preflight", "strict"});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("Preflight note: replica " + StandbyInfo().Redacted() +
                       " has hot_standby_feedback off: the batched backfill holds a snapshot"),
            std::string::npos)
      << r.out;
}

// The snapshot held on the primary (SnapshotHold): a session in a transaction with a snapshot
// (backend_xmin), which locks no relation, and is gone after Release().
TEST_F(ReplicaTest, SnapshotHoldLocksNothingAndEndsOnRelease) {
  const std::string held =
      "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lockstep deploy (snapshot "
      "for replicas)' AND datname = current_database()";
  Result<std::unique_ptr<deploy::SnapshotHold>> hold =
      deploy::SnapshotHold::Take(db_->conninfo(), 60'000, 5000);
  ASSERT_TRUE(hold.ok()) << hold.status().message();
  EXPECT_EQ(Scalar(db_->conn(), held + " AND state = 'idle in transaction' AND backend_xmin IS "
                                       "NOT NULL AND backend_xid IS NULL"),
            "1");
  EXPECT_EQ(Scalar(db_->conn(),
                   "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE "
                   "a.application_name = 'lockstep deploy (snapshot for replicas)' AND "
                   "l.locktype NOT IN ('virtualxid')"),
            "0");
  EXPECT_TRUE((*hold)->Renew().ok());
  (*hold)->Release();
  EXPECT_FALSE((*hold)->Renew().ok());
  // The server ends the session once it has read the closed connection.
  EXPECT_TRUE(AwaitState(db_->conn(), "SELECT (" + held + ") = 0"));
}

// A replica lost in the middle of a batched backfill (its connection closed while deploy waits
// for it to replay a batch): deploy stops before the next batch with one line naming the replica
// (exit 4), instead of going on without the protection asked for; the committed batches stay
// and a run with the replica back finishes the backfill.
TEST_F(ReplicaTest, ReplicaLostMidBackfillStopsTheDeployBeforeTheNextBatch) {
  std::optional<db::Connection> holder;
  ASSERT_NO_FATAL_FAILURE(HoldReplayBeforeABackfill(&holder));
  const std::string updated = kUpdated;
  auto proxy = std::make_unique<testing::FaultProxy>("127.0.0.1", pair_.standby->port());
  ASSERT_NE(proxy->port(), 0);
  db::ConnInfo via_proxy = StandbyInfo();
  via_proxy.host = "127.0.0.1";
  via_proxy.port = std::to_string(proxy->port());
  Child deploy({"deploy", dir_.string(), "--database", db_->url(), "--replica", via_proxy.Url()});
  // Its first batch committed, it waits for the standby to replay it: said once the wait passes
  // --max-replica-lag (1 s by default).
  ASSERT_TRUE(AwaitOutput(deploy, "has not replayed the last batch"))
      << deploy.Wait(seconds(5)).all();
  ASSERT_TRUE(deploy.Running()) << deploy.Wait().all();
  ASSERT_EQ(Scalar(db_->conn(), updated), "100") << deploy.OutputSoFar();
  proxy.reset();  // closes the replica's connection
  RunResult r = deploy.Wait();
  ASSERT_TRUE(holder->Exec("COMMIT").ok());
  EXPECT_EQ(r.exit_code, exit_code::kDatabase) << r.all();
  EXPECT_NE(r.err.find("replica " + via_proxy.Redacted()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("its position is recorded"), std::string::npos) << r.err;
  EXPECT_EQ(r.all().find(pair_.primary->password()), std::string::npos) << r.all();
  EXPECT_EQ(Scalar(db_->conn(), updated), "100");
  EXPECT_FALSE(Recorded());
  RunResult again =
      RunLockstep({"deploy", dir_.string(), "--database", db_->url(), "--replica", StandbyUrl()});
  ASSERT_EQ(again.exit_code, 0) << again.all();
  EXPECT_TRUE(Recorded());
  EXPECT_EQ(Scalar(db_->conn(), updated), "3000");
}

// Preflight (issue 14, item 2): a standby whose replay is held back by a reader is reported,
// with its lag, before the first statement; strict refuses with nothing applied.
TEST_F(ReplicaTest, PreflightReportsAStandbyThatLags) {
  ASSERT_TRUE(db_->conn().Exec("CREATE TABLE \"Other\" (i int)").ok());
  ASSERT_TRUE(testing::WaitForReplay(*pair_.primary, *pair_.standby).ok());
  db::DbResult<db::Connection> holder = ConnectStandby();
  db::DbResult<db::Connection> standby = ConnectStandby();
  ASSERT_TRUE(holder.ok() && standby.ok());
  ASSERT_TRUE(holder->Exec("BEGIN; SELECT count(*) FROM \"Other\"").ok());
  // Not through lockstep: its replay waits for the holder, and everything after it too.
  ASSERT_TRUE(db_->conn().Exec("ALTER TABLE \"Other\" ADD COLUMN j int").ok());
  // The lag is above --max-replica-lag, read as the deployer reads it.
  ASSERT_TRUE(AwaitState(*standby, ReplayHeldLongerThan(500)));
  RunResult r = RunLockstep({"deploy", dir_.string(), "--database", db_->url(), "--replica",
                             StandbyUrl(), "--max-replica-lag", "500ms", "--preflight", "strict"});
  ASSERT_TRUE(holder->Exec("COMMIT").ok());
  EXPECT_EQ(r.exit_code, exit_code::kPreflight) << r.all();
  EXPECT_NE(r.out.find("replica " + StandbyInfo().Redacted() + " replays "), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("behind the primary (--max-replica-lag 500ms)"), std::string::npos) << r.out;
  EXPECT_EQ(r.all().find(pair_.primary->password()), std::string::npos) << r.all();
  EXPECT_FALSE(BioExists());
  EXPECT_FALSE(Recorded());
}

// Bad input: each stops the deploy before it starts, with one line, and no credentials.
TEST_F(ReplicaTest, BadReplicasStopTheDeployBeforeItStarts) {
  ASSERT_TRUE(db_->conn()
                  .Exec("DROP ROLE IF EXISTS lockstep_nomonitor; CREATE ROLE lockstep_nomonitor "
                        "LOGIN PASSWORD 'hunter2-secret'")
                  .ok());
  ASSERT_TRUE(testing::WaitForReplay(*pair_.primary, *pair_.standby).ok());
  db::ConnInfo unmonitored = StandbyInfo();
  unmonitored.user = "lockstep_nomonitor";
  unmonitored.password = "hunter2-secret";
  db::ConnInfo closed = StandbyInfo();
  closed.port = "1";
  closed.password = "hunter2-secret";
  // The standby itself, but not its copy of the database being migrated: its sessions never lock
  // the migrated tables, so every check there would pass while protecting nothing.
  db::ConnInfo other_database = StandbyInfo();
  other_database.dbname = "postgres";
  struct Case {
    std::string name;
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    std::string message;
    int exit_code;
  };
  const std::vector<Case> cases = {
      {"unreachable", {"--replica", closed.Url()}, {}, "is unreachable", exit_code::kDatabase},
      {"not a standby", {"--replica", db_->url()}, {}, "is not a standby", exit_code::kUsage},
      {"not a standby, from the environment",
       {},
       {{"LOCKSTEP_REPLICA_URLS", StandbyUrl() + "\n " + db_->url()}},
       "is not a standby",
       exit_code::kUsage},
      {"another database of the standby",
       {"--replica", other_database.Url()},
       {},
       "is not the database being migrated",
       exit_code::kUsage},
      {"no pg_monitor",
       {"--replica", unmonitored.Url()},
       {},
       "cannot see other sessions",
       exit_code::kUsage},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<std::string> args = {"deploy", dir_.string(), "--database", db_->url()};
    args.insert(args.end(), c.args.begin(), c.args.end());
    RunResult r = RunLockstep(args, c.env);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.all();
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Nothing was applied"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.all().find("hunter2-secret"), std::string::npos) << r.all();
    EXPECT_EQ(r.all().find(pair_.primary->password()), std::string::npos) << r.all();
    EXPECT_FALSE(BioExists());
    EXPECT_FALSE(Recorded());
  }
  ASSERT_TRUE(db_->conn().Exec("DROP ROLE lockstep_nomonitor").ok());
}

// A dry run says what --replica adds before each step (and contacts nothing).
TEST(ReplicaFlags, DryRunShowsTheReplicaChecks) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  WriteFile(dir / "1_a/migration.sql",
            "ALTER TABLE \"Member\" ADD COLUMN \"bio\" TEXT;\nINSERT INTO \"Member\" (id) "
            "VALUES ('x');\nCREATE INDEX CONCURRENTLY \"i\" ON \"Post\" (\"title\");\n");
  RunResult r = RunLockstep({"deploy", dir.string(), "--dry-run", "--database",
                             "postgresql://u@127.0.0.1:1/d", "--replica",
                             "postgresql://u@127.0.0.1:1/d", "--max-replica-lag", "2s"});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("-- on the replicas: not started while a standby session holds or waits "
                       "for a lock on \"Member\" (retried"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("-- on the replicas: paused while one replays more than 2s behind"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("lock on \"Post\""), std::string::npos) << r.out;
}

// Usage errors: found before any connection, never echoing a password.
TEST(ReplicaFlags, UsageErrors) {
  TempDir tmp;
  const std::string dir = tmp.path().string();
  struct Case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--replica"}, {}, "--replica"},  // its value missing: CLI11's words
      {{"--replica", ""}, {}, "--replica needs a URL"},
      {{"--replica", "postgresql://u:hunter2-secret@host:notaport/db"}, {}, "--replica: "},
      {{},
       {{"LOCKSTEP_REPLICA_URLS", "postgresql://u:hunter2-secret@h:x/db"}},
       "LOCKSTEP_REPLICA_URLS: "},
      {{"--max-replica-lag", "soon"}, {}, "--max-replica-lag"},
      {{"--replica", "postgresql://u@h/db", "--fleet", dir + "/fleet.txt"},
       {},
       "run it without a fleet"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    std::vector<std::string> args = {"deploy", dir, "--database", "postgresql://u@127.0.0.1:1/d"};
    if (c.message == "run it without a fleet") args = {"deploy", dir};
    args.insert(args.end(), c.args.begin(), c.args.end());
    RunResult r = RunLockstep(args, c.env);
    EXPECT_EQ(r.exit_code, exit_code::kUsage) << r.all();
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(r.all().find("hunter2-secret"), std::string::npos) << r.all();
  }
}

}  // namespace
}  // namespace lockstep::deploy_test
