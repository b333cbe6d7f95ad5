// Child processes: the one place that forks and execs. `lockstep lint --since` runs git, the
// embedded server runs initdb and postgres, `lockstep verify` runs lockstep's own commands; they
// all start, wait for and stop children through these functions.
//
// Contract of every child started here:
// - no shell: argv is passed as is;
// - only descriptors 0, 1 and 2 are open in it (this process's sockets and pipes stay out);
// - a failure before the program runs (fork, redirecting, switching user, exec) is returned as an
//   error naming the stage, never as an exit status of the child;
// - only async-signal-safe calls happen between fork and exec, so any thread may start a child
//   while other threads run.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace lockstep {

struct ProcessOptions {
  // Look argv[0] up in PATH (as a shell does) when it has no '/'; otherwise argv[0] is a path.
  bool search_path = false;
  // The child's environment: this process's (an empty one with `clear_environment`), then each
  // pair of `environment` in order: KEY=value replaces KEY, an empty value removes it.
  bool clear_environment = false;
  std::vector<std::pair<std::string, std::string>> environment;
  // stdin reads /dev/null instead of this process's stdin.
  bool null_stdin = false;
  // Where stdout and stderr go: -1 keeps this process's; otherwise a descriptor that the caller
  // keeps owning (it may close it as soon as StartProcess returns).
  int stdout_fd = -1;
  int stderr_fd = -1;
  // The child leads a new process group (signals sent to this process's group miss it).
  bool new_process_group = false;
  // Run as this user (setgroups, setgid, then setuid); this process must be root.
  struct User {
    uid_t uid = 0;
    gid_t gid = 0;
  };
  std::optional<User> user;
  // Sent to the child when the *thread* that started it ends (PR_SET_PDEATHSIG); 0: nothing. A
  // child whose parent is already gone when it starts exits with 127 before exec.
  int death_signal = 0;
};

// How a child ended.
struct ExitStatus {
  int code = 0;    // its exit status, or 128 + the signal that ended it (as shells report it)
  int signal = 0;  // the signal that ended it; 0 when it exited
  // "exit status 3" or "killed by signal 9".
  std::string ToString() const;
};

// Starts argv (not empty) and returns the child's pid, which the caller must reap with
// WaitProcess. Returns once the program runs (exec succeeded) or failed to start.
Result<pid_t> StartProcess(const std::vector<std::string>& argv, const ProcessOptions& options);

// Waits for child `pid` to end, up to `timeout` (forever when nullopt): its exit status, or
// nullopt when it still runs after `timeout`. A pid that is no longer a child of this process
// (already reaped) counts as ended with code 0. Thread-safe for distinct pids.
std::optional<ExitStatus> WaitProcess(pid_t pid, std::optional<std::chrono::milliseconds> timeout);

struct RunOptions {
  ProcessOptions process;
  // Collect stdout into RunResult::stdout_text (then process.stdout_fd must be -1).
  bool capture_stdout = false;
  // After `timeout` the child gets SIGTERM, and SIGKILL `kill_grace` later. No limit when nullopt.
  std::optional<std::chrono::milliseconds> timeout;
  std::chrono::milliseconds kill_grace{2000};
};

struct RunResult {
  ExitStatus exit;
  bool timed_out = false;   // the timeout passed and the child was signalled
  double wall_ms = 0;       // from start to end
  std::string stdout_text;  // with RunOptions::capture_stdout
};

// Starts argv, waits for it to end (reading its stdout to EOF when capturing), and returns how
// it ended. Errors only when it could not be started.
Result<RunResult> RunProcess(const std::vector<std::string>& argv, const RunOptions& options);

}  // namespace lockstep
