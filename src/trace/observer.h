// Watching a statement from a second connection (module-internal): used for statements that
// cannot run in a transaction block, whose locks the running session cannot report itself.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>

#include "db/connection.h"
#include "locks/lock_model.h"

namespace lockstep::trace::internal {

struct Sighting {
  // Strongest mode seen per relation oid of the current database, granted or still requested.
  std::map<int64_t, locks::LockMode> modes;
  int commit_points = 0;  // commits that were held (SyncRep wait), read and released
  int polls = 0;
};

// Runs `sql` on `traced` in a worker thread while `observer` (another connection to the same
// database) polls pg_locks and pg_stat_activity for the traced backend until the statement ends.
// With `hold_commits` the traced session runs with synchronous_commit=on for the statement (the
// server must have a synchronous standby name nobody answers to): each commit then waits in
// SyncRep with its locks held; the observer records them and ends the wait with
// pg_cancel_backend. The "canceling wait for synchronous replication" warnings are discarded.
// Returns the statement's own result; an observer failure is returned as an error too.
db::DbResult<db::Rows> RunObserved(db::Connection& traced, db::Connection& observer,
                                   std::string_view sql, bool hold_commits, Sighting* out);

}  // namespace lockstep::trace::internal
