// bench_lag: issue 14's lag bound. With a hot standby whose replay is held back by conflicting
// readers, does a batched backfill by `lockstep deploy --replica URL --max-replica-lag 1s` keep
// the standby's replay lag within --max-replica-lag + one batch, where one plain UPDATE of the
// same rows (what `prisma migrate deploy` sends) lags by the whole backfill? bench/downtime.sh
// runs it after the standby scenario; docs/replicas.md ("The lag bound") shows its figures.
//
// A PostgreSQL 15 primary with one streaming hot standby (max_standby_streaming_delay 30s,
// hot_standby_feedback off: PostgreSQL's defaults), "Member" with LAG_ROWS rows (default
// 1,000,000), and the migration `UPDATE "Member" SET "name" = upper("name"), "n" = "n" + 1`:
//   naive:    that UPDATE in one statement on the primary;
//   lockstep: `lockstep deploy --replica <standby> --max-replica-lag 1s` (a batched backfill,
//             --backfill-batch-time 100ms), which waits before each batch while the standby lags.
// Each on its own copy of the same data (CREATE DATABASE … TEMPLATE, replayed by the standby).
//
// What holds the replay back: LAG_READERS sessions (default 2) on the standby, each in a loop of
// REPEATABLE READ transactions that read "Member", wait LAG_READER_MS (default 300 ms) and read
// it again (a report that wants one consistent view), staggered. A REPEATABLE READ snapshot still
// sees the row versions that transactions committed after it began have replaced. When the primary
// removes such dead versions (pruning a heap page it visits again, a btree page's bottom-up
// deletion, vacuum), the cleanup record carries the newest xid it removed; replaying it on the
// standby would pull rows from under every snapshot older than that xid, so the startup process
// waits for those transactions to end (up to max_standby_streaming_delay, 30 s: far longer than the
// readers' transactions, so it waits, never cancels), and all WAL behind that record waits too.
// A batched backfill produces such records all along: each batch's index scan first visits the
// heap page where the previous, committed batch ended, and prunes its dead versions there
// (pg_waldump: one XLOG_HEAP2_PRUNE per batch, latestRemovedXid = the previous batch's xid); the
// readers keep starting new transactions, so there is nearly always one whose snapshot is older
// than the last batch. lockstep deploy --replica holds a snapshot on the primary while the
// backfill runs (the standby has hot_standby_feedback off), so those versions are not removable
// and no such record is written (docs/replicas.md). The sampler counts how often the standby's
// startup process is seen waiting on a recovery conflict (pg_stat_activity.wait_event
// RecoveryConflict*), to show the hold is real. One plain UPDATE leaves nothing to clean up until
// it commits (its own dead versions belong to a transaction still in progress), so its replay is
// not held during the run; but nothing of it is visible on the standby until its single commit is
// replayed: the standby's last replayed transaction ages for the whole backfill, which is the
// replay lag by the commit-age measure. By the WAL measure the standby follows the UPDATE's
// uncommitted WAL as it is streamed, so that run lags only by what is not yet sent and replayed.
//
// The replay lag, sampled every ~50 ms from the start of each migration until the standby has
// replayed all of it, by two measures, the same for naive and lockstep:
//   WAL lag (the verdict's): how long ago the primary produced the WAL the standby has not yet
//     applied, as pg_stat_replication.replay_lag defines it. The sampler keeps the history of
//     (time, primary's WAL insert position) of its samples; at sample time t the lag is t minus
//     the earliest sample time at which the primary's position had already passed the standby's
//     pg_last_wal_replay_lsn(), 0 when the standby has replayed the current position. WAL written
//     between two samples counts from the later one, so it reads up to one interval (50 ms) short.
//   commit age (the old measure, printed for comparison): 0 when the standby has replayed the
//     primary's current insert position, else now() - pg_last_xact_replay_timestamp(). It
//     overstates the lag when the primary commits nothing for a while: a WAL record written then
//     (a catalog page pruned while lockstep reads the catalog at its start) and not yet replayed
//     at the sample reads as the age of the last commit, although the standby is a few KB behind
//     for milliseconds. A commit just before each run makes it start at 0.
// And in bytes, pg_wal_lsn_diff(primary's insert position, pg_last_wal_replay_lsn()). Each run
// shows when its largest lag was seen and the largest once the migration was being applied
// (lockstep: from when its record of the migration appears). Prints the largest of each per run,
// the ratio naive/lockstep, and whether lockstep's largest WAL lag is within --max-replica-lag +
// one batch (--backfill-batch-time). Exit 1 when it is not or a run failed.
//   bench_lag [--lockstep PATH]   env: LAG_ROWS, LAG_READERS, LAG_READER_MS
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "base/process.h"
#include "db/connection.h"
#include "db/embedded_server.h"
#include "standby_support.h"

namespace {

namespace fs = std::filesystem;
using lockstep::Status;
using lockstep::bench::Die;
using lockstep::bench::Exec;
using lockstep::bench::Must;
using lockstep::bench::Scalar;
using lockstep::db::Connection;
using lockstep::db::EmbeddedServer;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kMajor = 15;  // the distribution's: the npm packages have no pg_basebackup
constexpr int kMaxLagMs = 1000;
constexpr int kBatchMs = 100;
constexpr int kSampleMs = 50;
const char* const kUpdate = "UPDATE \"Member\" SET \"name\" = upper(\"name\"), \"n\" = \"n\" + 1";

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

bool Replayed(Connection& standby, const std::string& lsn) {
  return Scalar(standby, "SELECT (pg_last_wal_replay_lsn() >= $1::pg_lsn)::text", {lsn}) == "true";
}

// The readers that hold the replay back (see the top of the file): REPEATABLE READ transactions
// of about `txn_ms`, each reading "Member" at its start and end, one after the other, staggered.
class Readers {
 public:
  Readers(const EmbeddedServer& standby, const std::string& db, int readers, int txn_ms) {
    for (int i = 0; i < readers; ++i) {
      Connection c = Must(lockstep::db::Connect(standby.socket_conninfo(db)), "standby reader");
      threads_.emplace_back([this, i, readers, txn_ms, c = std::move(c)]() mutable {
        std::this_thread::sleep_for(milliseconds(txn_ms * i / readers));
        const std::string sleep = "SELECT pg_sleep(" + std::to_string(txn_ms / 1000.0) + ")";
        while (!stop_) {
          const bool ok =
              c.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT sum(\"n\") FROM \"Member\"")
                  .ok() &&
              c.Exec(sleep).ok() && c.Exec("SELECT count(*) FROM \"Member\"").ok() &&
              c.Exec("COMMIT").ok();
          if (ok) {
            ++transactions_;
          } else {
            ++errors_;  // canceled by a recovery conflict: start again
            c.Exec("ROLLBACK");
          }
        }
      });
    }
  }
  void Stop() {
    stop_ = true;
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }
  ~Readers() {
    if (!threads_.empty()) Stop();
  }
  int transactions() const { return transactions_; }
  int errors() const { return errors_; }

 private:
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<int> transactions_{0}, errors_{0};
};

// The largest lag by one time measure over a run.
struct TimeLag {
  double max_s = 0;     // the largest lag seen
  double max_at_s = 0;  // when it was seen, from the migration's start
  // The largest lag once the migration was being applied: naive from its start, lockstep from
  // when its record of 1_backfill appeared (after its start-up: connecting, reading the history,
  // the replica checks and preflight, which commit nothing).
  double applying_max_s = 0;

  void Add(double lag_s, double at_s, bool applying) {
    if (applying) applying_max_s = std::max(applying_max_s, lag_s);
    if (lag_s > max_s) {
      max_s = lag_s;
      max_at_s = at_s;
    }
  }
};

struct Lag {
  // How long ago the primary produced the WAL the standby had not replayed (the verdict's).
  TimeLag wal;
  // now() - pg_last_xact_replay_timestamp() while the standby was behind (the old measure).
  TimeLag commit_age;
  double max_mb = 0;          // the largest replay lag in WAL bytes, MB
  int samples = 0;            // samples taken
  int conflict_waits = 0;     // samples where the startup process waited on a recovery conflict
  double longest_hold_s = 0;  // the longest run of consecutive such samples, in time
  double migration_s = 0;     // the migration's wall time on the primary
  double caught_up_s = 0;     // from the migration's start until the standby had replayed it all
  std::string batches;        // lockstep's backfill summary line
};

// A WAL position ("16/B374D848") as a byte offset.
uint64_t ParseLsn(const std::string& text) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) Die("not a WAL position: " + text);
  return (std::strtoull(text.substr(0, slash).c_str(), nullptr, 16) << 32) |
         std::strtoull(text.substr(slash + 1).c_str(), nullptr, 16);
}

// Samples the standby's replay lag every kSampleMs until Stop().
class Sampler {
 public:
  // `applying`: the migration is applied from the start (naive), else from when lockstep's
  // record of it appears.
  Sampler(const EmbeddedServer& primary, const EmbeddedServer& standby, const std::string& db,
          bool applying)
      : applying_(applying),
        p_(Must(lockstep::db::Connect(primary.socket_conninfo(db)), "sampler (primary)")),
        s_(Must(lockstep::db::Connect(standby.socket_conninfo(db)), "sampler (standby)")) {
    thread_ = std::thread([this] {
      while (!stop_) {
        const auto t0 = Clock::now();
        Sample();
        std::this_thread::sleep_until(t0 + milliseconds(kSampleMs));
      }
    });
  }
  Lag Stop() {
    stop_ = true;
    thread_.join();
    return lag_;
  }

 private:
  void Sample() {
    const std::string lsn = Scalar(p_, "SELECT pg_current_wal_insert_lsn()::text");
    // The history the WAL lag is read from: positions only grow, so it stays sorted by both.
    history_.push_back({Clock::now(), ParseLsn(lsn)});
    if (!applying_)
      applying_ = Scalar(p_,
                         "SELECT EXISTS (SELECT FROM _prisma_migrations WHERE migration_name = "
                         "'1_backfill')::text") == "true";
    lockstep::db::DbResult<lockstep::db::Rows> r = s_.Exec(
        "SELECT CASE WHEN pg_last_wal_replay_lsn() >= $1::pg_lsn THEN 0 ELSE coalesce(extract("
        "epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END::float8::text, "
        "greatest(pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn()), 0)::float8::text, "
        "EXISTS (SELECT 1 FROM pg_stat_activity WHERE backend_type = 'startup' AND wait_event "
        "LIKE 'RecoveryConflict%')::text, pg_last_wal_replay_lsn()::text",
        {lsn});
    if (!r.ok() || r->empty()) Die("sampling the standby: " + r.status().message());
    const auto now = Clock::now();  // the sample's time: when the replay position was read
    const auto& row = r->rows[0];
    const double at_s = std::chrono::duration<double>(now - start_).count();
    // The earliest sample whose primary position had passed the standby's replay position: the
    // standby has not applied WAL the primary had already produced then.
    const uint64_t replayed = ParseLsn(row[3].value_or("0/0"));
    const auto behind =
        std::upper_bound(history_.begin(), history_.end(), replayed,
                         [](uint64_t pos, const Position& p) { return pos < p.lsn; });
    const double wal_lag_s =
        behind == history_.end() ? 0 : std::chrono::duration<double>(now - behind->at).count();
    lag_.wal.Add(wal_lag_s, at_s, applying_);
    lag_.commit_age.Add(std::atof(row[0].value_or("0").c_str()), at_s, applying_);
    lag_.max_mb = std::max(lag_.max_mb, std::atof(row[1].value_or("0").c_str()) / 1e6);
    ++lag_.samples;
    if (row[2] == std::optional<std::string>("true")) {
      ++lag_.conflict_waits;
      if (!holding_) hold_start_ = now;
      holding_ = true;
      lag_.longest_hold_s =
          std::max(lag_.longest_hold_s, std::chrono::duration<double>(now - hold_start_).count());
    } else {
      holding_ = false;
    }
  }
  struct Position {
    Clock::time_point at;  // when the primary's position was read
    uint64_t lsn;          // the primary's WAL insert position then
  };
  std::vector<Position> history_;
  bool holding_ = false;
  bool applying_ = false;
  Clock::time_point hold_start_;
  const Clock::time_point start_ = Clock::now();
  Connection p_, s_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  Lag lag_;
};

enum class Mode { kNaive, kLockstep };

Lag Measure(Mode mode, EmbeddedServer& primary, EmbeddedServer& standby, const std::string& db,
            int readers_n, int reader_ms, const fs::path& lockstep_bin,
            const fs::path& migrations) {
  Connection p = Must(lockstep::db::Connect(primary.socket_conninfo(db)), "primary");
  Connection s = Must(lockstep::db::Connect(standby.socket_conninfo(db)), "standby");
  Readers readers(standby, db, readers_n, reader_ms);
  std::this_thread::sleep_for(milliseconds(2 * reader_ms));
  // A commit just before the migration, replayed: the lag starts at 0, not at the age of the
  // copy's creation.
  Exec(p, "INSERT INTO lag_mark VALUES (now())");
  const std::string mark = Scalar(p, "SELECT pg_current_wal_insert_lsn()::text");
  while (!Replayed(s, mark)) std::this_thread::sleep_for(milliseconds(10));

  Sampler sampler(primary, standby, db, mode == Mode::kNaive);
  Lag lag;
  const auto t0 = Clock::now();
  if (mode == Mode::kNaive) {
    Exec(p, kUpdate);
  } else {
    lockstep::RunOptions options;
    options.capture_stdout = true;
    lockstep::RunResult r = Must(
        lockstep::RunProcess(
            {lockstep_bin.string(), "deploy", migrations.string(), "--database", primary.url(db),
             "--replica", standby.url(db), "--max-replica-lag", std::to_string(kMaxLagMs) + "ms",
             "--backfill-batch-time", std::to_string(kBatchMs) + "ms", "--retry-deadline", "10m"},
            options),
        "lockstep deploy");
    if (r.exit.code != 0)
      Die("lockstep deploy failed (" + r.exit.ToString() + "):\n" + r.stdout_text);
    const size_t at = r.stdout_text.rfind("rows updated in");  // the summary, after progress
    if (at != std::string::npos) {
      const size_t begin = r.stdout_text.rfind('\n', at) + 1;
      lag.batches = r.stdout_text.substr(begin, r.stdout_text.find('\n', at) - begin);
    }
  }
  lag.migration_s = std::chrono::duration<double>(Clock::now() - t0).count();
  const std::string end = Scalar(p, "SELECT pg_current_wal_insert_lsn()::text");
  while (!Replayed(s, end)) std::this_thread::sleep_for(milliseconds(10));
  lag.caught_up_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::this_thread::sleep_for(milliseconds(200));
  const Lag sampled = sampler.Stop();
  lag.wal = sampled.wal;
  lag.commit_age = sampled.commit_age;
  lag.max_mb = sampled.max_mb;
  lag.samples = sampled.samples;
  lag.conflict_waits = sampled.conflict_waits;
  lag.longest_hold_s = sampled.longest_hold_s;
  readers.Stop();
  if (Scalar(s, "SELECT count(*)::text FROM \"Member\" WHERE \"n\" <> 1") != "0")
    Die(std::string(mode == Mode::kNaive ? "naive" : "lockstep") +
        ": the standby does not show every row updated once");
  return lag;
}

}  // namespace

int main(int argc, char** argv) {
  lockstep::bench::program = "bench_lag";
  const int rows = EnvInt("LAG_ROWS", 1000000);
  const int readers_n = EnvInt("LAG_READERS", 2);
  const int reader_ms = EnvInt("LAG_READER_MS", 300);
  fs::path lockstep_bin =
      fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "lockstep";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--lockstep")
      lockstep_bin = argv[i + 1];
    else
      Die(std::string("unknown option ") + argv[i] + " (--lockstep PATH)");
  }
  if (rows < 1 || readers_n < 1 || reader_ms < 1)
    Die("LAG_ROWS, LAG_READERS and LAG_READER_MS must be positive");
  if (!fs::exists(lockstep_bin)) Die(lockstep_bin.string() + " not found (--lockstep PATH)");

  std::unique_ptr<EmbeddedServer> primary = Must(EmbeddedServer::Start(kMajor), "primary");
  EmbeddedServer* standby = Must(primary->StartStandby(), "standby");

  const fs::path dir = lockstep::bench::DeployHistory(
      *primary, "seed", lockstep_bin, "lag",
      "CREATE TABLE \"Member\" (\"id\" INTEGER PRIMARY KEY, \"name\" TEXT NOT NULL, "
      "\"n\" INTEGER NOT NULL DEFAULT 0);\n"
      "CREATE TABLE lag_mark (at TIMESTAMPTZ NOT NULL);\n");
  const auto load_start = Clock::now();
  {
    Connection seed = Must(lockstep::db::Connect(primary->socket_conninfo("seed")), "seed");
    Exec(seed,
         "INSERT INTO \"Member\" (\"id\", \"name\") SELECT g, 'member ' || g FROM "
         "generate_series(1, " +
             std::to_string(rows) + ") g");
    Exec(seed, "VACUUM ANALYZE \"Member\"");
  }
  const double load_s = std::chrono::duration<double>(Clock::now() - load_start).count();
  for (const char* db : {"naive", "lockstep"}) Must(primary->CreateDatabase(db, "seed"), db);
  {
    // The runs connect to both copies on the standby at once: wait until it has them.
    Connection p = Must(lockstep::db::Connect(primary->socket_conninfo("seed")), "primary");
    Connection s = Must(lockstep::db::Connect(standby->socket_conninfo("seed")), "standby");
    const std::string created = Scalar(p, "SELECT pg_current_wal_insert_lsn()::text");
    while (!Replayed(s, created)) std::this_thread::sleep_for(milliseconds(10));
  }
  fs::create_directories(dir / "1_backfill");
  std::ofstream(dir / "1_backfill/migration.sql") << kUpdate << ";\n";

  const Lag naive =
      Measure(Mode::kNaive, *primary, *standby, "naive", readers_n, reader_ms, lockstep_bin, dir);
  const Lag ls = Measure(Mode::kLockstep, *primary, *standby, "lockstep", readers_n, reader_ms,
                         lockstep_bin, dir);
  std::error_code ec;
  fs::remove_all(dir, ec);

  const double bound_s = (kMaxLagMs + kBatchMs) / 1000.0;
  // The verdict reads the WAL lag (pg_stat_replication.replay_lag's definition), not the age of
  // the last replayed commit, which counts lockstep's start-up as lag (see the top of the file).
  const bool ok = ls.wal.max_s <= bound_s;
  std::printf(
      "lag bound: PostgreSQL %d primary + hot standby (max_standby_streaming_delay 30s), %d rows "
      "(loaded in %.1f s), %d REPEATABLE READ readers on the standby (%d ms transactions)\n",
      kMajor, rows, load_s, readers_n, reader_ms);
  auto line = [](const char* name, const Lag& l) {
    std::printf(
        "  %-46s replay lag (WAL) %6.2f s (at %.2f s; %.2f s while applying), "
        "age of last replayed commit %6.2f s (at %.2f s; %.2f s while applying) %7.1f MB  "
        "(migration %.2f s, standby caught up at %.2f s; replay waiting on a reader in %d of %d "
        "samples, at most %.2f s in a row)\n",
        name, l.wal.max_s, l.wal.max_at_s, l.wal.applying_max_s, l.commit_age.max_s,
        l.commit_age.max_at_s, l.commit_age.applying_max_s, l.max_mb, l.migration_s, l.caught_up_s,
        l.conflict_waits, l.samples, l.longest_hold_s);
  };
  line("naive (one UPDATE on the primary)", naive);
  line("lockstep deploy --replica --max-replica-lag 1s", ls);
  if (!ls.batches.empty()) std::printf("  lockstep:%s\n", ls.batches.c_str());
  auto ratio = [](double n, double l) { return l > 0 ? n / l : 0.0; };
  std::printf(
      "  ratio naive/lockstep: %.1fx in WAL lag, %.1fx in commit age, %.1fx in bytes; lockstep's "
      "WAL lag within --max-replica-lag + one batch (%.1f s): %s\n",
      ratio(naive.wal.max_s, ls.wal.max_s), ratio(naive.commit_age.max_s, ls.commit_age.max_s),
      ratio(naive.max_mb, ls.max_mb), bound_s, ok ? "yes" : "NO");
  return ok ? 0 : 1;
}
