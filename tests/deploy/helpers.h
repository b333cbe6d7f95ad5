// Shared by the deploy tests: running the built CLI as a child process, a Prisma-equivalent
// deployer (what `prisma migrate deploy` does, per ../shared/docs/prisma-facts.md), schema
// dumps for comparing final states, and scratch migration directories.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/quote.h"
#include "db/connection.h"
#include "migrations/checksum.h"
#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR

extern char** environ;

namespace lockstep::deploy_test {

namespace fs = std::filesystem;

inline std::string SourceDir() {
  const char* env = std::getenv("LOCKSTEP_SOURCE_DIR");
  return env ? env : LOCKSTEP_SOURCE_DIR;
}
inline std::string SeedDir() { return SourceDir() + "/examples/community/prisma/migrations"; }

inline std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFile(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// A temporary directory removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "lockstep-deploy-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Copies the migration folders `names` of `from` (all when empty) into `to`.
inline void CopyMigrations(const fs::path& from, const fs::path& to,
                           const std::vector<std::string>& names = {}) {
  fs::create_directories(to);
  for (const auto& e : fs::directory_iterator(from)) {
    const std::string n = e.path().filename().string();
    if (!names.empty() && std::find(names.begin(), names.end(), n) == names.end()) continue;
    fs::copy(e.path(), to / n, fs::copy_options::recursive);
  }
}

// Sorted migration folder names of a directory.
inline std::vector<std::string> MigrationNames(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_directory() && fs::exists(e.path() / "migration.sql"))
      out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct RunResult {
  int exit_code = -1;  // when exited normally
  int signal = 0;      // when killed by a signal
  std::string out;
  std::string err;
  std::string all() const { return out + err; }
};

// A child process running the lockstep binary, stdout/stderr into files.
class Child {
 public:
  Child(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {},
        const std::string& cwd = {}) {
    char out_tmpl[] = "/tmp/lockstep-child-out-XXXXXX";
    char err_tmpl[] = "/tmp/lockstep-child-err-XXXXXX";
    out_fd_ = mkstemp(out_tmpl);
    err_fd_ = mkstemp(err_tmpl);
    out_path_ = out_tmpl;
    err_path_ = err_tmpl;
    std::vector<std::string> argv_s = {LOCKSTEP_BIN};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::map<std::string, std::string> merged;
    for (char** e = environ; *e; ++e) {
      std::string kv = *e;
      const size_t eq = kv.find('=');
      if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    merged.erase("DATABASE_URL");
    merged.erase("LOCKSTEP_TEST_KILL_AT");
    merged.erase("PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK");
    for (const auto& [k, v] : env) merged[k] = v;
    std::vector<std::string> env_s;
    for (const auto& [k, v] : merged) env_s.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (std::string& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out_fd_, 1);
      dup2(err_fd_, 2);
      int devnull = open("/dev/null", O_RDONLY);
      dup2(devnull, 0);
      if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(127);
      execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(out_fd_);
    close(err_fd_);
    unlink(out_path_.c_str());
    unlink(err_path_.c_str());
  }
  pid_t pid() const { return pid_; }
  bool Running() {
    if (reaped_) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      Reaped(status);
      return false;
    }
    return true;
  }
  void Kill(int sig = SIGKILL) {
    if (!reaped_) kill(pid_, sig);
  }
  // Waits (at most `timeout`, then SIGKILLs it) and collects the output.
  RunResult Wait(std::chrono::seconds timeout = std::chrono::seconds(300)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (Running()) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        int status = 0;
        waitpid(pid_, &status, 0);
        Reaped(status);
        result_.err += "\n[test: killed after timeout]";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    result_.out = ReadFile(out_path_);
    result_.err += ReadFile(err_path_);
    return result_;
  }
  std::string OutputSoFar() const { return ReadFile(out_path_) + ReadFile(err_path_); }

 private:
  void Reaped(int status) {
    reaped_ = true;
    if (WIFEXITED(status)) result_.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result_.signal = WTERMSIG(status);
  }
  pid_t pid_ = -1;
  bool reaped_ = false;
  int out_fd_ = -1, err_fd_ = -1;
  std::string out_path_, err_path_;
  RunResult result_;
};

inline RunResult RunLockstep(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env = {},
                             const std::string& cwd = {}) {
  Child c(args, env, cwd);
  return c.Wait();
}

// One value of the first row, or "" (errors become "ERROR: ...").
inline std::string Scalar(db::Connection& conn, const std::string& sql) {
  db::DbResult<db::Rows> r = conn.Exec(sql);
  if (!r.ok()) return "ERROR: " + r.error().OneLine();
  if (r->empty() || r->rows[0].empty()) return "";
  return r->rows[0][0].value_or("NULL");
}

inline bool TableExists(db::Connection& conn, const std::string& qualified) {
  return Scalar(conn, "SELECT to_regclass('" + qualified + "') IS NOT NULL") == "t";
}

// How long a test waits for the other side (the deployer, a report, a standby) to reach a state
// before failing. A fixed sleep standing in for "it has got there by now" fails when a loaded CI
// machine is slower than the sleep; a wait on the state itself does not, and its bound only turns
// a state never reached into a failure instead of a hang.
inline constexpr std::chrono::seconds kStateTimeout{60};

// Polls `state`, a query giving one boolean, on `conn` until it is true: true then; false when
// kStateTimeout passes first, once `child` (when given) has exited, since an ended deployer will
// not bring the state about, or at once when the query fails (said on stderr). Polled every few
// ms: the states waited for can be brief (an attempt waiting 50 ms for its lock).
inline bool AwaitState(db::Connection& conn, const std::string& state, Child* child = nullptr) {
  const auto deadline = std::chrono::steady_clock::now() + kStateTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const bool running = child == nullptr || child->Running();
    const std::string value = Scalar(conn, state);
    if (value == "t") return true;
    if (value.rfind("ERROR: ", 0) == 0) {
      std::fprintf(stderr, "AwaitState: %s\n  in: %s\n", value.c_str(), state.c_str());
      return false;
    }
    if (!running) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// Polls `child`'s output (every line of a deploy is flushed as it is printed) until `text`
// occurs in it `times` times: true then; false when the child exits first or kStateTimeout
// passes. For states only the deployer knows, e.g. that an attempt timed out and was retried.
inline bool AwaitOutput(Child& child, const std::string& text, size_t times = 1) {
  const auto deadline = std::chrono::steady_clock::now() + kStateTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const bool running = child.Running();
    const std::string out = child.OutputSoFar();
    size_t n = 0;
    for (size_t at = out.find(text); at != std::string::npos; at = out.find(text, at + 1)) ++n;
    if (n >= times) return true;
    if (!running) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// States for AwaitState. `locktype` is pg_locks.locktype: 'relation' (a table's lock),
// 'virtualxid' (the end of another transaction, which concurrent builds wait for), 'advisory'.

// A lockstep deploy session of the current database waits for a lock of `locktype`.
inline std::string DeployerWaitsFor(const std::string& locktype) {
  return "SELECT count(*) > 0 FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE "
         "a.application_name = 'lockstep deploy' AND a.datname = current_database() AND NOT "
         "l.granted AND l.locktype = " +
         QuoteLiteral(locktype);
}

// No lockstep deploy session is connected to the current database any more (a killed deployer's
// backend ends once the server notices the closed socket).
inline std::string NoDeployerSession() {
  return "SELECT count(*) = 0 FROM pg_stat_activity WHERE application_name LIKE 'lockstep "
         "deploy%' AND datname = current_database()";
}

// The session of backend `pid` waits for a lock of `locktype`.
inline std::string SessionWaitsFor(int pid, const std::string& locktype) {
  return "SELECT count(*) > 0 FROM pg_locks WHERE pid = " + std::to_string(pid) +
         " AND NOT granted AND locktype = " + QuoteLiteral(locktype);
}

// What `prisma migrate deploy` does for one migration (prisma-facts.md; prisma-engines'
// apply_migrations): advisory lock, create the table, insert the row, send the whole file as ONE
// simple query, then applied_steps_count + 1 and finished_at; on failure, logs.
inline db::DbResult<bool> PrismaApply(db::Connection& conn, const std::string& name,
                                      const std::string& sql) {
  auto step = [&](const std::string& q) -> std::optional<db::DbError> {
    db::DbResult<db::Rows> r = conn.Exec(q);
    if (!r.ok()) return r.error();
    return std::nullopt;
  };
  if (auto e = step("SELECT pg_advisory_lock(72707369)")) return *e;
  if (auto e = step("CREATE TABLE IF NOT EXISTS \"_prisma_migrations\" (\n"
                    "    \"id\"                    VARCHAR(36) PRIMARY KEY NOT NULL,\n"
                    "    \"checksum\"              VARCHAR(64) NOT NULL,\n"
                    "    \"finished_at\"           TIMESTAMPTZ,\n"
                    "    \"migration_name\"        VARCHAR(255) NOT NULL,\n"
                    "    \"logs\"                  TEXT,\n"
                    "    \"rolled_back_at\"        TIMESTAMPTZ,\n"
                    "    \"started_at\"            TIMESTAMPTZ NOT NULL DEFAULT now(),\n"
                    "    \"applied_steps_count\"   INTEGER NOT NULL DEFAULT 0\n)"))
    return *e;
  db::DbResult<db::Rows> uuid = conn.Exec("SELECT gen_random_uuid()::text");
  if (!uuid.ok()) return uuid.error();
  const std::string row_id = uuid->rows[0][0].value_or("");
  db::DbResult<db::Rows> ins = conn.Exec(
      "INSERT INTO \"_prisma_migrations\" (id, checksum, started_at, migration_name) VALUES ($1, "
      "$2, now(), $3)",
      {row_id, migrations::Sha256Hex(sql), name});
  if (!ins.ok()) return ins.error();
  db::DbResult<db::Rows> run = conn.Exec(sql);
  if (!run.ok()) {
    conn.Exec("UPDATE \"_prisma_migrations\" SET logs = $1 WHERE id = $2",
              {run.error().OneLine(), row_id});
    conn.Exec("SELECT pg_advisory_unlock(72707369)");
    return false;
  }
  if (auto e = step("UPDATE \"_prisma_migrations\" SET applied_steps_count = applied_steps_count "
                    "+ 1 WHERE id = '" +
                    row_id + "'"))
    return *e;
  if (auto e =
          step("UPDATE \"_prisma_migrations\" SET finished_at = now() WHERE id = '" + row_id + "'"))
    return *e;
  if (auto e = step("SELECT pg_advisory_unlock(72707369)")) return *e;
  return true;
}

// The schema as the catalog describes it (tables, columns, defaults, constraints with their
// validity, indexes with theirs, enums, sequences), one sorted line per object: equal for equal
// schemas, on every major, without pg_dump.
inline std::string CatalogDump(db::Connection& conn, const std::string& schema = "public") {
  const std::string q = QuoteLiteral(schema);
  db::DbResult<db::Rows> r = conn.Exec(
      "SELECT line FROM ("
      " SELECT 'relation ' || c.relname || ' kind=' || c.relkind AS line FROM pg_class c"
      "  WHERE c.relnamespace = " +
      q +
      "::regnamespace AND c.relkind IN ('r','p','v','m','S','f')"
      " UNION ALL SELECT 'column ' || c.relname || ' #' || a.attnum || ' ' || a.attname || ' ' ||"
      "  format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' "
      "END"
      "  || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')"
      "  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
      "  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
      "  WHERE c.relnamespace = " +
      q +
      "::regnamespace AND c.relkind IN ('r','p','v','m')"
      "  AND a.attnum > 0 AND NOT a.attisdropped"
      " UNION ALL SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' ||"
      "  pg_get_constraintdef(oid) || ' validated=' || convalidated FROM pg_constraint"
      "  WHERE connamespace = " +
      q +
      "::regnamespace"
      " UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid) || ' valid=' || i.indisvalid ||"
      "  ' ready=' || i.indisready FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
      "  WHERE c.relnamespace = " +
      q +
      "::regnamespace"
      " UNION ALL SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY"
      "  e.enumsortorder) FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid"
      "  WHERE t.typnamespace = " +
      q +
      "::regnamespace GROUP BY t.typname"
      ") x ORDER BY line");
  if (!r.ok()) return "ERROR: " + r.error().OneLine();
  std::string out;
  for (const auto& row : r->rows) out += row[0].value_or("NULL") + "\n";
  return out;
}

// pg_dump --schema-only of the matching major, when installed (Debian layout); nullopt otherwise.
// pg_dump's per-run \restrict keys and version comments are dropped so that dumps compare.
inline std::optional<std::string> PgDumpSchema(int major, const std::string& socket_dir, int port,
                                               const std::string& dbname) {
  const std::string bin = "/usr/lib/postgresql/" + std::to_string(major) + "/bin/pg_dump";
  if (!fs::exists(bin)) return std::nullopt;
  const std::string cmd = bin + " --schema-only --no-owner --no-privileges -h '" + socket_dir +
                          "' -p " + std::to_string(port) + " -U postgres -d '" + dbname + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return std::nullopt;
  std::string out, line;
  char buf[4096];
  while (fgets(buf, sizeof buf, p)) {
    line = buf;
    if (line.rfind("\\restrict", 0) == 0 || line.rfind("\\unrestrict", 0) == 0) continue;
    if (line.rfind("-- Dumped", 0) == 0) continue;
    out += line;
  }
  const int rc = pclose(p);
  if (rc != 0) return "pg_dump failed: " + out;
  return out;
}

}  // namespace lockstep::deploy_test
