// bench_backfill: a batched backfill by `lockstep deploy` against one plain UPDATE of the same rows
// (what `prisma migrate deploy` sends for the same folder), in the same run, on a throwaway
// PostgreSQL, each on its own copy of one loaded table:
//   1. throughput on an idle table: rows/s of the batched backfill over rows/s of the UPDATE
//      (target: at least 0.5);
//   2. the longest stall of a writer workload (WRITERS clients updating random rows of the table
//      as fast as they can) during each, against the same workload with no migration.
//   bench_backfill            env: BACKFILL_ROWS (default 1000000), WRITERS (default 4),
//                             BATCH_TIME (default 100ms), LOCKSTEP_BIN (the lockstep binary)
// Not a Google Benchmark: each side is one long run, timed once.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "db/connection.h"
#include "db/embedded_server.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using lockstep::db::EmbeddedServer;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Runs a command with its stdout in `log`; returns its exit code.
int Run(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(log.c_str(), "w", stdout)) _exit(126);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string Last(const fs::path& log, const std::string& containing) {
  std::ifstream in(log);
  std::string line, found;
  while (std::getline(in, line)) {
    if (line.find(containing) != std::string::npos) found = line;
  }
  return found;
}

// WRITERS clients, each updating one random row per request, as fast as they can; the longest
// request between Mark() and Stop() is the stall the application felt.
class Writers {
 public:
  Writers(const EmbeddedServer& server, const std::string& db, int clients, int64_t rows) {
    for (int i = 0; i < clients; ++i) {
      threads_.emplace_back([this, &server, db, rows, i] {
        lockstep::db::DbResult<lockstep::db::Connection> c =
            lockstep::db::Connect(server.socket_conninfo(db));
        if (!c.ok()) {
          failed_ = true;
          return;
        }
        std::mt19937_64 random(1234 + i);
        std::uniform_int_distribution<int64_t> id(1, rows);
        while (!stop_) {
          const Clock::time_point t = Clock::now();
          const bool ok =
              c->Exec("UPDATE \"Member\" SET \"points\" = \"points\" + 1 WHERE \"id\" = " +
                      std::to_string(id(random)))
                  .ok();
          const double took = Since(t);
          if (!ok) failed_ = true;
          if (marked_) {
            ++requests_;
            double seen = longest_.load();
            while (took > seen && !longest_.compare_exchange_weak(seen, took)) {
            }
          }
        }
      });
    }
  }
  ~Writers() { Stop(); }
  void Mark() { marked_ = true; }
  void Stop() {
    stop_ = true;
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  double longest_ms() const { return longest_ * 1000; }
  int64_t requests() const { return requests_; }
  bool failed() const { return failed_; }

 private:
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false}, marked_{false}, failed_{false};
  std::atomic<double> longest_{0};
  std::atomic<int64_t> requests_{0};
};

}  // namespace

int main() {
  const int64_t rows =
      std::getenv("BACKFILL_ROWS") ? std::atoll(std::getenv("BACKFILL_ROWS")) : 1000000;
  const int writers = std::getenv("WRITERS") ? std::max(1, std::atoi(std::getenv("WRITERS"))) : 4;
  const std::string batch_time = std::getenv("BATCH_TIME") ? std::getenv("BATCH_TIME") : "100ms";
  std::string lockstep = std::getenv("LOCKSTEP_BIN") ? std::getenv("LOCKSTEP_BIN") : "";
  if (lockstep.empty())
    lockstep = (fs::canonical("/proc/self/exe").parent_path().parent_path() / "lockstep").string();
  if (!fs::exists(lockstep)) {
    std::fprintf(stderr, "bench_backfill: %s not built\n", lockstep.c_str());
    return 1;
  }
  const std::vector<int> majors = lockstep::db::AvailableMajors();
  if (majors.empty()) {
    std::fprintf(stderr,
                 "bench_backfill: no PostgreSQL installed (scripts/install-embedded-postgres)\n");
    return 1;
  }
  const int major =
      std::find(majors.begin(), majors.end(), 16) != majors.end() ? 16 : majors.back();
  auto started = EmbeddedServer::Start(major);
  if (!started.ok()) {
    std::fprintf(stderr, "bench_backfill: %s\n", started.status().ToString().c_str());
    return 1;
  }
  EmbeddedServer& server = **started;

  const fs::path dir =
      fs::temp_directory_path() / ("lockstep-bench-backfill-" + std::to_string(getpid()));
  const fs::path migrations = dir / "migrations";
  fs::create_directories(migrations / "0_init");
  std::ofstream(migrations / "0_init" / "migration.sql")
      << "CREATE TABLE \"Member\" (\"id\" INTEGER PRIMARY KEY, \"name\" TEXT NOT NULL, "
         "\"points\" INTEGER NOT NULL DEFAULT 0, \"n\" INTEGER NOT NULL DEFAULT 0);\n"
         "INSERT INTO \"Member\" (\"id\", \"name\") SELECT i, 'member ' || i FROM "
         "generate_series(1, "
      << rows << ") i;\n";
  const std::string update = "UPDATE \"Member\" SET \"name\" = upper(\"name\"), \"n\" = \"n\" + 1";
  auto fail = [&](const std::string& what) {
    std::fprintf(stderr, "bench_backfill: %s\n", what.c_str());
    fs::remove_all(dir);
    return 1;
  };

  // One loaded, vacuumed, analyzed table; each measurement gets a copy of it.
  const Clock::time_point load_start = Clock::now();
  if (!server.CreateDatabase("loaded").ok()) return fail("cannot create a database");
  if (Run({lockstep, "deploy", migrations.string(), "--database", server.url("loaded")},
          dir / "load.log") != 0)
    return fail("loading the table failed (" + (dir / "load.log").string() + ")");
  {
    auto c = lockstep::db::Connect(server.socket_conninfo("loaded"));
    if (!c.ok() || !c->Exec("VACUUM ANALYZE \"Member\"").ok()) return fail("VACUUM failed");
  }
  const double load_s = Since(load_start);
  fs::create_directories(migrations / "1_backfill");
  std::ofstream(migrations / "1_backfill" / "migration.sql") << update << ";\n";

  auto copy = [&](const std::string& name) { return server.CreateDatabase(name, "loaded").ok(); };
  auto plain = [&](const std::string& db, double& secs) {
    auto c = lockstep::db::Connect(server.socket_conninfo(db));
    if (!c.ok()) return false;
    const Clock::time_point t = Clock::now();
    const bool ok = c->Exec(update).ok();
    secs = Since(t);
    return ok;
  };
  auto batched = [&](const std::string& db, double& secs, const std::string& log) {
    const Clock::time_point t = Clock::now();
    const int rc = Run({lockstep, "deploy", migrations.string(), "--database", server.url(db),
                        "--backfill-batch-time", batch_time},
                       dir / log);
    secs = Since(t);
    return rc == 0;
  };
  auto updated_once = [&](const std::string& db) {
    auto c = lockstep::db::Connect(server.socket_conninfo(db));
    if (!c.ok()) return false;
    auto r = c->Exec("SELECT count(*)::text FROM \"Member\" WHERE \"n\" = 1");
    return r.ok() && !r->empty() &&
           r->rows[0][0] == std::optional<std::string>(std::to_string(rows));
  };

  // 1. Idle table.
  double plain_idle = 0, batched_idle = 0;
  if (!copy("idle_plain") || !plain("idle_plain", plain_idle)) return fail("plain UPDATE failed");
  if (!copy("idle_batched") || !batched("idle_batched", batched_idle, "idle.log"))
    return fail("batched backfill failed (" + (dir / "idle.log").string() + ")");
  if (!updated_once("idle_plain") || !updated_once("idle_batched"))
    return fail("a row was not updated exactly once");

  // 2. With the writers: baseline (no migration, as long as the plain UPDATE took), plain, batched.
  double baseline_ms = 0, plain_ms = 0, batched_ms = 0, plain_busy = 0, batched_busy = 0;
  int64_t baseline_requests = 0, plain_requests = 0, batched_requests = 0;
  {
    if (!copy("busy_baseline")) return fail("cannot copy");
    Writers w(server, "busy_baseline", writers, rows);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    w.Mark();
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(plain_idle * 1000)));
    w.Stop();
    if (w.failed()) return fail("a writer failed (baseline)");
    baseline_ms = w.longest_ms();
    baseline_requests = w.requests();
  }
  {
    if (!copy("busy_plain")) return fail("cannot copy");
    Writers w(server, "busy_plain", writers, rows);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    w.Mark();
    if (!plain("busy_plain", plain_busy)) return fail("plain UPDATE failed under load");
    w.Stop();
    if (w.failed()) return fail("a writer failed (plain)");
    plain_ms = w.longest_ms();
    plain_requests = w.requests();
  }
  {
    if (!copy("busy_batched")) return fail("cannot copy");
    Writers w(server, "busy_batched", writers, rows);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    w.Mark();
    if (!batched("busy_batched", batched_busy, "busy.log"))
      return fail("batched backfill failed under load (" + (dir / "busy.log").string() + ")");
    w.Stop();
    if (w.failed()) return fail("a writer failed (batched)");
    batched_ms = w.longest_ms();
    batched_requests = w.requests();
  }
  if (!updated_once("busy_plain") || !updated_once("busy_batched"))
    return fail("a row was not updated exactly once under load");

  const std::string summary = Last(dir / "idle.log", "rows updated in");
  std::printf("backfill of %lld rows (%s), PostgreSQL %d, table loaded in %.1f s\n",
              static_cast<long long>(rows), update.c_str(), major, load_s);
  std::printf("  idle table:\n");
  std::printf("    one plain UPDATE (as prisma migrate deploy)    %7.2f s  %9.0f rows/s\n",
              plain_idle, rows / plain_idle);
  std::printf("    lockstep deploy, batched (%s batches)      %7.2f s  %9.0f rows/s\n",
              batch_time.c_str(), batched_idle, rows / batched_idle);
  std::printf("    %s\n", summary.c_str());
  std::printf("    throughput batched / plain: %.2f (target >= 0.50)\n", plain_idle / batched_idle);
  std::printf("  with %d writers updating random rows (longest request):\n", writers);
  std::printf("    no migration (%.1f s)                 %9.1f ms  (%lld requests)\n", plain_idle,
              baseline_ms, static_cast<long long>(baseline_requests));
  std::printf("    during the plain UPDATE (%.2f s)      %9.1f ms  (%lld requests)\n", plain_busy,
              plain_ms, static_cast<long long>(plain_requests));
  std::printf("    during the batched backfill (%.2f s)  %9.1f ms  (%lld requests)\n", batched_busy,
              batched_ms, static_cast<long long>(batched_requests));
  std::printf("    longest stall plain / batched: %.1fx\n", plain_ms / std::max(batched_ms, 0.001));
  fs::remove_all(dir);
  return 0;
}
