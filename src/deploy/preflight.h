// Deploy preflight (--preflight; docs/deploy.md, "Preflight"): before its first statement, deploy
// looks at the target, read-only, for what would hurt the migrations it is about to run:
//
// - transactions open for a while that hold or wait for a lock on a table the pending migrations
//   lock beyond ROW EXCLUSIVE: each statement on that table waits for them (lock_timeout, then
//   retries), and an idle-in-transaction session may never end on its own;
// - when a pending statement waits for older transactions (CREATE INDEX CONCURRENTLY, REINDEX
//   CONCURRENTLY), every transaction of the database open for a while, whatever its table: the
//   build cannot finish before they end;
// - replication slots that hold back WAL: a rewrite or an index build writes its whole table or
//   index to the WAL, which then piles up on the primary's disk;
// - each --replica's replay lag above --max-replica-lag.
//
// Every query runs in one READ ONLY transaction under a statement_timeout and a lock_timeout; the
// only locks taken are ACCESS SHARE on catalog views.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"
#include "deploy/monitor.h"
#include "deploy/options.h"
#include "deploy/output.h"
#include "deploy/plan.h"
#include "deploy/replica.h"

namespace lockstep::deploy {

// What the pending migrations expose, from their plans alone.
struct PreflightScope {
  // Schema-qualified, quoted names of the tables locked beyond ROW EXCLUSIVE
  // (PlannedStatement::strong_locks), first appearance first.
  std::vector<std::string> tables;
  // A statement waits for every older transaction of the database (a concurrent build).
  bool waits_for_older_transactions = false;
  // A batched backfill is pending: with a replica without hot_standby_feedback it holds a
  // snapshot on the primary while it runs (SnapshotHold).
  bool backfill = false;
};
PreflightScope ScopeOf(const std::vector<const MigrationPlan*>& pending,
                       const std::string& default_schema);

struct SlotRetainingWal {
  std::string name;
  std::string type;  // physical, logical
  bool active = false;
  int64_t retained_bytes = 0;  // from its restart_lsn to the primary's current WAL position
};

struct ReplicaLag {
  std::string replica;  // the replica's URL without its password
  int64_t lag_ms = 0;
};

struct PreflightReport {
  // Transactions of at least --preflight-age on the scope's tables, longest first.
  std::vector<Blocker> on_tables;
  // With a concurrent build pending: the database's transactions of at least --preflight-age
  // that are not already in `on_tables`, oldest first.
  std::vector<Blocker> old_transactions;
  // Inactive slots retaining any WAL, active ones retaining more than --preflight-slot-wal.
  std::vector<SlotRetainingWal> slots;
  // Every replica's replay lag (reported; above --max-replica-lag it hurts).
  std::vector<ReplicaLag> replica_lags;
  // The deploy role does not see other roles' sessions: their transactions are not checked.
  std::optional<std::string> blind_role;
  // A check that could not run (its error), e.g. a timeout: what it would have found is unknown.
  std::vector<std::string> failed_checks;
  // With a backfill pending, the replicas whose hot_standby_feedback is off: not a problem (the
  // backfill holds a snapshot for them), but a cost the user should know of before it starts.
  std::vector<std::string> replicas_without_feedback;
};

// Runs the checks on `conn` (the deployer's session, outside a transaction; it is left outside
// one) and on `replicas` (may be null). Does not print.
PreflightReport RunPreflight(db::Connection& conn, const PreflightScope& scope, Replicas* replicas,
                             const Options& options);

// The report as lines: what would hurt, one item a line, and the one-line note about the role.
// Queries are cut short and their string literals after PASSWORD are masked.
std::vector<std::string> FormatPreflight(const PreflightReport& report, const Options& options);

// How many things in `report` would hurt the deploy (a blind role counts as one: the protection
// asked for cannot be given).
int PreflightProblems(const PreflightReport& report, const Options& options);

// The whole preflight of a deploy about to run `pending`: off does nothing; warn prints the report
// (a clean one as one line) and returns kOk; strict also refuses, after saying why, with
// kPreflightRefused when anything would hurt. Returns kOk to go on, else what stopped it.
StatusCode Preflight(db::Connection& conn, const std::vector<const MigrationPlan*>& pending,
                     const std::string& default_schema, Replicas* replicas, const Options& options,
                     Printer& out);

// What the dry run says the preflight would check (it contacts no database).
std::vector<std::string> DescribePreflight(const std::vector<const MigrationPlan*>& plans,
                                           const std::string& default_schema,
                                           const Options& options);

}  // namespace lockstep::deploy
