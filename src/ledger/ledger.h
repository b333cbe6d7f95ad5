// The ledger: Prisma's `_prisma_migrations` (same DDL and rows as Prisma writes) and lockstep's
// `_lockstep_progress` (how far a migration split into several steps has got). Every command that
// reads or writes them goes through this module (status.h computes the states, applied.h is what
// the analysing commands read).
//
// Both live in the schema of the connection URL's `?schema=` (default "public"), always named
// schema-qualified so that a migration's own `SET search_path` cannot redirect them. The SQL
// builders return text with literals inlined, so several can be sent in one round trip.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"

namespace lockstep::ledger {

struct Tables {
  std::string schema = "public";
  std::string migrations() const;  // "\"public\".\"_prisma_migrations\""
  std::string progress() const;    // "\"public\".\"_lockstep_progress\""
};

// The tables of the database `info` names: in its ?schema=, else "public" (as Prisma).
Tables TablesFor(const db::ConnInfo& info);

// One `_prisma_migrations` row. Timestamps are the server's text form; NULL is nullopt.
struct MigrationRow {
  std::string id;
  std::string checksum;
  std::optional<std::string> finished_at;
  std::string migration_name;
  std::optional<std::string> logs;
  std::optional<std::string> rolled_back_at;
  std::string started_at;
  int applied_steps_count = 0;

  // Prisma's states: applied (finished, not rolled back); failed (neither: blocks deploys, P3009).
  bool applied() const { return finished_at.has_value() && !rolled_back_at.has_value(); }
  bool failed() const { return !finished_at.has_value() && !rolled_back_at.has_value(); }
};

// The names of the applied rows, in the rows' order (a name applied twice is there twice).
std::vector<std::string> AppliedNames(const std::vector<MigrationRow>& rows);

// How far a batched backfill (docs/backfill.md) has got: keys are the text form of each key
// column's value, in the key's column order.
struct BackfillPosition {
  std::vector<std::string> key_columns;  // the key it is batched by, to refuse resuming by another
  std::vector<std::string> bound;        // the largest key when it started: where it ends
  std::optional<std::vector<std::string>> after;  // the last key of the last committed batch
  int64_t rows = 0;                               // rows updated by the committed batches
  int64_t scanned = 0;                            // keys the committed batches covered
};

// One `_lockstep_progress` row: statements [0, statements_done) of the migration are committed.
// `in_flight` is the index of a statement outside a transaction that was about to be sent: it
// may or may not have run when the deployer stopped.
struct ProgressRow {
  std::string migration_name;
  std::string checksum;
  int statements_done = 0;
  std::optional<int> in_flight;
  std::string started_at;
  std::string updated_at;
  std::optional<BackfillPosition> backfill;  // statement statements_done is a batched backfill
};

// The DDL Prisma uses (prisma-engines, postgres flavour), IF NOT EXISTS.
std::string CreateMigrationsTableSql(const Tables& t);
std::string CreateProgressTableSql(const Tables& t);

// The row Prisma leaves after a successful migration: applied_steps_count 1, logs NULL.
// started_at is the progress row's (a migration resumed over several runs started in the first)
// or the transaction's start; finished_at is the moment the row is written.
std::string InsertFinishedSql(const Tables& t, const std::string& id, const std::string& name,
                              const std::string& checksum, bool tracked);
// The row Prisma leaves after a failed migration: finished_at NULL, logs = the error. Blocks
// later deploys (P3009) until `resolve`.
std::string InsertFailedSql(const Tables& t, const std::string& id, const std::string& name,
                            const std::string& checksum, const std::string& logs, bool tracked);
// Upserts the progress row; started_at is kept from the first insert.
std::string SaveProgressSql(const Tables& t, const std::string& name, const std::string& checksum,
                            int statements_done, std::optional<int> in_flight);
std::string DeleteProgressSql(const Tables& t, const std::string& name);
// Deletes the progress rows of migrations that have an applied row, then counts the rows left
// (one row, one text column): the progress table is dropped when none is left.
std::string PruneProgressSql(const Tables& t);
std::string DropProgressTableSql(const Tables& t);
// Upserts the progress row of a batched backfill at statement `statements_done`; sent in the
// same transaction as each batch, so that the position is exactly what is committed.
std::string SaveBackfillSql(const Tables& t, const std::string& name, const std::string& checksum,
                            int statements_done, const BackfillPosition& position);

// `lockstep resolve`, as prisma-engines' mark_migration_rolled_back and mark_migration_applied:
// the failed rows of `name` marked rolled back (also before `--applied`); the row of a migration
// applied by hand: logs '', started_at = finished_at = now(), applied_steps_count 0.
std::string MarkFailedRolledBackSql(const Tables& t, const std::string& name);
std::string InsertResolvedAppliedSql(const Tables& t, const std::string& id,
                                     const std::string& name, const std::string& checksum);

// What `prisma migrate deploy` writes around one migration, in three round trips (verify's naive
// run): a started row (finished_at NULL, applied_steps_count 0), then either the error as its logs
// (it stays failed) or finished_at = now() and applied_steps_count 1.
db::DbResult<db::Rows> InsertStartedRow(db::Connection& conn, const Tables& t,
                                        const std::string& id, const std::string& name,
                                        const std::string& checksum);
db::DbResult<db::Rows> RecordRowError(db::Connection& conn, const Tables& t, const std::string& id,
                                      const std::string& logs);
db::DbResult<db::Rows> FinishRow(db::Connection& conn, const Tables& t, const std::string& id);

// nullopt when the table does not exist.
db::DbResult<std::optional<std::vector<MigrationRow>>> ReadMigrationRows(db::Connection& conn,
                                                                         const Tables& t);
db::DbResult<std::optional<std::vector<ProgressRow>>> ReadProgressRows(db::Connection& conn,
                                                                       const Tables& t);
// Whether `name` has a row marked rolled back after `since` (a timestamp in the server's text
// form): progress saved before such a resolution is stale.
db::DbResult<bool> RolledBackSince(db::Connection& conn, const Tables& t, const std::string& name,
                                   const std::string& since);
db::DbResult<bool> SchemaExists(db::Connection& conn, const std::string& schema);
// True when the schema holds tables, views, sequences, types or functions (Prisma refuses to
// deploy into such a schema without _prisma_migrations: P3005).
db::DbResult<bool> SchemaHasObjects(db::Connection& conn, const std::string& schema);

// A random (version 4) UUID, lowercase, as Prisma writes in _prisma_migrations.id.
std::string NewUuidV4();

}  // namespace lockstep::ledger
