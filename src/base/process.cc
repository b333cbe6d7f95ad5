#include "base/process.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace lockstep {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

// The child's "KEY=value" strings, built before fork (no allocation may happen after it).
std::vector<std::string> ChildEnvironment(const ProcessOptions& options) {
  std::vector<std::string> env;
  if (!options.clear_environment)
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
  for (const auto& [key, value] : options.environment) {
    const std::string prefix = key + "=";
    std::erase_if(env, [&](const std::string& kv) { return kv.rfind(prefix, 0) == 0; });
    if (!value.empty()) env.push_back(prefix + value);
  }
  return env;
}

// What went wrong in the child before exec, sent back over a close-on-exec pipe.
struct Failure {
  int stage = 0;
  int err = 0;
};
constexpr const char* kStages[] = {"redirecting input and output", "switching user",
                                   "setting the parent-death signal", "exec"};

[[noreturn]] void ChildFail(int report_fd, int stage) {
  const Failure f{stage, errno};
  (void)!::write(report_fd, &f, sizeof f);
  ::_exit(127);
}

// Runs in the forked child: only async-signal-safe calls.
[[noreturn]] void ExecChild(char* const* argv, char* const* envp, const ProcessOptions& o,
                            int devnull, int report_fd, pid_t parent) {
  if (o.new_process_group) ::setpgid(0, 0);
  if ((o.null_stdin && ::dup2(devnull, 0) < 0) ||
      (o.stdout_fd >= 0 && ::dup2(o.stdout_fd, 1) < 0) ||
      (o.stderr_fd >= 0 && ::dup2(o.stderr_fd, 2) < 0))
    ChildFail(report_fd, 0);
#ifdef SYS_close_range
  if (report_fd > 3) ::syscall(SYS_close_range, 3u, static_cast<unsigned>(report_fd - 1), 0u);
  ::syscall(SYS_close_range, static_cast<unsigned>(report_fd + 1), ~0u, 0u);
#endif
  if (o.user) {
    if (::setgroups(1, &o.user->gid) != 0 || ::setgid(o.user->gid) != 0) ChildFail(report_fd, 1);
    if (::setuid(o.user->uid) != 0) ChildFail(report_fd, 1);
  }
  if (o.death_signal != 0) {
    // After setuid, which clears the parent-death signal.
    if (::prctl(PR_SET_PDEATHSIG, o.death_signal) != 0) ChildFail(report_fd, 2);
    if (::getppid() != parent) ::_exit(127);
  }
  if (o.search_path)
    ::execvpe(argv[0], argv, envp);
  else
    ::execve(argv[0], argv, envp);
  ChildFail(report_fd, 3);
}

ExitStatus FromWaitStatus(int status) {
  ExitStatus e;
  if (WIFSIGNALED(status)) {
    e.signal = WTERMSIG(status);
    e.code = 128 + e.signal;
  } else {
    e.code = WEXITSTATUS(status);
  }
  return e;
}

}  // namespace

std::string ExitStatus::ToString() const {
  return signal != 0 ? "killed by signal " + std::to_string(signal)
                     : "exit status " + std::to_string(code);
}

Result<pid_t> StartProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) return Status::Error("cannot start a process without a program");
  std::vector<std::string> env = ChildEnvironment(options);
  std::vector<char*> args, envp;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int report[2];
  if (devnull < 0 || ::pipe2(report, O_CLOEXEC) != 0) {
    const int err = errno;
    if (devnull >= 0) ::close(devnull);
    return Status::Error("cannot start " + argv[0] + ": " + ErrnoText(err));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(devnull);
    ::close(report[0]);
    ::close(report[1]);
    return Status::Error("cannot start " + argv[0] + ": fork: " + ErrnoText(err));
  }
  if (pid == 0) ExecChild(args.data(), envp.data(), options, devnull, report[1], parent);
  ::close(devnull);
  ::close(report[1]);
  Failure failure;
  ssize_t n;
  do {
    n = ::read(report[0], &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  ::close(report[0]);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    WaitProcess(pid, std::nullopt);
    return Status::Error("cannot start " + argv[0] + ": " + kStages[failure.stage] + ": " +
                         ErrnoText(failure.err));
  }
  return pid;
}

std::optional<ExitStatus> WaitProcess(pid_t pid, std::optional<std::chrono::milliseconds> timeout) {
  const auto started = std::chrono::steady_clock::now();
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, timeout ? WNOHANG : 0);
    if (r == pid) return FromWaitStatus(status);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return ExitStatus{};  // ECHILD: reaped already, or never ours
    if (std::chrono::steady_clock::now() - started >= *timeout) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

Result<RunResult> RunProcess(const std::vector<std::string>& argv, const RunOptions& options) {
  if (argv.empty()) return Status::Error("cannot start a process without a program");
  ProcessOptions start = options.process;
  int out[2] = {-1, -1};
  if (options.capture_stdout) {
    if (start.stdout_fd >= 0)
      return Status::Error("cannot start " + argv[0] + ": stdout both captured and redirected");
    if (::pipe2(out, O_CLOEXEC) != 0) {
      const int err = errno;
      return Status::Error("cannot start " + argv[0] + ": " + ErrnoText(err));
    }
    start.stdout_fd = out[1];
  }
  const auto started = std::chrono::steady_clock::now();
  Result<pid_t> pid = StartProcess(argv, start);
  if (out[1] >= 0) ::close(out[1]);
  if (!pid.ok()) {
    if (out[0] >= 0) ::close(out[0]);
    return pid.status();
  }
  RunResult result;
  // Poll in small steps only when there is a deadline to watch; otherwise block.
  const std::optional<std::chrono::milliseconds> step =
      options.timeout ? std::optional(std::chrono::milliseconds(5)) : std::nullopt;
  bool eof = out[0] < 0;
  bool terminated = false;
  std::optional<ExitStatus> exit;
  for (;;) {
    if (!eof) {
      pollfd p{out[0], POLLIN, 0};
      if (::poll(&p, 1, step ? static_cast<int>(step->count()) : -1) > 0) {
        char buf[65536];
        const ssize_t n = ::read(out[0], buf, sizeof buf);
        if (n > 0)
          result.stdout_text.append(buf, static_cast<size_t>(n));
        else if (n == 0 || errno != EINTR)
          eof = true;
      }
    }
    if (eof && (exit = WaitProcess(*pid, step))) break;
    if (!options.timeout) continue;
    const auto elapsed = std::chrono::steady_clock::now() - started;
    if (!terminated && elapsed > *options.timeout) {
      result.timed_out = true;
      ::kill(*pid, SIGTERM);
      terminated = true;
    } else if (terminated && elapsed > *options.timeout + options.kill_grace) {
      ::kill(*pid, SIGKILL);
      exit = WaitProcess(*pid, std::nullopt);
      break;
    }
  }
  if (out[0] >= 0) ::close(out[0]);
  result.exit = *exit;
  result.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace lockstep
