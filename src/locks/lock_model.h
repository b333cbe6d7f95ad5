// The lock model: statement + catalog (as it was just before the statement) + target PostgreSQL
// version -> which lock each relation gets, whether a table is rewritten or scanned under it, and
// whether the statement may run in a transaction block. Verified against a real server by the
// plan-vs-trace catalogue test (tests/locks/); when they disagree, this model is what gets fixed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schema/catalog.h"
#include "sql/ast.h"

namespace lockstep::locks {

// In increasing strength, as PostgreSQL numbers them.
enum class LockMode {
  kNone = 0,
  kAccessShare,
  kRowShare,
  kRowExclusive,
  kShareUpdateExclusive,
  kShare,
  kShareRowExclusive,
  kExclusive,
  kAccessExclusive,
};
// Spelled as in pg_locks.mode: "AccessExclusiveLock".
std::string_view LockModeName(LockMode m);
// Parses the pg_locks spelling; kNone when unknown.
LockMode ParseLockMode(std::string_view name);
// PostgreSQL's conflict table.
bool Conflicts(LockMode requested, LockMode held);
// What ordinary application traffic a lock blocks: "reads and writes", "writes", or "" (none).
std::string_view BlocksTraffic(LockMode m);
bool BlocksWrites(LockMode m);
bool BlocksReads(LockMode m);

struct RelationLock {
  sql::QName relation;
  LockMode mode = LockMode::kNone;
  bool is_index = false;
  schema::Origin origin = schema::Origin::kUnknown;  // of the relation (or of an index's table)
};

struct Effect {
  std::vector<RelationLock> locks;   // strongest mode per relation, in first-mention order
  std::vector<sql::QName> rewrites;  // relations whose storage is rebuilt (relfilenode changes)
  std::vector<sql::QName> scans;     // tables read in full under the lock (validation, build)
  bool transactional = true;         // may run inside a transaction block
  bool fails_if_rows = false;        // e.g. ADD COLUMN NOT NULL without a default
  bool new_table = false;            // the statement's table did not exist before this migration
  std::vector<std::string> notes;    // why, in a few words each: "volatile default random()"
};

struct Options {
  int pg_version = 15;          // major version, 11..18
  bool timezone_is_utc = true;  // timestamp -> timestamptz is free only under UTC
};

// Pure: does not modify the catalog. `before` is the catalog just before this statement.
Effect Analyze(const sql::Statement& s, const schema::Catalog& before, const Options& options = {});

// True when calling a function of this name may not be assumed stable (a DEFAULT using it
// forces a table rewrite). Unknown functions count as volatile.
bool IsVolatileFunction(std::string_view lower_name);
// True when `col` (of an ADD COLUMN) rewrites the table only because its default calls a volatile
// function, with nothing beside it but NULL / NOT NULL (no identity, stored generation, key,
// sub-query or other inline constraint), on PostgreSQL 12+ (where SET NOT NULL can rely on a
// validated CHECK). Such a column can be added without the default, backfilled row by row and
// then constrained: what fix's volatile-default rewrite does, and what lint marks fixable (one
// predicate for both, so the two never disagree).
bool IsBackfillableVolatileDefault(const sql::ColumnDef& col, int pg_version);
// The serial type's integer type ("integer" for serial/serial4, "bigint", "smallint"), or ""
// when `type` is not a serial pseudo-type.
std::string_view SerialIntegerType(const sql::TypeRef& type);
// True when `col` (of an ADD COLUMN) is a serial column with nothing beside it but NOT NULL, on
// PostgreSQL 12+: its sequence can be created and owned as serial does, the column added
// without the default, the default set for new rows and the existing rows backfilled from the
// sequence, then made NOT NULL without a scan. What fix's serial rewrite does and what lint marks
// fixable.
bool IsBackfillableSerialColumn(const sql::ColumnDef& col, int pg_version);
// The integer type of an identity column's type ("integer", "bigint", "smallint"), or "" when
// `type` is none of them.
std::string_view IdentityIntegerType(const sql::TypeRef& type);
// True when `col` (of an ADD COLUMN) is an identity column of an integer type with nothing beside
// it but NOT NULL and sequence options other than SEQUENCE NAME, on PostgreSQL 12+: it can be
// added as a plain column numbered by a sequence of its own (default for new rows, backfill for
// the existing ones), made NOT NULL without a scan, then turned into the identity in one short
// transaction. What fix's identity rewrite does and what lint marks fixable.
bool IsBackfillableIdentityColumn(const sql::ColumnDef& col, int pg_version);
// True when ALTER COLUMN TYPE from `from` to `to` needs no rewrite.
bool IsBinaryCoercible(const sql::TypeRef& from, const sql::TypeRef& to, const Options& options);

// Why `lockstep fix` cannot turn action `cmd` of the ALTER TABLE `statements[index]` of a
// migration, an ALTER COLUMN … TYPE, into expand/contract (a new column fed by a trigger, a
// batched backfill, a swap of the names: src/fix/steps/type_change.cc), or "" when it can. One
// predicate for the fix step and for the `fixable` flag of lint's avoid-rewriting-type-change, so
// that the two never disagree. `before` is the catalog just before that statement; whether the
// change rewrites at all is the caller's question.
std::string TypeChangeRewriteBlocker(const std::vector<sql::Statement>& statements, size_t index,
                                     size_t cmd, const schema::Catalog& before,
                                     const Options& options);

}  // namespace lockstep::locks
