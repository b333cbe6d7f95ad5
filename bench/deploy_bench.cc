// bench_deploy: `lockstep deploy` of 1,000 small migrations against sending the same files with
// psql, one psql per file (the per-migration overhead of a script-based deployer), in the same
// run, on a throwaway PostgreSQL. Prints both times, per-migration costs and the ratio. Also the
// server's own floor: every file in one psql session, each in a transaction of its own with a
// one-row bookkeeping INSERT, so lockstep's overhead is the difference (the floor moves with the
// machine: the psql ratio alone cannot tell a slower lockstep from a slower server).
//   bench_deploy [MIGRATIONS]   (default 1000; env LOCKSTEP_BIN overrides the lockstep binary)
// Not a Google Benchmark: each side is one long, external run, timed once (best of RUNS, env).
// lockstep's own CPU time (user + system, from the kernel's accounting of the child) is printed
// too: unlike the wall times, which wait on the server's disk, it hardly moves with the machine.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "db/embedded_server.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; }

// Runs `args`, its stdout discarded; `cpu_s`, when given, gets the child's user + system time.
int Run(const std::vector<std::string>& args, double* cpu_s = nullptr) {
  std::vector<char*> argv;
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    freopen("/dev/null", "w", stdout);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  if (cpu_s) *cpu_s = Seconds(usage.ru_utime) + Seconds(usage.ru_stime);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string Psql() {
  for (const char* p :
       {"/usr/bin/psql", "/usr/lib/postgresql/16/bin/psql", "/usr/lib/postgresql/15/bin/psql"}) {
    if (fs::exists(p)) return p;
  }
  return "psql";
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int runs = std::getenv("RUNS") ? std::max(1, std::atoi(std::getenv("RUNS"))) : 1;
  std::string lockstep = std::getenv("LOCKSTEP_BIN") ? std::getenv("LOCKSTEP_BIN") : "";
  if (lockstep.empty()) {
    lockstep = (fs::canonical("/proc/self/exe").parent_path().parent_path() / "lockstep").string();
  }
  if (!fs::exists(lockstep)) {
    std::fprintf(stderr, "bench_deploy: %s not built\n", lockstep.c_str());
    return 1;
  }
  const std::vector<int> majors = lockstep::db::AvailableMajors();
  if (majors.empty()) {
    std::fprintf(stderr,
                 "bench_deploy: no PostgreSQL installed (scripts/install-embedded-postgres)\n");
    return 1;
  }
  const int major =
      std::find(majors.begin(), majors.end(), 16) != majors.end() ? 16 : majors.back();
  auto server = lockstep::db::EmbeddedServer::Start(major);
  if (!server.ok()) {
    std::fprintf(stderr, "bench_deploy: %s\n", server.status().ToString().c_str());
    return 1;
  }

  const fs::path dir =
      fs::temp_directory_path() / ("lockstep-bench-deploy-" + std::to_string(getpid()));
  fs::create_directories(dir);
  for (int i = 1; i <= n; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "2026010100%04d_table_%d", i, i);
    fs::create_directories(dir / name);
    std::ofstream(dir / name / "migration.sql")
        << "-- CreateTable\nCREATE TABLE \"T" << i << "\" (\n    \"id\" TEXT NOT NULL,\n"
        << "    \"name\" TEXT NOT NULL,\n    CONSTRAINT \"T" << i
        << "_pkey\" PRIMARY KEY (\"id\")\n);\n\n"
        << "-- CreateIndex\nCREATE INDEX \"T" << i << "_name_idx\" ON \"T" << i
        << "\"(\"name\");\n";
  }

  const std::string psql = Psql();
  double best_lockstep = 1e30, best_psql = 1e30, best_floor = 1e30, best_cpu = 1e30;
  for (int run = 0; run < runs; ++run) {
    const std::string a = "bench_lockstep_" + std::to_string(run);
    const std::string b = "bench_psql_" + std::to_string(run);
    if (!(*server)->CreateDatabase(a).ok() || !(*server)->CreateDatabase(b).ok()) return 1;

    auto t0 = Clock::now();
    double cpu_s = 0;
    const int rc = Run({lockstep, "deploy", dir.string(), "--database", (*server)->url(a)}, &cpu_s);
    const double lockstep_s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (rc != 0) {
      std::fprintf(stderr, "bench_deploy: lockstep deploy exited %d\n", rc);
      return 1;
    }
    const std::string url_b = (*server)->url(b);
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path() / "migration.sql");
    std::sort(files.begin(), files.end());
    setenv("PGPASSWORD", (*server)->password().c_str(), 1);
    t0 = Clock::now();
    for (const fs::path& f : files) {
      if (Run({psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url_b, "-f", f.string()}) != 0) {
        std::fprintf(stderr, "bench_deploy: psql failed on %s\n", f.string().c_str());
        return 1;
      }
    }
    const double psql_s = std::chrono::duration<double>(Clock::now() - t0).count();

    // The floor: one session, the same transactions, no process or connection per file.
    const std::string c = "bench_floor_" + std::to_string(run);
    if (!(*server)->CreateDatabase(c).ok()) return 1;
    const fs::path all = dir.parent_path() / (dir.filename().string() + ".all.sql");
    {
      std::ofstream out(all);
      out << "CREATE TABLE applied (name text);\n";
      for (const fs::path& f : files) {
        std::ifstream in(f);
        out << "BEGIN;\n"
            << in.rdbuf() << "\nINSERT INTO applied VALUES ('"
            << f.parent_path().filename().string() << "');\nCOMMIT;\n";
      }
    }
    t0 = Clock::now();
    if (Run({psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", (*server)->url(c), "-f",
             all.string()}) != 0) {
      std::fprintf(stderr, "bench_deploy: psql failed on %s\n", all.string().c_str());
      return 1;
    }
    const double floor_s = std::chrono::duration<double>(Clock::now() - t0).count();
    fs::remove(all);

    best_lockstep = std::min(best_lockstep, lockstep_s);
    best_cpu = std::min(best_cpu, cpu_s);
    best_psql = std::min(best_psql, psql_s);
    best_floor = std::min(best_floor, floor_s);
    (*server)->DropDatabase(a);
    (*server)->DropDatabase(b);
    (*server)->DropDatabase(c);
  }
  fs::remove_all(dir);
  std::printf(
      "deploy of %d small migrations (CREATE TABLE + CREATE INDEX each), PostgreSQL %d, best of "
      "%d\n",
      n, major, runs);
  std::printf(
      "  lockstep deploy (one process; parse, lock_timeout, a transaction and a\n"
      "  _prisma_migrations row per migration): %8.2f s  %6.2f ms/migration\n",
      best_lockstep, best_lockstep * 1000 / n);
  std::printf("  of which lockstep's own CPU (user + system):  %8.2f s  %6.2f ms/migration\n",
              best_cpu, best_cpu * 1000 / n);
  std::printf(
      "  psql -f, one per file (no bookkeeping, no timeouts):   %8.2f s  %6.2f ms/migration\n",
      best_psql, best_psql * 1000 / n);
  std::printf(
      "  one psql session, a transaction per file (the server's own work):\n"
      "                                             %8.2f s  %6.2f ms/migration\n",
      best_floor, best_floor * 1000 / n);
  std::printf("  ratio psql / lockstep: %.1fx\n", best_psql / best_lockstep);
  std::printf("  lockstep over the floor: %.2fx (%.2f ms/migration of lockstep's own)\n",
              best_lockstep / best_floor, (best_lockstep - best_floor) * 1000 / n);
  return 0;
}
