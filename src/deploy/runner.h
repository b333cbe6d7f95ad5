// `lockstep deploy`, `status` and `resolve` against a database. See docs/deploy.md for the design.
//
// Deploy, in order: connect; take Prisma's advisory lock (waiting a bounded time); read
// `_prisma_migrations` (and `_lockstep_progress`); refuse like Prisma when a migration failed
// (P3009) or the schema is not empty without a history (P3005); then run each pending
// migration's steps (plan.h) under lock_timeout, retrying lock timeouts with backoff.
//
// Prisma compatibility of the rows: a migration's `_prisma_migrations` row is written only when
// it has finished (in the same transaction as its last step when that step is a transaction), so
// a crash, a lost connection or a lock-timeout give-up never leaves a row that blocks Prisma.
// How far a migration split into several steps has got is kept in `_lockstep_progress`, updated
// in the same transaction as each step; a re-run resumes from there. Only a real failure of a
// statement (an error other than a lock timeout, a timeout, a lost connection or the server's
// full lock table) leaves Prisma's failed row (finished_at NULL, logs = the error), exactly as
// Prisma would.
#pragma once

#include <string>
#include <vector>

#include "db/connection.h"
#include "db/url.h"
#include "deploy/options.h"
#include "deploy/output.h"
#include "deploy/plan.h"
#include "ledger/ledger.h"
#include "ledger/status.h"

namespace lockstep::deploy {

struct Target {
  db::ConnInfo conn;
  ledger::Tables tables;  // in the URL's ?schema= (default "public")
};
Target TargetFor(const db::ConnInfo& info);

// What a failure to connect means: kAuth, kInvalidInput (bad parameters) or kDatabase.
StatusCode ConnectFailureCode(const db::DbError& connect_error);

// What one Deploy did, for callers that summarise many (fleet/).
struct DeployStats {
  int applied = 0;  // migrations finished by this run (resumed ones included)
};

// Applies the pending migrations among `plans` (every migration found on disk, in order; their
// errors are reported only for pending ones). Prints to `out`; returns what stopped it, or kOk.
// Safe to run on several threads at once, each with its own target and Printer.
StatusCode Deploy(const std::vector<MigrationPlan>& plans, const Target& target,
                  const Options& options, Printer& out, DeployStats* stats = nullptr);

// Prints the commands Deploy would send, migration by migration, for all of `plans` (a dry run
// does not connect, so it cannot know which are applied already). Returns kInvalidInput when a
// plan has errors, else kOk.
StatusCode PrintDryRun(const std::vector<MigrationPlan>& plans, const Target& target,
                       const Options& options, Printer& out);

// `lockstep status`. Returns StatusReport::Code(), or a connection error's code; fills `report`
// (when given) once the ledger has been read.
StatusCode ShowStatus(const std::vector<ledger::DiskMigration>& disk, const Target& target,
                      Printer& out, ledger::StatusReport* report = nullptr);

enum class ResolveAs { kApplied, kRolledBack };
// `lockstep resolve --applied NAME | --rolled-back NAME`, as `prisma migrate resolve` does, plus
// clearing lockstep's progress for NAME.
StatusCode Resolve(const std::vector<ledger::DiskMigration>& disk, const std::string& name,
                   ResolveAs as, const Target& target, const Options& options, Printer& out);

}  // namespace lockstep::deploy
