// Synthetic rows for `lockstep verify`: from the schema model (schema/catalog.h) to COPY text and
// to the parameters of the workload's point reads, updates and inserts.
//
// Every value is a pure function of (table, column, row id), row ids running 1..rows, so that
//   - a column's values are pairwise distinct wherever its type allows it (integers, text, uuids,
//     timestamps, …): unique indexes and primary keys hold, and so do uniques that the pending
//     migration is about to add (`ADD UNIQUE` on a populated table must succeed);
//   - a foreign key of row i points at row ((i - 1) mod parent_rows) + 1 of the parent, which was
//     loaded first (self-references point at row (i + 1) / 2, loaded earlier in the same COPY);
//   - nullable columns are filled too (a pending `SET NOT NULL` must succeed);
//   - simple CHECKs hold (`c IN (...)`, `c = k`, ranges, `IS NOT NULL`): a column takes the
//     allowed values by turns or stays within the bounds, and a table whose unique key can only
//     take k values (`CHECK (id = 1)`, a singleton) gets k rows. A table with any other CHECK is
//     left empty (TablePlan::skip_reason), and so is a table that needs its rows through a
//     NOT NULL foreign key (a nullable one is then NULL).
// What cannot be generated (an unknown type, a domain, a composite) is left to the column's
// default or NULL; a NOT NULL column without a default of such a type is an error naming it.
// Pure and thread-safe once built.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "schema/catalog.h"
#include "sql/ast.h"

namespace lockstep::verify {

enum class ValueKind {
  kInt16,
  kInt32,
  kInt64,
  kFloat,
  kNumeric,
  kMoney,
  kBool,
  kText,
  kUuid,
  kJson,
  kDate,
  kTime,
  kTimeTz,
  kTimestamp,
  kTimestampTz,
  kInterval,
  kBytea,
  kInet,
  kMacaddr,
  kXml,
  kTsvector,
  kEnum,
  kChoice,      // one of the values a CHECK allows (`IN (...)`, `= k`), by turns
  kForeignKey,  // a copy of the parent's referenced column for the parent row this row points at
  kNull,        // the NULL of a back edge in a foreign-key cycle
  kOmitted,     // left to the server: STORED generated columns, unknown types with a default
};

struct ColumnPlan {
  std::string name;
  ValueKind kind = ValueKind::kText;
  std::string type;         // the type as written, for messages and for casts in the workload
  int max_length = -1;      // varchar(n), char(n)
  int numeric_digits = -1;  // numeric(p, s): p - s, the digits before the point
  int array_dims = 0;
  std::vector<std::string> enum_values;
  std::vector<std::string> allowed_values;  // kChoice: what the table's CHECKs allow
  // Integer bounds the table's CHECKs put on a numeric column (`>= 0`, `BETWEEN 1 AND 5`).
  std::optional<int64_t> min_value;
  std::optional<int64_t> max_value;
  size_t parent_table = 0;   // kForeignKey: index into FillPlan::tables
  size_t parent_column = 0;  // kForeignKey: index into that table's columns
  bool self_reference = false;
  bool sequence = false;  // serial or identity: its sequence is moved past the loaded rows
  bool not_null = false;
  bool has_default = false;  // DEFAULT, serial or identity: an INSERT may leave it out
  // A pending migration drops it: the application under test has already stopped using it (the
  // only way such a drop is ever safe), so the workload never names it; the load still fills it.
  bool dropped_by_pending = false;
};

struct TablePlan {
  sql::QName name;
  int64_t rows = 0;
  std::vector<ColumnPlan> columns;  // table order
  // Columns that identify a row (primary key, else a unique index of generated columns); empty
  // when there is none (the workload then addresses rows by ctid).
  std::vector<size_t> key;
  // The column the workload's UPDATE sets to itself: a plain column when there is one.
  size_t update_column = 0;
  bool workload = false;  // touched by the pending migrations: gets reads and writes
  // Why the table is left empty (rows is then 0), e.g. a CHECK verify cannot generate rows for;
  // empty when it is loaded. The workload reads and updates such a table but inserts nothing.
  std::string skip_reason;
};

// Tables in load order: every parent before its children.
struct FillPlan {
  std::vector<TablePlan> tables;
  int64_t total_rows() const;
};

// Plans the load of `touched` (tables the pending migrations touch, as they are in `catalog`,
// the schema after the already-applied history) plus every table they reference by foreign key,
// transitively; each gets `rows` rows. Errors name the table and column that cannot be filled.
Result<FillPlan> PlanFill(const schema::Catalog& catalog, const std::vector<sql::QName>& touched,
                          int64_t rows);

// A column a pending migration renames, by its name before them (the name the running
// application still writes).
struct RenamedColumn {
  sql::QName table;
  std::string column;
};

// Marks the columns of `plan`'s tables that are gone from `after` (the schema once the pending
// migrations have run) while their table is still there, and moves an update column that is
// among them to a column that stays. A renamed table is left alone (its columns all vanish), and
// so is a column in `renamed`: a rename is not a drop, the running application keeps reading
// and writing the old name, which is what an expand phase must survive.
void MarkColumnsDroppedByPending(const schema::Catalog& after,
                                 const std::vector<RenamedColumn>& renamed, FillPlan* plan);

// The value of `table`.`column` for row `rowid` (1-based) in PostgreSQL's text input form;
// nullopt for NULL. Row ids above `rows` are for new rows (workload inserts).
std::optional<std::string> Value(const FillPlan& plan, size_t table, size_t column, int64_t rowid);

// The columns COPY and INSERT send (all but kOmitted), as indexes into the table's columns.
// Serial and identity columns are sent too (COPY writes identity values as given; INSERTs say
// OVERRIDING SYSTEM VALUE), so that every row's values stay a function of its row id.
std::vector<size_t> LoadedColumns(const TablePlan& table);

// `COPY "s"."t" ("a", "b") FROM STDIN` for LoadedColumns.
std::string CopyStatement(const TablePlan& table);
// Appends the COPY text-format lines of rows [first, last] to `out`.
void AppendCopyRows(const FillPlan& plan, size_t table, int64_t first, int64_t last,
                    std::string* out);

// Statements that move every sequence of a loaded serial/identity column past the loaded rows
// (so that inserts never collide with them); empty when there is none.
std::vector<std::string> SequenceFixups(const TablePlan& table);

// The qualified, quoted name: "schema"."table".
std::string QuotedName(const sql::QName& name);

}  // namespace lockstep::verify
