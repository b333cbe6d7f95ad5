#include "trace/observer.h"

#include <atomic>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <thread>

namespace lockstep::trace::internal {
namespace {

// One row per relation lock of the backend (or one row with NULLs when it holds none). Locks of
// other databases (shared catalogs have database 0) are left out.
constexpr char kPoll[] =
    "SELECT a.wait_event, a.backend_xid::text, l.relation::int8, l.mode "
    "FROM pg_stat_activity a "
    "LEFT JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'relation' "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "WHERE a.pid = $1";

constexpr char kLocks[] =
    "SELECT relation::int8, mode FROM pg_locks WHERE pid = $1 AND locktype = 'relation' "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";

void Record(const db::Rows& rows, int relation_col, int mode_col, Sighting* out) {
  for (const auto& r : rows.rows) {
    if (!r[relation_col] || !r[mode_col]) continue;
    const int64_t oid = std::stoll(*r[relation_col]);
    const locks::LockMode m = locks::ParseLockMode(*r[mode_col]);
    locks::LockMode& have = out->modes[oid];
    if (m > have) have = m;
  }
}

}  // namespace

db::DbResult<db::Rows> RunObserved(db::Connection& traced, db::Connection& observer,
                                   std::string_view sql, bool hold_commits, Sighting* out) {
  if (hold_commits) {
    db::DbResult<db::Rows> set = traced.Exec("SET synchronous_commit = on");
    if (!set.ok()) return set.error();
  }
  const std::vector<std::optional<std::string>> pid = {std::to_string(traced.backend_pid())};
  std::atomic<bool> done{false};
  std::optional<db::DbResult<db::Rows>> result;
  std::thread worker([&] {
    result.emplace(traced.Exec(sql));
    done.store(true);
  });

  std::optional<db::DbError> observer_error;
  // A commit is released once: a second cancel could reach the backend after the wait ended and
  // cancel the statement's next phase instead. Waits are told apart by the committing xid.
  std::set<std::string> released;
  while (!done.load()) {
    db::DbResult<db::Rows> rows = observer.Exec(kPoll, pid);
    if (!rows.ok()) {
      observer_error = rows.error();
      break;
    }
    ++out->polls;
    Record(*rows, 2, 3, out);
    if (!hold_commits || rows->empty()) continue;
    const auto& wait = rows->rows[0][0];
    const auto& xid = rows->rows[0][1];
    if (!wait || *wait != "SyncRep" || !xid || released.count(*xid)) continue;
    // The wait began after (or while) the row above was read: read the held locks again.
    db::DbResult<db::Rows> held = observer.Exec(kLocks, pid);
    if (held.ok()) Record(*held, 0, 1, out);
    db::DbResult<db::Rows> cancel = observer.Exec("SELECT pg_cancel_backend($1)", pid);
    if (!held.ok() || !cancel.ok()) {
      observer_error = held.ok() ? cancel.error() : held.error();
      break;
    }
    released.insert(*xid);
    ++out->commit_points;
  }
  // Without the observer nobody would end a held commit: cancel until the statement returns.
  while (observer_error && hold_commits && !done.load()) {
    traced.Cancel();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  worker.join();
  if (hold_commits) traced.Exec("RESET synchronous_commit");
  traced.TakeNotices();  // the "canceling wait for synchronous replication" warnings
  if (observer_error) return *observer_error;
  return std::move(*result);
}

}  // namespace lockstep::trace::internal
