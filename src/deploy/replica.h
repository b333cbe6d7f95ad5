// Read replicas (hot standbys) that `deploy --replica` protects; see docs/replicas.md.
//
// A standby replays the primary's ACCESS EXCLUSIVE locks. When a standby session holds a lock on
// the table (any reader in an open transaction that read it), the replay waits for it (up to
// max_standby_streaming_delay) and every later reader of that table on the standby queues behind
// the replay: the primary's lock_timeout cannot see or bound that. So before a step that locks a
// table beyond ROW EXCLUSIVE, the deployer asks each replica who holds or waits for a lock on
// that table, and waits and retries while anyone does. Between concurrent index builds (and
// wherever a caller wants, e.g. batched backfills) WaitForReplicas pauses while a replica's replay
// lag exceeds a bound.
//
// Every query sent to a replica is read-only and runs under a statement_timeout.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "db/connection.h"
#include "db/url.h"
#include "deploy/monitor.h"
#include "deploy/output.h"
#include "sql/ast.h"

namespace lockstep::deploy {

// A standby session in the way of a replayed lock.
struct ReplicaBlocker {
  std::string replica;  // the replica's URL without its password
  Blocker session;  // lock: "AccessShareLock on public.\"Member\"" (" (waiting)" when not granted)
};

// "replica postgresql://…: pid 4242 (active for 3.1s, psql, holds AccessShareLock on \"Member\"):
// SELECT …", joined by "; ", at most 3.
std::string FormatReplicaBlockers(const std::vector<ReplicaBlocker>& blockers);

// Open connections to the replicas, checked. Not thread-safe: the deployer's thread only.
class Replicas {
 public:
  // Connects to each replica and checks that it is a standby (pg_is_in_recovery()), that it is
  // connected to `database` (the primary's current_database(): a standby's other databases never
  // see the migrated tables' locks, so checks there would pass while protecting nothing), and
  // that its role sees other sessions (pg_read_all_stats, e.g. through pg_monitor, or a
  // superuser). Fails on the first that does not, with one line naming it (never its password)
  // and the code of what went wrong (kInvalidInput: not the standby asked for; kDatabase, kAuth:
  // it could not be read). Every query runs under `query_timeout_ms`.
  static Result<std::unique_ptr<Replicas>> Open(const std::vector<db::ConnInfo>& replicas,
                                                const std::string& database,
                                                int64_t query_timeout_ms);

  size_t size() const { return replicas_.size(); }
  const std::string& name(size_t i) const { return replicas_[i].name; }

  // Client sessions on any replica that hold or wait for a lock on one of `relations`
  // (unqualified names in `default_schema`), longest first. Relations the replica does not have
  // yet (created by this migration) have no readers.
  Result<std::vector<ReplicaBlocker>> Blockers(const std::vector<sql::QName>& relations,
                                               const std::string& default_schema);

  // Each replica's replay lag in ms: 0 when it has replayed `primary_lsn` (the primary's
  // PrimaryLsn() just before), else the age of the last transaction it replayed
  // (now() - pg_last_xact_replay_timestamp()), an upper bound when the primary committed nothing
  // since; 1 when it is behind but has replayed no transaction since it started (age unknown).
  // Same order as the URLs.
  Result<std::vector<int64_t>> LagMs(const std::string& primary_lsn);

  // The first replica (in URL order) that has not replayed the primary's WAL up to `lsn`, and its
  // lag as LagMs() reads it; nullopt when every replica has.
  Result<std::optional<std::pair<size_t, int64_t>>> NotReplayed(const std::string& lsn);

  // The replicas whose hot_standby_feedback is off (as Open() read it), in URL order: the
  // primary may clean up row versions their readers' snapshots still see, and replaying that
  // cleanup waits for those readers (see SnapshotHold).
  std::vector<std::string> WithoutFeedback() const;

 private:
  struct Replica {
    std::string name;
    db::Connection conn;
    bool feedback = false;  // hot_standby_feedback is on
  };
  std::vector<Replica> replicas_;
};

// A snapshot held on the primary while a batched backfill runs with replicas (docs/replicas.md,
// "The lag bound"). Each batch leaves dead row versions that later batches, btree bottom-up
// deletion or vacuum clean up on the primary; the cleanup's WAL record names the newest xid it
// removed, and a standby replaying it first waits for every reader whose snapshot is older
// (max_standby_streaming_delay), holding back all WAL behind it. While an older snapshot is open
// on the primary, nothing the backfill leaves behind is removable there, so no such record is
// written: hot_standby_feedback's effect (and its bloat), for the backfill's duration only.
//
// The hold is its own session on the primary, in a REPEATABLE READ READ ONLY transaction whose
// snapshot is taken by a query that reads no relation: it holds no lock on any table (only its
// own virtual transaction id's). The server ends it when it idles in the transaction longer than
// `idle_timeout_ms` (a client killed or cut off), and Release() or the destructor ends it on
// every path out of the backfill. Not thread-safe.
class SnapshotHold {
 public:
  // Connects to `primary` and takes the snapshot; every query runs under `query_timeout_ms`.
  static Result<std::unique_ptr<SnapshotHold>> Take(const db::ConnInfo& primary,
                                                    int64_t idle_timeout_ms,
                                                    int64_t query_timeout_ms);
  ~SnapshotHold() { Release(); }

  // A query in the held transaction, so that the server's idle-in-transaction timeout counts from
  // now; the snapshot stays the one taken first. An error when the session is gone (the server
  // ended it, or the connection broke): the snapshot no longer holds anything.
  Status Renew();

  // Ends the transaction and the session; idempotent.
  void Release();

 private:
  explicit SnapshotHold(db::Connection conn) : conn_(std::move(conn)) {}
  db::Connection conn_;
  bool released_ = false;
};

// The primary's current WAL insert position, as text: what a replica must replay to have seen
// everything so far (pg_current_wal_lsn() may lag behind commits made with synchronous_commit
// off).
Result<std::string> PrimaryLsn(db::Connection& primary);

// Pauses while any replica's replay lag exceeds `max_lag_ms`, saying so on `out` once per pause,
// for at most `deadline_ms`. The hook for work that generates WAL in pieces (the gaps between
// concurrent index builds; batched backfills): call it between pieces. OK when every replica is
// within the bound; an error naming the replica and its lag when the deadline passed first
// (kTimedOut), or naming the server that could not be read (kDatabase: a replica that stopped
// answering is no protection, and the caller stops).
Status WaitForReplicas(Replicas& replicas, db::Connection& primary, int64_t max_lag_ms,
                       int64_t deadline_ms, Printer& out);

// Waits until every replica has replayed the primary's WAL up to `lsn` (PrimaryLsn() read right
// after a piece of work committed), for at most `deadline_ms`, polling every few milliseconds:
// work in pieces (batched backfills) is then never more than one piece ahead of any replica,
// however fast it goes, which --max-replica-lag alone does not give (the lag it reads grows only
// as time passes, while pieces keep queueing behind a replay that is held back). Says so on `out`
// once when the wait passes `quiet_ms`. OK once replayed; an error naming the replica when the
// deadline passed first, or when it could not be read; codes as for WaitForReplicas.
Status WaitForReplay(Replicas& replicas, const std::string& lsn, int64_t quiet_ms,
                     int64_t deadline_ms, Printer& out);

}  // namespace lockstep::deploy
