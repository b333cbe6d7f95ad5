#include "verify/migrate.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "deploy/ledger.h"
#include "deploy/options.h"
#include "migrations/checksum.h"

extern char** environ;

namespace lockstep::verify {

Status ApplyLikePrisma(db::Connection& conn, const std::vector<MigrationFile>& migrations) {
  if (auto r =
          conn.Exec("SELECT pg_advisory_lock(" + std::to_string(deploy::kAdvisoryLockKey) + ")");
      !r.ok())
    return r.status();
  Status result = Status::Ok();
  if (auto r = conn.Exec(deploy::CreateMigrationsTableSql(deploy::Tables{})); !r.ok())
    result = r.status();
  for (size_t i = 0; result.ok() && i < migrations.size(); ++i) {
    const MigrationFile& m = migrations[i];
    const std::string id = deploy::NewUuidV4();
    auto row = conn.Exec(
        "INSERT INTO \"_prisma_migrations\" (id, checksum, migration_name, started_at, "
        "applied_steps_count) VALUES ($1, $2, $3, now(), 0)",
        {id, migrations::PrismaChecksum(m.sql), m.name});
    if (!row.ok()) {
      result = row.status();
      break;
    }
    auto applied = conn.Exec(m.sql);
    if (!applied.ok()) {
      const std::string error = applied.error().OneLine();
      (void)conn.Exec("UPDATE \"_prisma_migrations\" SET logs = $2 WHERE id = $1", {id, error});
      result = Status::Error("migration " + m.name + " failed: " + error);
      break;
    }
    auto done = conn.Exec(
        "UPDATE \"_prisma_migrations\" SET finished_at = now(), applied_steps_count = 1 "
        "WHERE id = $1",
        {id});
    if (!done.ok()) result = done.status();
  }
  (void)conn.Exec("SELECT pg_advisory_unlock(" + std::to_string(deploy::kAdvisoryLockKey) + ")");
  return result;
}

Result<ChildResult> RunChild(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& env,
                             const std::filesystem::path& log, std::chrono::milliseconds timeout) {
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return Status::Error("cannot open " + log.string() + " for the child's output");
  // Everything the child needs is prepared before fork: only async-signal-safe calls after it.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    const std::string kv = *e;
    const std::string key = kv.substr(0, kv.find('='));
    if (!env.count(key)) env_strings.push_back(kv);
  }
  for (const auto& [k, v] : env)
    if (!v.empty()) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (std::string& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);
  const pid_t parent = ::getpid();

  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return Status::Error("cannot start " + argv[0]);
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::close(log_fd);
  ChildResult out;
  int status = 0;
  bool termed = false;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    const auto elapsed = std::chrono::steady_clock::now() - started;
    if (!termed && elapsed > timeout) {
      out.timed_out = true;
      ::kill(pid, SIGTERM);
      termed = true;
    } else if (termed && elapsed > timeout + std::chrono::seconds(2)) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  out.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return out;
}

}  // namespace lockstep::verify
