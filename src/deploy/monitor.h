// Watching the deployer's statements from a second connection: who blocks them (for the message
// printed when a lock timeout is retried), index build progress (pg_stat_progress_create_index)
// and elapsed time of long statements.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "db/connection.h"
#include "deploy/options.h"
#include "deploy/output.h"
#include "deploy/plan.h"

namespace lockstep::deploy {

// A session holding a lock another one waits for (pg_blocking_pids + pg_stat_activity).
struct Blocker {
  int pid = 0;
  std::string state;        // "idle in transaction", "active", …
  std::string application;  // application_name
  std::string query;        // its current or last query, whitespace collapsed, cut short
  double seconds = 0;       // since its transaction (or query) started
  std::string lock;         // "AccessShareLock on \"Member\"" when known
};

// "pid 4242 (idle in transaction for 3.1s, psql): SELECT count(*) FROM "Member"", joined by "; ".
std::string FormatBlockers(const std::vector<Blocker>& blockers);

// Sessions holding granted locks on `relations` (names as the statement wrote them), other than
// the caller's own session: a fallback when a wait ended before the monitor saw it.
db::DbResult<std::vector<Blocker>> LockHolders(db::Connection& conn,
                                               const std::vector<sql::QName>& relations);

// Owns a thread and, from the first statement that runs long enough to need it, a connection of
// its own. Start/Finish/Blockers are called by the deployer thread only.
class Monitor {
 public:
  Monitor(db::ConnInfo info, int deployer_pid, Printer& printer, const Options& options);
  ~Monitor();
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  // `s` was just sent by the deployer's session; watch it until Finish().
  void Start(const PlannedStatement& s);
  void Finish();
  // The sessions seen blocking the statement last started (empty when none were seen).
  std::vector<Blocker> Blockers();

 private:
  void Loop();
  bool EnsureConnection();
  void PollBlockers();
  void PollProgress(std::chrono::steady_clock::duration elapsed);

  db::ConnInfo info_;
  int deployer_pid_;
  Printer& printer_;
  Options options_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool active_ = false;
  uint64_t generation_ = 0;
  PlannedStatement current_;
  std::chrono::steady_clock::time_point started_;
  std::vector<Blocker> blockers_;

  // Monitor thread only.
  std::optional<db::Connection> conn_;
  bool conn_failed_ = false;
  std::chrono::steady_clock::time_point next_progress_;
  bool drew_progress_ = false;
  std::thread thread_;
};

}  // namespace lockstep::deploy
