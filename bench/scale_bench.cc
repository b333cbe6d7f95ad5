// bench_scale: is every command linear in the number of statements? One migration file of N
// statements (after a small history that creates the tables), N doubling from 10k, in shapes
// that once made lint quadratic: many statements on ONE table (repeated CREATE INDEX; ADD
// COLUMN alternating with CREATE INDEX; SET DEFAULT) and on 50 tables. Prints, per shape and N,
// the wall time and peak memory of `lockstep lint`, `lockstep plan` and (for the shapes a real
// server accepts) `lockstep deploy` against a throwaway PostgreSQL; then the growth per doubling
// (about 2.0 when linear, 4.0 when quadratic), lint/plan time and memory, and peak memory
// against the file's size.
//   bench_scale            env: SIZES="10000 20000 40000 80000 160000"
//                               DEPLOY_SIZES="10000 20000 40000"  LOCKSTEP_BIN=<binary>
// Not a Google Benchmark: each figure is one external process, timed once.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "db/embedded_server.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Measured {
  int exit_code = 0;
  double seconds = 0;
  double peak_mb = 0;
};

// Runs argv with stdout and stderr to /dev/null; its wall time and peak RSS (wait4's rusage).
Measured Run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The child would otherwise inherit (and print again) what this process has buffered.
  std::fflush(stdout);
  const auto t0 = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  Measured m;
  m.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  m.peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  m.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return m;
}

struct Shape {
  std::string name;
  std::string history;                        // the first migration: creates the tables
  std::function<std::string(int)> statement;  // the i-th statement of the measured file
  bool deploy = false;                        // a real server accepts N of them in one transaction
};

std::vector<Shape> Shapes() {
  std::string fifty;
  for (int t = 0; t < 50; ++t)
    fifty += "CREATE TABLE \"T" + std::to_string(t) + "\" (\"id\" int, \"a\" int);\n";
  const std::string one = "CREATE TABLE \"T\" (\"id\" int, \"a\" int);\n";
  return {
      {"one table: CREATE INDEX", one,
       [](int i) { return "CREATE INDEX \"i" + std::to_string(i) + "\" ON \"T\" (\"a\");\n"; }},
      {"one table: ADD COLUMN + CREATE INDEX", one,
       [](int i) {
         const std::string c = std::to_string(i / 2);
         return i % 2 == 0 ? "ALTER TABLE \"T\" ADD COLUMN \"c" + c + "\" int;\n"
                           : "CREATE INDEX \"i" + c + "\" ON \"T\" (\"c" + c + "\");\n";
       }},
      {"one table: SET DEFAULT", one,
       [](int i) {
         return "ALTER TABLE \"T\" ALTER COLUMN \"a\" SET DEFAULT " + std::to_string(i) + ";\n";
       },
       true},
      {"50 tables: ADD COLUMN", fifty,
       [](int i) {
         return "ALTER TABLE \"T" + std::to_string(i % 50) + "\" ADD COLUMN \"c" +
                std::to_string(i) + "\" int;\n";
       }},
      {"50 tables: SET DEFAULT", fifty,
       [](int i) {
         return "ALTER TABLE \"T" + std::to_string(i % 50) + "\" ALTER COLUMN \"a\" SET DEFAULT " +
                std::to_string(i) + ";\n";
       },
       true},
  };
}

std::vector<int> Sizes(const char* env, const char* fallback) {
  std::istringstream in(std::getenv(env) ? std::getenv(env) : fallback);
  std::vector<int> out;
  for (int n; in >> n;) out.push_back(n);
  return out;
}

// A Prisma project with the history and the N-statement migration; returns the file's size.
size_t Write(const fs::path& root, const Shape& shape, int n) {
  fs::remove_all(root);
  const fs::path m = root / "prisma" / "migrations";
  fs::create_directories(m / "20260101000000_init");
  fs::create_directories(m / "20260101000001_many");
  std::ofstream(m / "migration_lock.toml") << "provider = \"postgresql\"\n";
  std::ofstream(m / "20260101000000_init" / "migration.sql") << shape.history;
  std::ofstream f(m / "20260101000001_many" / "migration.sql");
  size_t bytes = 0;
  for (int i = 0; i < n; ++i) {
    const std::string s = shape.statement(i);
    bytes += s.size();
    f << s;
  }
  return bytes;
}

void Growth(const char* what, const std::vector<int>& sizes, const std::vector<double>& v) {
  std::printf("    %-8s time per doubling:", what);
  for (size_t i = 1; i < v.size(); ++i)
    std::printf(" %.2f", v[i - 1] > 0 ? v[i] / v[i - 1] * sizes[i - 1] * 2 / sizes[i] : 0.0);
  std::printf("\n");
}

}  // namespace

int main() {
  std::string lockstep = std::getenv("LOCKSTEP_BIN") ? std::getenv("LOCKSTEP_BIN") : "";
  if (lockstep.empty())
    lockstep = (fs::canonical("/proc/self/exe").parent_path().parent_path() / "lockstep").string();
  if (!fs::exists(lockstep)) {
    std::fprintf(stderr, "bench_scale: %s not built\n", lockstep.c_str());
    return 1;
  }
  const std::vector<int> sizes = Sizes("SIZES", "10000 20000 40000 80000 160000");
  const std::vector<int> deploy_sizes = Sizes("DEPLOY_SIZES", "10000 20000 40000");

  std::unique_ptr<lockstep::db::EmbeddedServer> server;
  if (!deploy_sizes.empty()) {
    const std::vector<int> majors = lockstep::db::AvailableMajors();
    if (majors.empty()) {
      std::fprintf(stderr,
                   "bench_scale: no PostgreSQL installed (scripts/install-embedded-postgres)\n");
      return 1;
    }
    auto started = lockstep::db::EmbeddedServer::Start(
        std::find(majors.begin(), majors.end(), 16) != majors.end() ? 16 : majors.back());
    if (!started.ok()) {
      std::fprintf(stderr, "bench_scale: %s\n", started.status().ToString().c_str());
      return 1;
    }
    server = std::move(*started);
    // The server's URL reaches deploy through its environment, never its command line.
    setenv("DATABASE_URL", server->url("postgres").c_str(), 1);
  }

  const fs::path root =
      fs::temp_directory_path() / ("lockstep-bench-scale-" + std::to_string(getpid()));
  int failures = 0;
  int db = 0;
  for (const Shape& shape : Shapes()) {
    std::printf("%s\n", shape.name.c_str());
    std::printf("  %8s %9s | %-19s | %-19s | %-19s | lint/plan time, mem | peak/input (max)\n",
                "stmts", "input", "lint", "plan", "deploy");
    std::map<std::string, std::vector<double>> times;
    for (int n : sizes) {
      const size_t bytes = Write(root, shape, n);
      const std::string dir = (root / "prisma" / "migrations").string();
      const Measured lint = Run({lockstep, "lint", dir, "--format", "gcc"});
      const Measured plan = Run({lockstep, "plan", dir});
      Measured deploy{-1, 0, 0};
      const bool deploy_this =
          server && shape.deploy &&
          std::find(deploy_sizes.begin(), deploy_sizes.end(), n) != deploy_sizes.end();
      if (deploy_this) {
        const std::string name = "scale_" + std::to_string(db++);
        if (!server->CreateDatabase(name).ok()) return 1;
        setenv("DATABASE_URL", server->url(name).c_str(), 1);
        deploy = Run({lockstep, "deploy", dir});
        server->DropDatabase(name);
        if (deploy.exit_code != 0) {
          std::fprintf(stderr, "bench_scale: deploy exited %d\n", deploy.exit_code);
          ++failures;
        }
      }
      // lint exits 1 when it finds errors; 2 and above are failures.
      if (lint.exit_code > 1 || plan.exit_code != 0) {
        std::fprintf(stderr, "bench_scale: lint exited %d, plan %d\n", lint.exit_code,
                     plan.exit_code);
        ++failures;
      }
      const double mb = static_cast<double>(bytes) / (1024.0 * 1024.0);
      const double worst = std::max({lint.peak_mb, plan.peak_mb, deploy.peak_mb});
      char d[32] = "-";
      if (deploy_this)
        std::snprintf(d, sizeof d, "%7.2fs %7.1f MB", deploy.seconds, deploy.peak_mb);
      std::printf(
          "  %8d %6.2f MB | %7.2fs %7.1f MB | %7.2fs %7.1f MB | %-19s | %5.2fx %5.2fx     | "
          "%5.1fx\n",
          n, mb, lint.seconds, lint.peak_mb, plan.seconds, plan.peak_mb, d,
          lint.seconds / std::max(plan.seconds, 1e-3), lint.peak_mb / std::max(plan.peak_mb, 1e-3),
          worst / std::max(mb, 1e-6));
      times["lint"].push_back(lint.seconds);
      times["plan"].push_back(plan.seconds);
      if (deploy_this) times["deploy"].push_back(deploy.seconds);
    }
    Growth("lint", sizes, times["lint"]);
    Growth("plan", sizes, times["plan"]);
    if (!times["deploy"].empty()) Growth("deploy", deploy_sizes, times["deploy"]);
    std::printf("\n");
  }
  fs::remove_all(root);
  std::printf(
      "time per doubling: the time at 2N over the time at N, scaled to a doubling (2.0 = linear,\n"
      "4.0 = quadratic). peak/input: the largest peak RSS of the three commands over the file's "
      "size\n(at small N it is mostly the process's fixed cost, about 10-20 MB).\n");
  return failures == 0 ? 0 : 1;
}
