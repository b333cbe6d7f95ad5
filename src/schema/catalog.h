// The schema model: an in-memory catalog built by replaying a migration history statement by
// statement. It knows what existed before the migration under analysis, so that rules and the
// lock model can tell a table created a few lines earlier (nobody else can see it: locking it is
// harmless) from a table that production traffic is using.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "sql/ast.h"

namespace lockstep::schema {

// Where a relation came from, relative to the migration being analysed.
enum class Origin {
  kExisting,       // created by an earlier migration of the history: assume it is live and has rows
  kThisMigration,  // created earlier in the migration being analysed (or in its transaction)
  kUnknown,        // never seen: not in the replayed history (say so, don't guess)
};
std::string_view OriginName(Origin o);

struct Column {
  std::string name;
  sql::TypeRef type;
  bool not_null = false;
  std::optional<sql::Expr> default_expr;
  bool identity = false;
  bool generated = false;
  bool generated_virtual = false;  // VIRTUAL (PostgreSQL 18): computed when read, never stored
};

struct Constraint {
  std::string name;
  sql::Constraint::Type type = sql::Constraint::Type::kOther;
  std::vector<std::string> columns;
  sql::QName ref_table;  // FK: the referenced table (schema resolved)
  std::vector<std::string> ref_columns;
  bool valid = true;                         // false while NOT VALID
  std::vector<std::string> proves_not_null;  // CHECK (col IS NOT NULL …)
  // CHECK: its conditions when it is only simple conditions on single columns, nullopt when it
  // is anything else (sql::Expr::column_conditions).
  std::optional<std::vector<sql::ColumnCondition>> check_conditions;
  std::string index_name;  // UNIQUE/PK: the backing index
  Origin origin = Origin::kExisting;
};

struct Index {
  sql::QName name;  // schema of the table
  sql::QName table;
  std::string method = "btree";
  std::vector<std::string> columns;  // "" for an expression element
  std::vector<bool> descending;
  std::vector<std::string> opclasses;  // "" where default
  bool unique = false;
  bool primary = false;
  bool partial = false;
  bool has_expressions = false;
  bool constraint_backed = false;  // owned by a UNIQUE/PK constraint
  Origin origin = Origin::kExisting;
  // Two indexes with equal signatures index the same thing (duplicate detection).
  std::string Signature() const;
};

struct Table {
  sql::QName name;
  enum class Kind { kTable, kPartitioned, kView, kMatView, kForeignTable } kind = Kind::kTable;
  // In table order. Read and change freely, but add, remove and rename columns only through
  // AddColumn / RemoveColumn / RenameColumn, which keep FindColumn's index in step.
  std::vector<Column> columns;
  std::vector<Constraint> constraints;
  sql::QName partition_of;                 // set for a partition
  std::vector<std::string> partition_key;  // of a partitioned table ("" for an expression)
  std::vector<sql::QName> reads;           // a view's or materialized view's source relations
  bool unlogged = false;
  Origin origin = Origin::kExisting;
  std::string created_in;  // name of the migration that created it

  // The first column of this name, or null. Costs the same however many columns the table has.
  const Column* FindColumn(const std::string& name) const;
  Column* FindColumn(const std::string& name);
  const Constraint* FindConstraint(const std::string& name) const;
  void AddColumn(Column c);
  // Removes every column named `name`.
  void RemoveColumn(const std::string& name);
  // Renames the first column named `from`, if any.
  void RenameColumn(const std::string& from, const std::string& to);

 private:
  void IndexColumns();
  // Position in `columns` of the first column of each name. FindColumn runs for most ALTER
  // TABLE commands: a scan of the columns made thousands of ADD COLUMN on one table quadratic.
  std::unordered_map<std::string, size_t> column_at_;
};

struct Enum {
  sql::QName name;
  std::vector<std::string> values;
  Origin origin = Origin::kExisting;
};

// Not thread-safe for writes; const methods may be called concurrently.
class Catalog {
 public:
  explicit Catalog(std::string default_schema = "public");

  // Starts a new migration: every object known so far becomes kExisting.
  void BeginMigration(const std::string& name);
  // Starts a migration that runs in the same transaction as the one before it (a Prisma 8 run):
  // what that transaction created stays kThisMigration, invisible to other sessions until it
  // commits.
  void ContinueMigration(const std::string& name);
  // Updates the model with the effect of one statement (unknown statements leave it unchanged).
  void Apply(const sql::Statement& s);
  // False when Apply(s) is sure to leave the model as it is: a SELECT, UPDATE or CALL whose
  // called routines (those the history created) run only such statements, a DO block of only
  // such statements. True for everything else (which may still change nothing). Lets a caller
  // that would copy the catalog before applying skip the copy.
  bool Changes(const sql::Statement& s) const;

  // Fills in the schema of an unqualified name.
  sql::QName Resolve(const sql::QName& q) const;

  const Table* FindTable(const sql::QName& q) const;
  const Index* FindIndex(const sql::QName& q) const;
  const Enum* FindEnum(const sql::QName& q) const;
  // The last CREATE [OR REPLACE] FUNCTION/PROCEDURE of this name (overloads are not told apart),
  // as its statement: its body holds the statements lockstep read. Null when never created.
  const sql::Statement* FindFunction(const sql::QName& q) const;
  std::vector<const Index*> IndexesOn(const sql::QName& table) const;
  // The first index in key order whose Signature() is `signature` (so on the same table), among
  // the unique ones only when `unique_only`; nullptr if none. Costs the same however many
  // indexes the table has (duplicate detection runs for every new index).
  const Index* FirstIndexWithSignature(const std::string& signature, bool unique_only) const;
  // FKs of other tables that reference `table`.
  std::vector<std::pair<const Table*, const Constraint*>> ReferencesTo(
      const sql::QName& table) const;
  // kUnknown when the table was never seen. Sequences (created, or owned by a serial or
  // identity column) count as relations here too.
  Origin OriginOf(const sql::QName& table) const;
  // The sequence a serial or identity column owns, named as PostgreSQL names it:
  // <table>_<column>_seq, the longer part shortened until the name fits in 63 bytes.
  static sql::QName OwnedSequenceName(const sql::QName& table, const std::string& column);
  // True when a column type is `type` (schema resolved), or a default casts to it.
  bool UsesType(const sql::TypeRef& t, const sql::QName& type) const;
  static bool DefaultUsesType(const sql::Expr& e, const sql::QName& type);
  // The table a CREATE STATISTICS object is on; null when unknown.
  const sql::QName* StatisticsTable(const sql::QName& q) const;

  const std::map<std::string, Table>& tables() const { return tables_; }
  const std::map<std::string, Index>& indexes() const { return indexes_; }
  const std::string& current_migration() const { return current_migration_; }

 private:
  static std::string Key(const sql::QName& q) { return q.schema + "." + q.name; }
  // Key of indexes_by_table_: exact (NUL cannot occur in an identifier), so that it groups the
  // indexes whose `table` compares equal, as a scan of indexes_ would.
  static std::string TableKey(const sql::QName& q) { return q.Key(); }
  // Key of indexes_by_signature_: the signature and whether the index is unique (NUL cannot
  // occur in a signature, made of identifiers).
  static std::string SignatureKey(const std::string& signature, bool unique) {
    return signature + '\0' + (unique ? 'u' : 'n');
  }
  static std::string SignatureKey(const Index& ix) {
    return SignatureKey(ix.Signature(), ix.unique);
  }
  bool Changes(const sql::Statement& s, int call_depth) const;
  Table* MutableTable(const sql::QName& q);
  void AddIndex(Index ix);
  // Every change to indexes_ goes through these four, which keep indexes_by_table_ and
  // indexes_by_signature_ in step.
  void PutIndex(Index ix);
  std::map<std::string, Index>::iterator EraseIndex(std::map<std::string, Index>::iterator it);
  void MoveIndexes(const sql::QName& from, const sql::QName& to);  // the table was renamed
  void RenameIndexedColumn(const sql::QName& table, const std::string& from, const std::string& to);
  void AddConstraint(Table& t, const sql::Constraint& c, const std::vector<std::string>& cols);
  void ApplyCreateTable(const sql::Statement& s);
  void ApplyAlterTable(const sql::Statement& s);
  void ApplyDrop(const sql::Statement& s);
  void ApplyRename(const sql::Statement& s);
  // Removes a column with the indexes and constraints on it.
  void DropColumn(Table& t, const std::string& column);
  // DROP … CASCADE of a table or view: what depends on it goes too (FKs, views reading it).
  void DropDependentsOf(const sql::QName& relation);
  // Serial and identity columns own a sequence.
  void AddOwnedSequences(const Table& t);

  std::string default_schema_;
  std::string current_migration_;
  // Keys of objects created or changed in the current migration, so that BeginMigration only
  // revisits those (replaying a long history stays linear).
  std::vector<std::string> fresh_tables_;
  std::vector<std::string> fresh_indexes_;
  std::vector<std::string> fresh_enums_;
  std::map<std::string, Table> tables_;
  std::map<std::string, Index> indexes_;
  // Keys (of indexes_) of the indexes of each table: IndexesOn runs for most statements (the
  // lock model, several rules), and scanning every index of the history each time made linting
  // one long file quadratic.
  std::map<std::string, std::set<std::string>> indexes_by_table_;
  // Keys (of indexes_) by SignatureKey(): ban-duplicate-index asks for every new index, and
  // comparing it with each index of its table made many indexes on one table quadratic.
  std::unordered_map<std::string, std::set<std::string>> indexes_by_signature_;
  std::map<std::string, Enum> enums_;
  // Shared, never changed once stored: a routine's statement (with the statements of its body)
  // is large, and the lock model copies the catalog to replay a DO block or a call.
  std::map<std::string, std::shared_ptr<const sql::Statement>> functions_;
  // Sequences (key -> name of the migration that created it): their locks need an origin.
  std::map<std::string, std::string> sequences_;
  std::map<std::string, sql::QName> statistics_;  // statistics object -> its table
  // Calls being applied (CALL p() inside p's own body must not recurse forever).
  static constexpr int kMaxCallDepth = 8;
  int call_depth_ = 0;
};

}  // namespace lockstep::schema
