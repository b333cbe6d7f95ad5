// The typed view of a parsed migration: the only shape of the SQL that code outside src/sql/ sees.
//
// PostgreSQL's parse tree (libpg_query's raw tree, PostgreSQL's own node structs) is large and its
// headers define macros for the server's use; src/sql/ translates it once
// into these small structs, keeping just what lockstep reasons about (DDL shape, names, types,
// defaults, constraints, byte offsets). Identifiers are as PostgreSQL sees them: unquoted and
// case-folded. Every `location` is a byte offset into the whole file text, or -1 when unknown.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::sql {

// An optional value kept on the heap: used like std::optional<T> (copies copy the value), for
// large members that most statements leave empty, so that they cost a pointer rather than the
// whole T in every statement (a long migration keeps all its statements in memory).
template <typename T>
class Box {
 public:
  Box() = default;
  Box(T value) : p_(std::make_unique<T>(std::move(value))) {}  // NOLINT: like std::optional
  Box(const Box& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  Box(Box&&) noexcept = default;
  Box& operator=(const Box& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  Box& operator=(Box&&) noexcept = default;
  Box& operator=(T value) {
    p_ = std::make_unique<T>(std::move(value));
    return *this;
  }

  bool has_value() const { return p_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return *p_; }
  const T& operator*() const { return *p_; }
  T* operator->() { return p_.get(); }
  const T* operator->() const { return p_.get(); }
  void reset() { p_.reset(); }

 private:
  std::unique_ptr<T> p_;
};

// A group of members that most statements leave empty, kept on the heap like Box; reading an
// empty one gives T's defaults (a shared empty T), so that readers need not know which kinds of
// statement set it. Writes go through Mutable(), which creates it.
template <typename T>
class Rare {
 public:
  Rare() = default;
  Rare(const Rare& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  Rare(Rare&&) noexcept = default;
  Rare& operator=(const Rare& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  Rare& operator=(Rare&&) noexcept = default;

  bool has_value() const { return p_ != nullptr; }
  const T& operator*() const { return p_ ? *p_ : Empty(); }
  const T* operator->() const { return &**this; }
  T& Mutable() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }

 private:
  static const T& Empty() {
    static const T empty;
    return empty;
  }
  std::unique_ptr<T> p_;
};

// A possibly schema-qualified name. `schema` is empty when unqualified.
struct QName {
  std::string schema;
  std::string name;
  std::string ToString() const { return schema.empty() ? name : schema + "." + name; }
  // One string per name, for maps keyed by it: schema NUL name (no identifier holds a NUL, so
  // two names never share a key, which "schema.name" cannot promise).
  std::string Key() const { return schema + '\0' + name; }
  bool operator==(const QName&) const = default;
};

// A token's kind: libpg_query's token number, read as its name ("INDEX", "IDENT", "SQL_COMMENT",
// "ASCII_59" …). The numbers change between PostgreSQL versions, the names do not: compare names.
// Two bytes where a name took sixteen: a file keeps one token per word of its text.
class TokenKind {
 public:
  TokenKind() = default;
  explicit TokenKind(uint16_t code) : code_(code) {}
  std::string_view name() const;                        // "" for a number the grammar does not name
  operator std::string_view() const { return name(); }  // NOLINT: reads as the name it is
  bool operator==(std::string_view other) const { return name() == other; }

 private:
  uint16_t code_ = 0;
};

// One lexical token of the file, from pg_query_scan.
struct Token {
  int begin = 0;  // byte offsets, [begin, end)
  int end = 0;
  TokenKind kind;
  bool is_keyword = false;
};
static_assert(sizeof(Token) <= 12, "a large file keeps millions of tokens");

struct TypeRef {
  std::vector<std::string> names;  // e.g. {"pg_catalog", "int4"} or {"public", "Role"}
  std::vector<int64_t> typmods;    // integer type modifiers, e.g. varchar(255) -> {255}
  bool has_nonconst_typmods = false;
  int array_dims = 0;  // int[] -> 1
  int location = -1;
  // The last name component: "int4", "varchar", "timestamptz", "Role".
  const std::string& base() const {
    static const std::string kEmpty;
    return names.empty() ? kEmpty : names.back();
  }
  bool is_pg_catalog() const { return names.size() == 2 && names[0] == "pg_catalog"; }
};

// A summary of an expression (a default, a CHECK, an index expression): what lockstep needs to
// judge volatility and constraint shape, not a full tree.
// One condition of a CHECK on a single column, as verify needs it to generate rows that pass.
struct ColumnCondition {
  std::string column;
  std::vector<std::string> values;  // `IN (...)` / `= const`: the allowed constants, as text
  std::optional<double> min;        // `>=`, `>`, BETWEEN: the lower bound
  bool min_exclusive = false;       // `>`
  std::optional<double> max;        // `<=`, `<`, BETWEEN: the upper bound
  bool max_exclusive = false;       // `<`
  bool not_null = false;            // `IS NOT NULL`
};

struct Expr {
  enum class Kind { kConst, kNull, kFuncCall, kTypeCast, kColumnRef, kSqlValueFunction, kOther };
  Kind kind = Kind::kOther;
  int location = -1;
  std::string const_value;  // for kConst (and a cast of a const): the literal
  std::vector<std::string>
      functions;  // every function called anywhere inside, lower-case, last name
  std::vector<std::string> sql_value_functions;  // CURRENT_TIMESTAMP, now-like keywords: lower-case
  std::vector<std::string> columns;              // every column referenced
  std::vector<std::string> cast_types;  // every type a cast inside names: last name, as PG folds it
  bool has_subquery = false;
  // For `col IS NOT NULL` (possibly AND-ed with others): the columns proven non-null.
  std::vector<std::string> not_null_columns;
  // Read as a CHECK: its conditions when it is only conditions on single columns AND-ed together
  // (`c IN (...)`, `c = k`, `c >= k`, `c BETWEEN k AND l`, `c IS NOT NULL`, and `c IS NULL OR`
  // such conditions on c), constants compared to numbers where ordered; nullopt otherwise.
  std::optional<std::vector<ColumnCondition>> column_conditions;
};

struct Constraint {
  enum class Type {
    kNull,
    kNotNull,
    kDefault,
    kIdentity,
    kGenerated,
    kCheck,
    kPrimaryKey,
    kUnique,
    kExclusion,
    kForeignKey,
    kAttribute,
    kOther
  };
  Type type = Type::kOther;
  std::string name;  // empty when not named in the SQL
  int location = -1;
  std::vector<std::string> columns;  // keys (PK/UNIQUE), fk_attrs (FK)
  std::vector<std::string> including;
  QName ref_table;                       // FK
  std::vector<std::string> ref_columns;  // FK
  std::string fk_on_delete;              // one-letter codes as in pg: a r c n d
  std::string fk_on_update;
  bool not_valid = false;  // NOT VALID (skip_validation; never set for NOT ENFORCED)
  bool deferrable = false;
  bool initially_deferred = false;
  bool nulls_not_distinct = false;
  std::string using_index;      // ADD … USING INDEX name
  std::string generated_when;   // identity: 'a' always / 'd' by default
  bool names_sequence = false;  // identity: its options include SEQUENCE NAME
  // GENERATED ALWAYS AS (…) VIRTUAL, PostgreSQL 18's default kind: computed when read, never
  // stored (false: STORED, the only kind before 18).
  bool generated_virtual = false;
  // NOT ENFORCED (PostgreSQL 18, CHECK and FOREIGN KEY): recorded, never checked, so adding it
  // reads no row.
  bool not_enforced = false;
  bool has_where = false;    // EXCLUDE … WHERE
  std::optional<Expr> expr;  // CHECK expression, DEFAULT / GENERATED expression
};

struct ColumnDef {
  std::string name;
  TypeRef type;
  bool not_null = false;
  bool is_primary_key = false;
  bool is_unique = false;
  std::optional<Expr> default_expr;
  bool identity = false;
  bool generated_stored = false;   // GENERATED ALWAYS AS (…) STORED: computed into every row
  bool generated_virtual = false;  // … VIRTUAL (PostgreSQL 18's default): computed when read
  std::optional<Expr> generated_expr;
  std::vector<Constraint> constraints;  // as written inline (incl. NOT NULL, DEFAULT, REFERENCES …)
  std::string collation;
  int location = -1;
};

// NULLS FIRST / NULLS LAST of an index column; kDefault when the SQL says neither.
enum class NullsOrder : uint8_t { kDefault, kFirst, kLast };

struct IndexElem {
  std::string column;  // empty for an expression
  std::optional<Expr> expr;
  std::vector<std::string> opclass;
  bool descending = false;
  NullsOrder nulls = NullsOrder::kDefault;
};

struct CreateIndex {
  std::string name;  // empty when PostgreSQL will choose one
  QName table;
  std::string access_method;  // "btree", "gin", …
  std::vector<IndexElem> elems;
  std::vector<std::string> including;
  bool unique = false;
  bool concurrently = false;
  bool if_not_exists = false;
  bool has_where = false;
  bool only = false;                // ON ONLY parent
  int concurrently_insert_at = -1;  // byte offset just after the INDEX keyword (for fixes)
};

enum class AlterType {
  kAddColumn,
  kSetDefault,
  kDropDefault,
  kDropNotNull,
  kSetNotNull,
  kDropExpression,
  kSetExpression,  // ALTER COLUMN … SET EXPRESSION AS (…): PostgreSQL 17
  kSetStatistics,
  kSetColumnOptions,
  kSetStorage,
  kSetCompression,
  kDropColumn,
  kAddIndex,
  kAddConstraint,
  kAlterConstraint,
  kValidateConstraint,
  kAddIndexConstraint,
  kDropConstraint,
  kAlterColumnType,
  kAlterColumnGenericOptions,
  kOwner,
  kClusterOn,
  kDropCluster,
  kSetLogged,
  kSetUnlogged,
  kSetAccessMethod,
  kSetTablespace,
  kSetRelOptions,
  kResetRelOptions,
  kEnableTrigger,
  kDisableTrigger,
  kEnableRule,
  kDisableRule,
  kAddInherit,
  kDropInherit,
  kAddOf,
  kDropOf,
  kReplicaIdentity,
  kEnableRowSecurity,
  kDisableRowSecurity,
  kForceRowSecurity,
  kNoForceRowSecurity,
  kGenericOptions,
  kAttachPartition,
  kDetachPartition,
  kDetachPartitionFinalize,
  kAddIdentity,
  kSetIdentity,
  kDropIdentity,
  kOther
};
std::string_view AlterTypeName(AlterType t);

struct AlterCmd {
  AlterType type = AlterType::kOther;
  std::string name;                  // column / constraint / trigger / index name
  Box<ColumnDef> column;             // kAddColumn; kAlterColumnType carries the new type here
  Box<Constraint> constraint;        // kAddConstraint
  std::optional<Expr> default_expr;  // kSetDefault, kAlterColumnType's USING expression
  bool has_using = false;            // ALTER COLUMN TYPE … USING
  QName partition;                   // attach/detach
  bool concurrently = false;         // DETACH … CONCURRENTLY
  bool if_exists = false;            // DROP … IF EXISTS
  bool if_not_exists = false;        // ADD COLUMN IF NOT EXISTS
  bool cascade = false;
  // kAlterConstraint: ALTER CONSTRAINT … ENFORCED (PostgreSQL 18), which checks every row of a
  // constraint that was NOT ENFORCED.
  bool to_enforced = false;
  // kAlterConstraint: ALTER CONSTRAINT … NOT ENFORCED (PostgreSQL 18).
  bool to_not_enforced = false;
  std::vector<std::string> reloptions;  // SET (fillfactor=…) option names
  int location = -1;                    // start of this sub-command's text, when known
};

// kUpdate: what deploy needs to run an UPDATE in batches over a key range (docs/backfill.md)
// without rewriting its text beyond ANDing a condition onto its WHERE.
struct Update {
  // How the statement's own clauses name the target table: `UPDATE "Member" AS m` -> "m".
  std::string alias;
  bool only = false;                     // UPDATE ONLY parent: its inheritance children untouched
  std::vector<std::string> set_columns;  // the columns SET assigns, in order
  bool has_where = false;
  bool where_current_of = false;  // WHERE CURRENT OF cursor
  bool has_from = false;
  bool has_returning = false;
  bool has_with = false;
  // Byte range in the file of the top-level WHERE keyword (not one inside a subquery), -1 when
  // the statement has none or the file was parsed without tokens.
  int where_begin = -1;
  int where_end = -1;
};

struct Statement;

// An EXECUTE of a string computed at run time (PL/pgSQL): lockstep cannot know what it runs.
struct DynamicSql {
  int location = -1;       // of the EXECUTE's line in the file, when known
  std::string expression;  // the expression as written, e.g. format('ALTER TABLE %I …', t)
  // Identifiers spelled inside its string constants ('ALTER TABLE "User" …', 'User'): the
  // relations it may name, as written (quotes removed, case kept when quoted, else folded).
  std::vector<std::string> names;
};

// kCreateTable: how the table relates to others, and its persistence.
struct TableDetails {
  bool partitioned = false;                // PARTITION BY
  std::vector<std::string> partition_key;  // PARTITION BY columns, in order ("" for an expression)
  QName partition_of;                      // PARTITION OF parent
  std::vector<QName> inherits;
  bool unlogged = false;
  bool like_clause = false;
};

// What a REINDEX rebuilds: its first keyword. kNone for other statements (an absent
// Statement::reindex reads as one).
enum class ReindexTarget : uint8_t { kNone, kIndex, kTable, kSchema, kSystem, kDatabase };
// The keyword in lower case ("index", "table", …), for messages and names; empty for kNone.
std::string_view ReindexTargetName(ReindexTarget t);

// kReindex: what is reindexed.
struct Reindex {
  ReindexTarget target = ReindexTarget::kNone;
  QName index;  // REINDEX INDEX: the index (REINDEX TABLE: the statement's `table`)
};

// kCreateEnum / kAlterEnum / kCreateDomain / kAlterDomain: the values and constraints.
struct TypeDetails {
  std::vector<std::string> enum_values;  // CREATE TYPE … AS ENUM
  std::string enum_new_value;            // ALTER TYPE … ADD VALUE
  std::string enum_neighbor;             // BEFORE/AFTER value
  bool enum_after = false;
  std::string enum_old_value;  // RENAME VALUE old TO new
  std::string domain_subtype;  // ALTER DOMAIN: 'C' add constraint, 'X' drop, 'T' default, …
  std::vector<Constraint> domain_constraints;
  TypeRef domain_base;
};

// kCreateFunction / kDo: the routine's code.
struct Routine {
  std::string language;  // as written ("plpgsql", "sql"); DO's default is plpgsql
  // The routine's source as written between its quotes, and the byte offset of its first
  // character in the file (-1 when it is not there verbatim, e.g. a body in '…' with '' inside).
  std::string routine_source;
  int routine_source_offset = -1;
  // The statements of the body that lockstep read, in order: PL/pgSQL's static SQL, PERFORM and
  // the queries of its expressions, an EXECUTE of a constant string; every statement of a SQL
  // function. Their offsets are file offsets when routine_source_offset is known.
  std::vector<Statement> body;
  std::vector<DynamicSql> dynamic_sql;  // PL/pgSQL EXECUTE of a computed string
  // Why the body (or part of it) was not read: another language, a syntax error. Empty when all
  // of it was read.
  std::string body_unread;
};

// kSet: SET [LOCAL] name = value / RESET name
struct Setting {
  std::string name;
  std::string value;  // raw value: '5s', 1000, or "DEFAULT"; empty for RESET
  bool local = false;
  bool reset = false;
};

enum class Kind {
  kCreateTable,
  kCreateTableAs,
  kCreateView,
  kCreateMatView,
  kAlterTable,
  kCreateIndex,
  kDrop,
  kRename,
  kCreateEnum,
  kAlterEnum,
  kCreateType,
  kCreateDomain,
  kAlterDomain,
  kCreateFunction,
  kDo,
  kTransaction,
  kSet,
  kTruncate,
  kVacuum,
  kCluster,
  kReindex,
  kRefreshMatView,
  kCreateTrigger,
  kCreateSequence,
  kAlterSequence,
  kComment,
  kGrant,
  kCreateExtension,
  kCreateSchema,
  kInsert,
  kUpdate,
  kDelete,
  kMerge,  // MERGE INTO target USING source …
  kSelect,
  kCopy,
  kLock,
  kAlterObjectSchema,
  kAlterOwner,
  kCreatePolicy,
  kAlterPolicy,
  kCreateDatabase,
  kDropDatabase,
  kCreateStatistics,
  kAlterType,
  kCall,
  kOther
};
std::string_view KindName(Kind k);

enum class ObjectType {
  kTable,
  kIndex,
  kSequence,
  kView,
  kMatView,
  kType,
  kDomain,
  kSchema,
  kFunction,
  kProcedure,
  kTrigger,
  kColumn,
  kConstraint,
  kExtension,
  kPolicy,
  kForeignTable,
  kDatabase,
  kRule,
  kStatistics,
  kOther
};
std::string_view ObjectTypeName(ObjectType t);

enum class TransactionKind {
  kBegin,
  kCommit,
  kRollback,
  kSavepoint,
  kRelease,
  kRollbackTo,
  kPrepare,
  kCommitPrepared,
  kRollbackPrepared
};

struct Statement {
  Kind kind = Kind::kOther;
  // libpg_query node name, e.g. "AlterTableStmt" (for messages/JSON); static storage
  std::string_view node_name;
  int begin = 0;  // byte range of the statement text in the file, without the ';'
  int end = 0;
  int first_token = 0;  // index range into ParsedFile::tokens, [first_token, last_token)
  int last_token = 0;

  // Targets, by kind. `table` is the relation the statement is about (CREATE TABLE, ALTER
  // TABLE, CREATE INDEX's table, TRUNCATE's first, TRIGGER's table, REFRESH's view …).
  QName table;
  std::vector<QName> tables;  // every relation named (TRUNCATE, DROP TABLE a, b, LOCK)
  bool if_exists = false;
  bool if_not_exists = false;
  bool cascade = false;
  bool concurrently = false;                    // DROP INDEX / REINDEX / REFRESH … CONCURRENTLY
  bool only = false;                            // ALTER TABLE ONLY
  ObjectType object_type = ObjectType::kOther;  // DROP, RENAME, COMMENT, ALTER … SET SCHEMA

  // kCreateTable
  std::vector<ColumnDef> columns;
  std::vector<Constraint> table_constraints;
  Rare<TableDetails> table_details;
  bool temporary = false;

  // kAlterTable
  std::vector<AlterCmd> cmds;

  // kCreateIndex
  Box<CreateIndex> index;

  // kDrop: objects (for DROP INDEX, their names; for DROP TABLE, the tables).
  // kCreateStatistics: the statistics object created.
  std::vector<QName> objects;
  bool or_replace = false;  // CREATE OR REPLACE (VIEW, FUNCTION, PROCEDURE)

  // kRename: table (relation) + object; what was renamed and to what.
  std::string rename_from;  // column / constraint / index-or-table old name
  std::string rename_to;

  // kCreateEnum / kAlterEnum / kCreateType / kCreateDomain / kAlterDomain (and the name of the
  // function, database or schema of some other kinds)
  QName type_name;
  Rare<TypeDetails> type_details;

  // kTransaction
  TransactionKind transaction = TransactionKind::kBegin;

  // kSet
  Rare<Setting> setting;

  // kReindex
  Rare<Reindex> reindex;

  // kTruncate
  bool restart_identity = false;  // RESTART IDENTITY: owned sequences are reset

  // kVacuum
  bool vacuum_full = false;
  bool is_analyze_only = false;

  // kCreateSequence / kAlterSequence: the option names given ("restart", "increment", "owned_by" …)
  std::vector<std::string> sequence_options;

  // kLock
  std::string lock_mode;  // pg_locks spelling, e.g. "AccessExclusiveLock"

  // kCreateTableAs / kCreateMatView / kRefreshMatView
  bool with_no_data = false;
  // Relations the statement reads while it runs: the query of CREATE VIEW / MATERIALIZED VIEW /
  // TABLE AS (its own CTE names left out), the source of CREATE TABLE … (LIKE source).
  std::vector<QName> reads;

  // kCopy
  bool copy_from_stdin = false;

  // kCreateFunction / kDo
  Rare<Routine> routine;

  // kCall, kSelect, kUpdate: the functions and procedures called, by name as written.
  std::vector<QName> calls;

  // kUpdate
  Box<Update> update;
};

// A comment in the source, from the scanner.
struct Comment {
  int begin = 0;
  int end = 0;
  std::string_view text(std::string_view file) const { return file.substr(begin, end - begin); }
};

}  // namespace lockstep::sql
