#include "db/interrupt.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>
#include <utility>

#include "base/process_exit.h"
#include "db/connection.h"

namespace lockstep::db {
namespace {

// The handler only wakes the watcher thread: canceling needs locks and libpq, neither of which a
// signal handler may touch.
int g_wake[2] = {-1, -1};
std::atomic<int> g_signals{0};

void OnSignal(int sig) {
  if (g_signals.fetch_add(1) > 0) _exit(ProcessExitCode(StatusCode::kInterrupted));
  const unsigned char byte = static_cast<unsigned char>(sig);
  if (write(g_wake[1], &byte, 1) != 1) _exit(ProcessExitCode(StatusCode::kInterrupted));
}

}  // namespace

void CancelAndExitOnInterrupt(std::function<void(const Interruption&)> report) {
  static std::atomic<bool> installed{false};
  if (installed.exchange(true) || pipe(g_wake) != 0) return;
  std::thread([report = std::move(report)] {
    unsigned char byte = 0;
    while (read(g_wake[0], &byte, 1) != 1) {
    }
    Interruption i;
    i.signal_name = byte == SIGINT ? "SIGINT" : "SIGTERM";
    i.canceled = CancelAllAndFreeze();
    report(i);
    std::fflush(stdout);
    std::fflush(stderr);
    _exit(ProcessExitCode(StatusCode::kInterrupted));
  }).detach();
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace lockstep::db
