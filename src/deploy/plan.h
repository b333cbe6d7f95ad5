// The execution plan of a migration: its statements grouped into steps by the parse tree.
//
// Consecutive statements that may run in a transaction block form one transaction; a statement
// that may not (sql::MustRunOutsideTransaction: CREATE INDEX CONCURRENTLY, VACUUM, …) is a step
// of its own, sent outside any transaction. A migration's own BEGIN … COMMIT becomes exactly one
// transaction step (lockstep sends its own BEGIN/COMMIT around it); a COMMIT outside a block
// only ends the current group, as in PostgreSQL; ROLLBACK and two-phase commit are refused.
// Planning is pure: it reads nothing and never touches a database.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/source.h"
#include "base/status.h"
#include "deploy/options.h"
#include "migrations/layout.h"
#include "sql/ast.h"

namespace lockstep::deploy {

// How a statement sent outside a transaction is made safe to retry and to resume after a crash
// (when it may or may not have run).
enum class Recovery {
  kRerun,                    // running it again is harmless or fails clearly (VACUUM, …)
  kCreateIndexConcurrently,  // may leave an INVALID index: dropped before (re)trying
  kReindexConcurrently,      // may leave INVALID <index>_ccnew/_ccold indexes: dropped
  kDropIndexConcurrently,    // interrupted: done when the index is gone
  kDetachConcurrently,       // interrupted: the partition is left "detach pending": FINALIZE
};

// An UPDATE that deploy runs in batches over a key range (docs/backfill.md): what it needs to AND
// the range onto the statement's own WHERE without touching the rest of its text.
struct Backfill {
  sql::QName table;   // the target table, as written
  std::string alias;  // `UPDATE t AS alias`: how the statement names the table, when it does
  bool only = false;  // UPDATE ONLY: inheritance children are not updated (nor scanned for keys)
  std::vector<std::string> set_columns;  // a key over one of these cannot order the batches
  // The top-level WHERE keyword, as byte offsets into PlannedStatement::sql(); -1 when none.
  int where_begin = -1;
  int where_end = -1;
};

// What recovery after an interrupted run inspects: set by index statements and DETACH only.
struct RecoveryObjects {
  sql::QName index;      // the index created / reindexed / dropped (may be unnamed for CIC)
  sql::QName table;      // the index's table, REINDEX TABLE's, the partitioned parent of a DETACH
  sql::QName partition;  // DETACH: the partition
};

// One statement of a planned migration. A long migration plans one per statement, all kept until
// it has run: the rarely set parts are on the heap, so that it costs about a hundred bytes.
struct PlannedStatement {
  int index = 0;  // 0-based position among the migration's statements (file order)
  int begin = 0;  // byte range of the statement in the file, without the ';'
  int end = 0;
  Recovery recovery = Recovery::kRerun;
  // The migration's file, shared by all its statements: a statement keeps its text as a range of
  // it, not a copy. Shared, so that a statement copied out of its plan (StepsFrom, the monitor)
  // stays valid on its own.
  std::shared_ptr<const SourceFile> file;
  // 0: none (blocks nobody while it works); nullopt: the session's own (Options).
  std::optional<int64_t> statement_timeout_ms;
  // Relations the statement names: where to look for blockers. Those it locks in a mode stronger
  // than ROW EXCLUSIVE come first (strong_locks()).
  std::vector<sql::QName> relations;
  // Empty unless the statement is an index statement or a DETACH (readers get empty names).
  sql::Rare<RecoveryObjects> objects;
  // Set on the UPDATE of a kBackfill step.
  sql::Box<Backfill> backfill;
  uint32_t strong_count = 0;  // how many of `relations`, from the first, strong_locks() holds
  bool unanalysed = false;    // the whole of a file lockstep could not parse (UnanalysedPlan)
  // SET/RESET of a timeout, or a statement that may call set_config(): lockstep reads the
  // timeouts after it, so that the migration can lower lockstep's bounds but never raise them.
  bool may_change_timeouts = false;
  bool long_running = false;    // expected to take a while: report elapsed time
  bool index_progress = false;  // poll pg_stat_progress_create_index while it runs
  // CREATE INDEX / REINDEX CONCURRENTLY: waits (virtualxid) for every older transaction of the
  // database, which blocks nobody: lockstep waits these out and bounds only its lock waits.
  bool waits_for_older_transactions = false;
  bool session_set = false;  // SET/RESET at session level: replayed when resuming after it

  std::string_view sql() const;  // the text sent, exactly as in the file
  std::string summary() const;   // one line, at most ~90 characters, for messages
  std::string where() const;     // "file:line:col"
  // Those of `relations` it locks in a mode stronger than ROW EXCLUSIVE: with --replica, no
  // standby session may hold or wait for a lock on them when the step starts (replica.h).
  std::span<const sql::QName> strong_locks() const { return {relations.data(), strong_count}; }
};

// kBackfill: a migration that is one UPDATE (and session-level SETs around it) runs as a batched
// backfill: the SETs on the session, the UPDATE as many short transactions, each recording its
// position in _lockstep_progress (docs/backfill.md). Its statements are the whole migration.
enum class StepKind { kTransaction, kOutsideTransaction, kBackfill };

struct Step {
  StepKind kind = StepKind::kTransaction;
  std::vector<PlannedStatement> statements;  // outside a transaction: exactly one
  bool explicit_block = false;               // the migration's own BEGIN … COMMIT
  std::string begin_sql = "BEGIN";           // the migration's own BEGIN text, for its options
  int first() const { return statements.empty() ? 0 : statements.front().index; }
  int end() const { return statements.empty() ? 0 : statements.back().index + 1; }
};

struct MigrationPlan {
  std::string name;      // _prisma_migrations.migration_name
  std::string checksum;  // _prisma_migrations.checksum (Prisma's sha256 of the file)
  // The migration.sql: its path (for messages) and bytes. Never null once planned.
  std::shared_ptr<const SourceFile> file;
  const std::string& path() const { return file->path(); }
  const std::string& sql() const { return file->text(); }
  int statement_count = 0;
  std::vector<Step> steps;
  std::vector<std::string> notes;   // "file:line:col: note: …"
  std::vector<std::string> errors;  // "file:line:col: error: …": syntax or unsupported structure
  bool syntax_error = false;        // lockstep's grammar rejected the file (errors say where)
  // lockstep records progress in _lockstep_progress for a migration with several steps or a
  // statement outside a transaction; a single-transaction migration needs none (it is atomic).
  bool tracked() const {
    return steps.size() > 1 || (steps.size() == 1 && steps[0].kind != StepKind::kTransaction);
  }
};

// `q` quoted for SQL and schema-qualified: with its own schema, else `default_schema` (the schema
// lockstep's session resolves unqualified names in), else as written.
std::string Qualified(const sql::QName& q, std::string_view default_schema = {});

// The statement of a kBackfill step that is the UPDATE (nullptr for other steps).
const PlannedStatement* BackfillStatement(const Step& step);

// Parses `m.sql` (PostgreSQL's grammar, no psql meta-commands: the server would reject them too)
// and groups the statements. Syntax errors and refused structures go to `errors`.
// Takes `m` by value: the plan keeps the file's text (MigrationPlan::file), and a caller done with
// the migration moves it in rather than holding the text twice.
MigrationPlan PlanMigration(migrations::Migration m, const Options& options);

// `p`, a migration lockstep could not parse, as one transaction holding the whole file, sent as
// written (as Prisma sends it), without lockstep's analysis. Its errors are cleared.
MigrationPlan UnanalysedPlan(const MigrationPlan& p);

// The steps still to run when statements [0, from) are done. A step that `from` cuts (possible
// only when the grouping rules changed between lockstep versions) keeps its later statements.
std::vector<Step> StepsFrom(const MigrationPlan& plan, int from);

}  // namespace lockstep::deploy
