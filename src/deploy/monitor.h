// Watching the deployer's statements from a second connection: who blocks them (for the message
// printed when a lock timeout is retried), index build progress (pg_stat_progress_create_index)
// and elapsed time of long statements.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
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
  // Its current or last query, whitespace collapsed, cut short, a string literal after PASSWORD
  // masked ('****'): a report never prints a password.
  std::string query;
  double seconds = 0;  // since its transaction (or query) started
  std::string lock;    // "AccessShareLock on \"Member\"" when known
  // It waits for the migration lock (pg_advisory_lock(kAdvisoryLockKey)), as a second deployer
  // (`prisma migrate deploy`) does: it cannot end before lockstep does.
  bool waits_for_migration_lock = false;
};

// `query` with the string literal after each PASSWORD keyword (any case) replaced by '****':
// another session's query may set a password (ALTER ROLE … PASSWORD '…'), and every report that
// names a session prints its query through this, so that none prints a password.
std::string MaskPasswords(std::string query);

// A statement that waits for older transactions (PlannedStatement::waits_for_older_transactions)
// runs with lock_timeout 0, and the monitor bounds its waits instead: a wait for a lock (on a
// relation, …) as lock_timeout would, one for another transaction (virtualxid, transactionid),
// which blocks nobody, only by `transactions_ms`.
struct WaitBounds {
  int64_t lock_ms = 0;          // one wait for a lock: canceled after this
  int64_t transactions_ms = 0;  // the statement's waits for other transactions, summed
};

// Why the monitor canceled the statement it watched.
enum class CancelReason {
  kNone,
  kLockTimeout,          // waited lock_ms for a lock: counts as lock_timeout (55P03)
  kTransactionsTooLong,  // waited transactions_ms for other transactions
  kMigrationLockWaiter,  // waits for a session that waits for lockstep's migration lock
};

struct Verdict {
  CancelReason reason = CancelReason::kNone;
  Blocker waited_for;     // the session waited for, when known
  int64_t waited_ms = 0;  // the lock wait, or the summed waits for other transactions
};

// "pid 4242 (idle in transaction for 3.1s, psql): SELECT count(*) FROM "Member"", joined by "; ".
std::string FormatBlockers(const std::vector<Blocker>& blockers);

// Sessions holding granted locks on `relations` (names as the statement wrote them), other than
// the caller's own session: a fallback when a wait ended before the monitor saw it.
db::DbResult<std::vector<Blocker>> LockHolders(db::Connection& conn,
                                               const std::vector<sql::QName>& relations);

// Client sessions of the current database, other than the caller's, holding or waiting for a lock
// on one of `qualified` (schema-qualified, quoted names; those the server does not have are
// skipped), longest transaction first. `state` gains ", waiting for <mode> on <relation>" for a
// request not granted; `lock` is "<mode> on <relation>" for a granted one. Shared by the replica
// checks (replica.h) and the preflight (preflight.h).
db::DbResult<std::vector<Blocker>> SessionsLocking(db::Connection& conn,
                                                   const std::vector<std::string>& qualified);

// Client sessions of the current database, other than the caller's, whose transaction has been
// open for at least `min_age_ms`, oldest first: what a concurrent build waits for.
db::DbResult<std::vector<Blocker>> OldTransactions(db::Connection& conn, int64_t min_age_ms);

// Whether the connection's role sees other roles' sessions in pg_stat_activity (their state,
// transaction start and query): pg_read_all_stats, e.g. through pg_monitor, or a superuser.
struct SessionVisibility {
  std::string role;  // current_user
  bool sees_others = false;
};
db::DbResult<SessionVisibility> ReadSessionVisibility(db::Connection& conn);

// Sessions of the current database waiting for the migration lock (pg_advisory_lock(
// kAdvisoryLockKey)), other than the caller's own, longest waiting first.
db::DbResult<std::vector<Blocker>> MigrationLockWaiters(db::Connection& conn);

// Owns a thread and, from the first statement that runs long enough to need it, a connection of
// its own. Start/Finish/Blockers/Connect/TakeVerdict are called by the deployer thread only.
class Monitor {
 public:
  // `cancel` cancels the deployer's running statement (db::Connection::Cancel): the monitor calls
  // it only while a statement it watches with WaitBounds runs, and at most once per statement.
  Monitor(db::ConnInfo info, int deployer_pid, Printer& printer, const Options& options,
          std::function<bool()> cancel);
  ~Monitor();
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  // `s` was just sent by the deployer's session; watch it until Finish(). With `bounds`, also
  // bound its waits (WaitBounds), which requires Connect() to have returned true.
  void Start(const PlannedStatement& s, std::optional<WaitBounds> bounds = std::nullopt);
  void Finish();
  // The sessions seen blocking the statement last started (empty when none were seen).
  std::vector<Blocker> Blockers();
  // Opens the monitor's connection now, when it has none, and waits for it: false when it
  // cannot be opened (then nothing can enforce WaitBounds). Call between statements.
  bool Connect();
  // Why the monitor canceled the statement last started (kNone when it did not), then forgets it.
  Verdict TakeVerdict();

 private:
  void Loop();
  bool EnsureConnection();
  void PollBlockers();
  void PollProgress(std::chrono::steady_clock::duration elapsed);
  // With bounds: the deployer's lock wait, if any, and whether the bounds say to cancel it.
  // Returns true when the statement still waits for a lock of a relation (poll fast).
  bool PollWaits(const PlannedStatement& statement, const WaitBounds& bounds,
                 const std::vector<Blocker>& found, uint64_t generation);

  db::ConnInfo info_;
  int deployer_pid_;
  Printer& printer_;
  Options options_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::function<bool()> cancel_;
  bool stop_ = false;
  bool connect_requested_ = false;
  bool connected_ = false;
  bool active_ = false;
  uint64_t generation_ = 0;
  PlannedStatement current_;
  std::chrono::steady_clock::time_point started_;
  std::vector<Blocker> blockers_;
  std::optional<WaitBounds> bounds_;
  Verdict verdict_;

  // Monitor thread only.
  std::optional<db::Connection> conn_;
  bool conn_failed_ = false;
  std::chrono::steady_clock::time_point next_progress_;
  bool drew_progress_ = false;
  // The statement's waits for other transactions: those that ended, the current one (by its
  // pg_locks.waitstart) and the session last reported as waited for.
  int64_t transactions_done_ms_ = 0;
  std::string wait_key_;
  int64_t wait_ms_ = 0;
  int reported_pid_ = 0;
  std::thread thread_;
};

}  // namespace lockstep::deploy
