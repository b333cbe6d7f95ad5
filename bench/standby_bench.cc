// bench_standby: issue 14's standby scenario, naive versus lockstep in one run (bench/downtime.sh
// runs it as its `standby` row; docs/replicas.md).
//
// A primary with one streaming hot standby (PostgreSQL 15, max_standby_streaming_delay 30s),
// "Member" with --rows rows (default 200000), 4 clients reading "Member" on the standby, and a
// report of --report seconds (default 6) on the standby that has read "Member". The migration is
// `ALTER TABLE "Member" ADD COLUMN "bio" TEXT`:
//   naive:    on the primary, `SET lock_timeout = '100ms'` then the ALTER (perfect on the primary);
//   lockstep: `lockstep deploy --replica <standby> --lock-timeout 100ms`.
// Each on its own copy of the same data. Prints the standby readers' longest request in each run
// and in a baseline (the same readers and report, no migration), the ratio, and whether lockstep
// stayed within the budget: baseline + lock timeout + 50 ms. Exit 1 when it did not, or when a
// migration did not reach the standby.
//   bench_standby [--rows N] [--report SECONDS] [--lockstep PATH]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
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
using lockstep::Result;
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
constexpr int kReaders = 4;
constexpr int kLockTimeoutMs = 100;

void WaitForReplay(Connection& primary, Connection& standby) {
  const std::string lsn = Scalar(primary, "SELECT pg_current_wal_insert_lsn()::text");
  while (Scalar(standby, "SELECT (pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn)::text") !=
         "true")
    std::this_thread::sleep_for(milliseconds(10));
}

// kReaders connections reading "Member" by primary key on the standby; the longest request.
class Readers {
 public:
  Readers(const EmbeddedServer& standby, const std::string& db, int rows) {
    for (int i = 0; i < kReaders; ++i) {
      Connection c = Must(lockstep::db::Connect(standby.socket_conninfo(db)), "standby reader");
      threads_.emplace_back([this, rows, i, c = std::move(c)]() mutable {
        for (int n = 0; !stop_; ++n) {
          const auto t0 = Clock::now();
          lockstep::db::DbResult<lockstep::db::Rows> r =
              c.Exec("SELECT name FROM \"Member\" WHERE id = $1",
                     {"m" + std::to_string((n * 7919 + i * 104729) % rows)});
          const int64_t ms = std::chrono::duration_cast<milliseconds>(Clock::now() - t0).count();
          if (!r.ok()) ++errors_;
          int64_t seen = max_ms_;
          while (ms > seen && !max_ms_.compare_exchange_weak(seen, ms)) {
          }
          std::this_thread::sleep_for(milliseconds(2));
        }
      });
    }
  }
  int64_t Stop() {
    stop_ = true;
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    return max_ms_;
  }
  int errors() const { return errors_; }
  ~Readers() {
    if (!threads_.empty()) Stop();
  }

 private:
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> max_ms_{0};
  std::atomic<int> errors_{0};
};

struct Run {
  int64_t max_ms = 0;
  bool migrated = false;  // "bio" exists on the standby afterwards
  int errors = 0;
  double migration_s = 0;
};

// The report on the standby: reads "Member", then keeps its transaction (and lock) open.
std::thread Report(const EmbeddedServer& standby, const std::string& db, int seconds) {
  Connection c = Must(lockstep::db::Connect(standby.socket_conninfo(db)), "report");
  Exec(c, "BEGIN; SELECT count(*) FROM \"Member\"");
  return std::thread([c = std::move(c), seconds]() mutable {
    c.Exec("SELECT pg_sleep(" + std::to_string(seconds) + "); COMMIT");
  });
}

enum class Mode { kBaseline, kNaive, kLockstep };

Run Measure(Mode mode, EmbeddedServer& primary, EmbeddedServer& standby, const std::string& db,
            int rows, int report_s, const fs::path& lockstep_bin, const fs::path& migrations) {
  Connection p = Must(lockstep::db::Connect(primary.socket_conninfo(db)), "primary");
  Connection s = Must(lockstep::db::Connect(standby.socket_conninfo(db)), "standby");
  Run run;
  Readers readers(standby, db, rows);
  std::this_thread::sleep_for(milliseconds(500));
  std::thread report = Report(standby, db, report_s);
  std::this_thread::sleep_for(milliseconds(500));
  const auto t0 = Clock::now();
  if (mode == Mode::kNaive) {
    Exec(p, "SET lock_timeout = '" + std::to_string(kLockTimeoutMs) +
                "ms'; ALTER TABLE \"Member\" ADD COLUMN \"bio\" TEXT");
  } else if (mode == Mode::kLockstep) {
    lockstep::RunOptions options;
    options.capture_stdout = true;
    lockstep::RunResult r =
        Must(lockstep::RunProcess({lockstep_bin.string(), "deploy", migrations.string(),
                                   "--database", primary.url(db), "--replica", standby.url(db),
                                   "--lock-timeout", std::to_string(kLockTimeoutMs) + "ms"},
                                  options),
             "lockstep deploy");
    if (r.exit.code != 0)
      Die("lockstep deploy failed (" + r.exit.ToString() + "):\n" + r.stdout_text);
  }
  run.migration_s = std::chrono::duration<double>(Clock::now() - t0).count();
  report.join();
  WaitForReplay(p, s);
  std::this_thread::sleep_for(milliseconds(500));
  run.max_ms = readers.Stop();
  run.errors = readers.errors();
  run.migrated = Scalar(s,
                        "SELECT count(*)::text FROM pg_attribute WHERE attrelid = "
                        "'\"Member\"'::regclass AND attname = 'bio'") == "1";
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  lockstep::bench::program = "bench_standby";
  int rows = 200000;
  int report_s = 6;
  fs::path lockstep_bin =
      fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "lockstep";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--rows")
      rows = std::atoi(argv[i + 1]);
    else if (a == "--report")
      report_s = std::atoi(argv[i + 1]);
    else if (a == "--lockstep")
      lockstep_bin = argv[i + 1];
    else
      Die("unknown option " + a + " (--rows N, --report SECONDS, --lockstep PATH)");
  }
  if (rows < 1 || report_s < 1) Die("--rows and --report must be positive");
  if (!fs::exists(lockstep_bin)) Die(lockstep_bin.string() + " not found (--lockstep PATH)");

  std::unique_ptr<EmbeddedServer> primary = Must(EmbeddedServer::Start(kMajor), "primary");
  EmbeddedServer* standby = Must(primary->StartStandby(), "standby");

  // The history both copies share, applied by lockstep (so that deploy finds it), then the rows.
  const fs::path dir = lockstep::bench::DeployHistory(
      *primary, "seed", lockstep_bin, "standby",
      "CREATE TABLE \"Member\" (\"id\" TEXT NOT NULL, \"email\" TEXT NOT NULL, \"name\" TEXT "
      "NOT NULL, \"totalPoints\" INTEGER NOT NULL DEFAULT 0, CONSTRAINT \"Member_pkey\" "
      "PRIMARY KEY (\"id\"));\n");
  {
    Connection seed = Must(lockstep::db::Connect(primary->socket_conninfo("seed")), "seed");
    Exec(seed,
         "INSERT INTO \"Member\" (id, email, name) SELECT 'm' || g, 'm' || g || '@x', "
         "'name ' || g FROM generate_series(0, " +
             std::to_string(rows - 1) + ") g");
    Exec(seed, "VACUUM ANALYZE \"Member\"");
  }
  for (const char* db : {"naive", "lockstep"}) Must(primary->CreateDatabase(db, "seed"), db);
  fs::create_directories(dir / "1_add_bio");
  std::ofstream(dir / "1_add_bio/migration.sql")
      << "ALTER TABLE \"Member\" ADD COLUMN \"bio\" TEXT;\n";
  {
    Connection p = Must(lockstep::db::Connect(primary->socket_conninfo()), "primary");
    Connection s = Must(lockstep::db::Connect(standby->socket_conninfo()), "standby");
    WaitForReplay(p, s);
  }

  const Run baseline =
      Measure(Mode::kBaseline, *primary, *standby, "seed", rows, report_s, lockstep_bin, dir);
  const Run naive =
      Measure(Mode::kNaive, *primary, *standby, "naive", rows, report_s, lockstep_bin, dir);
  const Run ls =
      Measure(Mode::kLockstep, *primary, *standby, "lockstep", rows, report_s, lockstep_bin, dir);
  std::error_code ec;
  fs::remove_all(dir, ec);

  const int64_t budget = baseline.max_ms + kLockTimeoutMs + 50;
  const bool ok = ls.max_ms <= budget && naive.migrated && ls.migrated;
  std::printf(
      "standby scenario: PostgreSQL %d primary + hot standby (max_standby_streaming_delay 30s), "
      "%d rows, %d readers on the standby, a %d s report on the standby\n",
      kMajor, rows, kReaders, report_s);
  std::printf("  baseline (no migration)           standby readers' longest request %6lld ms\n",
              static_cast<long long>(baseline.max_ms));
  std::printf(
      "  naive (lock_timeout 100ms, ALTER) standby readers' longest request %6lld ms"
      "  (migration %.2f s on the primary%s)\n",
      static_cast<long long>(naive.max_ms), naive.migration_s,
      naive.migrated ? "" : ", NOT replayed");
  std::printf(
      "  lockstep deploy --replica         standby readers' longest request %6lld ms"
      "  (deploy %.2f s%s)\n",
      static_cast<long long>(ls.max_ms), ls.migration_s, ls.migrated ? "" : ", NOT replayed");
  std::printf(
      "  ratio naive/lockstep %.1fx; budget (baseline + lock timeout + 50 ms) %lld ms: %s\n",
      ls.max_ms > 0 ? static_cast<double>(naive.max_ms) / ls.max_ms : 0.0,
      static_cast<long long>(budget), ok ? "ok" : "OVER");
  if (naive.errors + ls.errors + baseline.errors > 0)
    std::printf("  reader errors: baseline %d, naive %d, lockstep %d\n", baseline.errors,
                naive.errors, ls.errors);
  return ok ? 0 : 1;
}
