// `lockstep trace`: run a migration for real on a scratch database and report what PostgreSQL
// actually did, per statement, in the same shape as `lockstep plan` (plan::Entry), so that the
// two can be compared entry by entry. This is the oracle the lock model is checked against.
//
// How a statement is observed (docs/trace.md has the details and the limits):
//  - pg_class (oid, name, relkind, relfilenode) of user relations is read before the statement;
//    only relations that existed then are reported (new ones are invisible to other sessions);
//    toast tables and the system catalogs are left out, indexes are included.
//  - The statement runs inside BEGIN … COMMIT on one connection; before COMMIT that connection
//    reads its own pg_locks rows (the strongest mode per relation), the per-table sequential-scan
//    counters of the transaction (pg_stat_get_xact_numscans) and pg_class again (a changed
//    relfilenode is a rewrite).
//  - When PostgreSQL refuses the block (SQLSTATE 25001: CREATE INDEX CONCURRENTLY, VACUUM …) the
//    statement is not transactional: it is run on its own and a second connection polls pg_locks
//    for its backend. On a server prepared by PrepareServer, the traced session commits with
//    synchronous_commit=on against a synchronous standby that never comes, so each internal
//    commit waits while still holding its locks; the observer reads them and releases the wait
//    with pg_cancel_backend (which only ends the wait: the commit has already happened).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "analysis/history.h"
#include "base/status.h"
#include "db/connection.h"
#include "plan/plan.h"

namespace lockstep::trace {

struct Options {
  // Roll back each statement that PostgreSQL allows in a transaction block instead of committing
  // it. Meant for tracing one statement: later statements do not see the earlier ones' effects.
  bool rollback = false;
  // The server was prepared by PrepareServer: non-transactional statements are seen at each of
  // their internal commits. Without it the observer only polls (short phases may be missed).
  bool hold_commits = false;
  // The locks/analysis options used to parse the migrations exactly as `plan` does.
  analysis::Options analysis;
};

// One analysed statement as observed on the server.
struct Observed {
  plan::Entry entry;                // locks, rewrites, scans, transactional as PostgreSQL showed
  std::vector<sql::QName> created;  // relations the statement created (never in entry.locks)
  bool scans_observed = true;       // false where the scan counter could not be read
  bool outside_block = false;       // ran outside a transaction block (observed from outside)
};

// Replays the first `history_count` migrations on the database of `scratch` (statement by
// statement, as autocommit), then traces every statement of the rest. `scratch` must name an
// empty database that may be changed freely; a second connection to it is opened for
// non-transactional statements. A statement that fails stops the run: the error is
// "file:line:col: error: <server message>".
Result<std::vector<Observed>> Run(const db::ConnInfo& scratch,
                                  std::vector<analysis::MigrationText> migrations,
                                  size_t history_count, const Options& options);

// Prepares a throwaway server for tracing (superuser connection `admin` to any database):
// TimeZone 'UTC' (timestamp -> timestamptz is then binary-coercible, as the lock model assumes)
// and a synchronous standby name nobody will answer to, which holds only the commits of sessions
// that ask for synchronous_commit=on (everything else keeps the server's synchronous_commit).
// Waits until both are in effect. Never use it on a server that serves anything else.
Status PrepareServer(const db::ConnInfo& admin);

// The entries of `observed`, for plan::RenderText / plan::ToJson.
std::vector<plan::Entry> Entries(const std::vector<Observed>& observed);
// plan::ToJson plus, per entry, "created": [relations] and "scans_observed": bool.
nlohmann::json ToJson(const std::vector<Observed>& observed);

}  // namespace lockstep::trace
