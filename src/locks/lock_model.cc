// The table-driven heart of lockstep. Each statement kind maps to the locks PostgreSQL's code
// takes (tablecmds.c AlterTableGetLockLevel, indexcmds.c, …), refined by the catalog (does the
// table exist, is a type change binary-coercible, is there a valid CHECK) and the version.
#include "locks/lock_model.h"

#include <algorithm>
#include <array>
#include <optional>

#include "locks/key_conversion.h"
#include "sql/parser.h"

namespace lockstep::locks {

using schema::Origin;
using sql::AlterType;
using sql::Kind;
using sql::QName;

std::string_view LockModeName(LockMode m) {
  static constexpr std::array<std::string_view, 9> kNames = {"",
                                                             "AccessShareLock",
                                                             "RowShareLock",
                                                             "RowExclusiveLock",
                                                             "ShareUpdateExclusiveLock",
                                                             "ShareLock",
                                                             "ShareRowExclusiveLock",
                                                             "ExclusiveLock",
                                                             "AccessExclusiveLock"};
  return kNames[static_cast<int>(m)];
}

LockMode ParseLockMode(std::string_view name) {
  for (int i = 1; i <= 8; ++i)
    if (LockModeName(static_cast<LockMode>(i)) == name) return static_cast<LockMode>(i);
  return LockMode::kNone;
}

bool Conflicts(LockMode requested, LockMode held) {
  // Row r, bit c: mode r conflicts with mode c (PostgreSQL's LockConflicts table, 1-based).
  static constexpr std::array<uint16_t, 9> kConflicts = {
      0,
      1 << 8,                                                           // AccessShare
      (1 << 7) | (1 << 8),                                              // RowShare
      (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8),                        // RowExclusive
      (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8),             // ShareUpdateExclusive
      (1 << 3) | (1 << 4) | (1 << 6) | (1 << 7) | (1 << 8),             // Share
      (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8),  // ShareRowExclusive
      (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8),  // Exclusive
      0x1FE,  // AccessExclusive
  };
  return (kConflicts[static_cast<int>(requested)] >> static_cast<int>(held)) & 1;
}

bool BlocksWrites(LockMode m) { return Conflicts(LockMode::kRowExclusive, m); }
bool BlocksReads(LockMode m) { return Conflicts(LockMode::kAccessShare, m); }

std::string_view BlocksTraffic(LockMode m) {
  if (BlocksReads(m)) return "reads and writes";
  if (BlocksWrites(m)) return "writes";
  return "";
}

bool IsBackfillableVolatileDefault(const sql::ColumnDef& col, int pg_version) {
  if (pg_version < 12 || col.identity || col.generated_stored || col.generated_virtual ||
      col.is_primary_key || col.is_unique || !col.default_expr || col.default_expr->has_subquery)
    return false;
  bool volatile_call = false;
  for (const std::string& f : col.default_expr->functions)
    volatile_call = volatile_call || IsVolatileFunction(f);
  if (!volatile_call) return false;
  using T = sql::Constraint::Type;
  for (const sql::Constraint& k : col.constraints)
    if (k.type != T::kDefault && k.type != T::kNull && k.type != T::kNotNull) return false;
  return true;
}

std::string_view SerialIntegerType(const sql::TypeRef& type) {
  // serial is a pseudo-type of the grammar, written unqualified.
  if (type.names.size() != 1) return "";
  const std::string& b = type.base();
  if (b == "serial" || b == "serial4") return "integer";
  if (b == "bigserial" || b == "serial8") return "bigint";
  if (b == "smallserial" || b == "serial2") return "smallint";
  return "";
}

bool IsBackfillableSerialColumn(const sql::ColumnDef& col, int pg_version) {
  if (pg_version < 12 || SerialIntegerType(col.type).empty() || col.type.array_dims != 0 ||
      col.identity || col.generated_stored || col.generated_virtual || col.is_primary_key ||
      col.is_unique || col.default_expr || !col.collation.empty())
    return false;
  for (const sql::Constraint& k : col.constraints)
    if (k.type != sql::Constraint::Type::kNotNull) return false;
  return true;
}

std::string_view IdentityIntegerType(const sql::TypeRef& type) {
  if (type.array_dims != 0 || !(type.names.size() == 1 || type.is_pg_catalog())) return "";
  const std::string& b = type.base();
  if (b == "int4" || b == "integer" || b == "int") return "integer";
  if (b == "int8" || b == "bigint") return "bigint";
  if (b == "int2" || b == "smallint") return "smallint";
  return "";
}

bool IsBackfillableIdentityColumn(const sql::ColumnDef& col, int pg_version) {
  if (pg_version < 12 || !col.identity || IdentityIntegerType(col.type).empty() ||
      col.generated_stored || col.generated_virtual || col.is_primary_key || col.is_unique ||
      col.default_expr || !col.collation.empty())
    return false;
  using T = sql::Constraint::Type;
  for (const sql::Constraint& k : col.constraints)
    if ((k.type != T::kIdentity && k.type != T::kNotNull) || k.names_sequence) return false;
  return true;
}

bool IsVolatileFunction(std::string_view f) {
  // Stable or immutable functions seen in defaults: evaluated once by ADD COLUMN, no rewrite.
  static constexpr std::string_view kNonVolatile[] = {"now",
                                                      "transaction_timestamp",
                                                      "statement_timestamp",
                                                      "current_date",
                                                      "current_timestamp",
                                                      "localtimestamp",
                                                      "current_time",
                                                      "localtime",
                                                      "current_user",
                                                      "current_schema",
                                                      "session_user",
                                                      "current_setting",
                                                      "to_timestamp",
                                                      "to_date",
                                                      "to_char",
                                                      "make_interval",
                                                      "make_date",
                                                      "make_timestamp",
                                                      "make_timestamptz",
                                                      "lower",
                                                      "upper",
                                                      "concat",
                                                      "coalesce",
                                                      "jsonb_build_object",
                                                      "json_build_object",
                                                      "jsonb_build_array",
                                                      "json_build_array",
                                                      "array",
                                                      "abs",
                                                      "length",
                                                      "date_trunc",
                                                      "timezone",
                                                      "nullif",
                                                      "greatest",
                                                      "least",
                                                      "replace",
                                                      "substring",
                                                      "trim",
                                                      "btrim",
                                                      "int4",
                                                      "int8",
                                                      "text",
                                                      "numeric",
                                                      "inet",
                                                      "array_fill",
                                                      "md5",
                                                      "gen_salt_noop"};
  for (std::string_view k : kNonVolatile)
    if (k == f) return false;
  return true;
}

namespace {

// Canonical spelling of a type's base name for comparisons.
std::string Canon(const sql::TypeRef& t) {
  const std::string& b = t.base();
  if (b == "int" || b == "integer") return "int4";
  if (b == "bigint") return "int8";
  if (b == "smallint") return "int2";
  if (b == "decimal") return "numeric";
  if (b == "character varying") return "varchar";
  if (b == "timestamp without time zone") return "timestamp";
  if (b == "timestamp with time zone") return "timestamptz";
  return b;
}

// Text-like types whose btree indexes use another operator family: an index on a column that
// changes between them is rebuilt even when the table is not rewritten.
bool IndexesChangeFamily(const sql::TypeRef& from, const sql::TypeRef& to) {
  auto family = [](const std::string& t) {
    return t == "citext" ? "citext" : t == "text" || t == "varchar" ? "text" : "";
  };
  const std::string f = family(Canon(from)), t = family(Canon(to));
  return !f.empty() && !t.empty() && f != t;
}

}  // namespace

bool IsBinaryCoercible(const sql::TypeRef& from, const sql::TypeRef& to, const Options& o) {
  if (from.array_dims != to.array_dims) return false;
  const std::string f = Canon(from), t = Canon(to);
  auto limit = [](const sql::TypeRef& r) -> int64_t {
    return r.typmods.empty() ? -1 : r.typmods[0];
  };
  if (f == t) {
    if (f == "varchar" || f == "bit varying" || f == "varbit") {
      // Unlimited or wider: no rewrite, no check.
      return limit(to) < 0 || (limit(from) >= 0 && limit(to) >= limit(from));
    }
    if (f == "numeric") {
      if (to.typmods.empty()) return true;
      if (from.typmods.empty()) return false;
      const int64_t ps = from.typmods.size() > 1 ? from.typmods[1] : 0;
      const int64_t pt = to.typmods.size() > 1 ? to.typmods[1] : 0;
      return to.typmods[0] >= from.typmods[0] && pt == ps;
    }
    if (f == "timestamp" || f == "timestamptz" || f == "time" || f == "timetz") {
      // PostgreSQL's TemporalSimplify: free when the new precision is unlimited, the maximum
      // (6, which is what no precision means), or no lower than the old one.
      return limit(to) < 0 || limit(to) >= 6 || (limit(from) >= 0 && limit(to) >= limit(from));
    }
    if (f == "interval") {
      // Typmods are {fields, precision} (fields alone for DAY TO HOUR …). interval_support: free
      // when the fields stay and the precision is unlimited, the maximum, or no lower.
      auto fields = [](const sql::TypeRef& r) -> int64_t {
        return r.typmods.empty() ? -1 : r.typmods[0];
      };
      auto precision = [](const sql::TypeRef& r) -> int64_t {
        return r.typmods.size() > 1 ? r.typmods[1] : -1;
      };
      if (to.typmods.empty()) return true;
      if (fields(to) != fields(from) && fields(to) != 0x7FFF) return false;
      return precision(to) < 0 || precision(to) >= 6 ||
             (precision(from) >= 0 && precision(to) >= precision(from));
    }
    return from.typmods == to.typmods;
  }
  if (f == "varchar" && t == "text") return true;
  if (f == "text" && t == "varchar") return limit(to) < 0;
  if (f == "bpchar" && (t == "text" || (t == "varchar" && limit(to) < 0))) return false;
  if (f == "cidr" && t == "inet") return true;
  if (f == "timestamp" && t == "timestamptz") return o.pg_version >= 12 && o.timezone_is_utc;
  if (f == "timestamptz" && t == "timestamp") return o.pg_version >= 12 && o.timezone_is_utc;
  if (f == "xml" && t == "text") return true;
  // citext's casts to and from text and varchar are WITHOUT FUNCTION (a length limit on the
  // target still needs its check); its indexes are another matter (IndexesChangeFamily).
  if ((f == "text" || f == "varchar") && t == "citext") return true;
  if (f == "citext" && (t == "text" || (t == "varchar" && limit(to) < 0))) return true;
  if (f == "jsonb" || t == "jsonb" || f == "json") return false;
  return false;
}

namespace {

// ALTER TABLE SET/RESET (options): only autovacuum, fillfactor, toast and planner options are
// SHARE UPDATE EXCLUSIVE; any other takes ACCESS EXCLUSIVE.
LockMode RelOptionsLock(const std::vector<std::string>& options) {
  LockMode m = LockMode::kShareUpdateExclusive;
  for (const std::string& o : options) {
    const bool weak = o.rfind("autovacuum_", 0) == 0 || o == "fillfactor" ||
                      o.rfind("toast", 0) == 0 || o == "parallel_workers" ||
                      o == "vacuum_truncate" || o == "vacuum_index_cleanup" ||
                      o == "log_autovacuum_min_duration" || o == "user_catalog_table" ||
                      o == "deduplicate_items" || o == "n_distinct" || o == "n_distinct_inherited";
    if (!weak) m = LockMode::kAccessExclusive;
  }
  return m;
}

Effect AnalyzeAt(const sql::Statement& s, const schema::Catalog& before, const Options& options,
                 int depth);

// Routines calling routines: deeper than this, the rest is not followed (and the entry says so).
constexpr int kMaxRoutineDepth = 8;

// The catalog a routine's statements run in: the one before the routine until a statement of it
// may change the schema (schema::Catalog::Changes), then a copy that follows its statements.
// Copying the whole history's catalog (hundreds of tables) for every DO block and call took a third
// of the front end's time on the Prisma corpus (bench/parse), and most routines change nothing that
// they read again.
class Scratch {
 public:
  explicit Scratch(const schema::Catalog& before) : before_(before) {}
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  const schema::Catalog& get() const { return copy_ ? *copy_ : before_; }
  void Apply(const sql::Statement& s) {
    if (!copy_) {
      if (!before_.Changes(s)) return;
      copy_.emplace(before_);
    }
    copy_->Apply(s);
  }

 private:
  const schema::Catalog& before_;
  std::optional<schema::Catalog> copy_;
};

class Builder {
 public:
  Builder(const sql::Statement& s, const schema::Catalog& c, const Options& o, int depth)
      : s_(s), cat_(c), opt_(o), depth_(depth) {}

  void Lock(const QName& raw, LockMode m, bool is_index = false) {
    if (raw.name.empty()) return;
    const QName q = cat_.Resolve(raw);
    for (RelationLock& l : e_.locks) {
      if (l.relation == q) {
        l.mode = std::max(l.mode, m);
        return;
      }
    }
    Origin origin = Origin::kUnknown;
    if (is_index) {
      if (const schema::Index* ix = cat_.FindIndex(q)) origin = cat_.OriginOf(ix->table);
    } else {
      origin = cat_.OriginOf(q);
    }
    e_.locks.push_back({q, m, is_index, origin});
  }
  void Rewrite(const QName& raw, bool with_indexes = true) {
    const QName q = cat_.Resolve(raw);
    if (std::find(e_.rewrites.begin(), e_.rewrites.end(), q) == e_.rewrites.end())
      e_.rewrites.push_back(q);
    if (!with_indexes) return;
    for (const schema::Index* ix : cat_.IndexesOn(q))
      if (std::find(e_.rewrites.begin(), e_.rewrites.end(), ix->name) == e_.rewrites.end())
        e_.rewrites.push_back(ix->name);
  }
  void Scan(const QName& raw) {
    const QName q = cat_.Resolve(raw);
    if (std::find(e_.scans.begin(), e_.scans.end(), q) == e_.scans.end()) e_.scans.push_back(q);
  }
  void Note(std::string n) { e_.notes.push_back(std::move(n)); }
  Effect Take() { return std::move(e_); }

  // A lock whose relation and origin were resolved elsewhere (a routine's statement, against the
  // catalog as the routine has changed it so far).
  void MergeLock(const RelationLock& l) {
    for (RelationLock& have : e_.locks) {
      if (have.relation == l.relation) {
        have.mode = std::max(have.mode, l.mode);
        return;
      }
    }
    e_.locks.push_back(l);
  }
  void Merge(const Effect& inner) {
    for (const RelationLock& l : inner.locks) MergeLock(l);
    for (const QName& q : inner.rewrites)
      if (std::find(e_.rewrites.begin(), e_.rewrites.end(), q) == e_.rewrites.end())
        e_.rewrites.push_back(q);
    for (const QName& q : inner.scans)
      if (std::find(e_.scans.begin(), e_.scans.end(), q) == e_.scans.end()) e_.scans.push_back(q);
    e_.fails_if_rows = e_.fails_if_rows || inner.fails_if_rows;
    for (const std::string& n : inner.notes)
      if (n != "cannot run inside a transaction block" &&
          std::find(e_.notes.begin(), e_.notes.end(), n) == e_.notes.end())
        e_.notes.push_back(n);
  }

  void Run();

 private:
  void CreateTable();
  void CreateIndex();
  void AlterSequence();
  void AlterTable();
  void AddColumn(const sql::AlterCmd& c);
  void AddConstraint(const sql::Constraint& k, const QName& table, bool is_new_column);
  void AlterColumnType(const sql::AlterCmd& c);
  void SetNotNull(const sql::AlterCmd& c);
  void SetExpression(const sql::AlterCmd& c);
  void DropColumn(const sql::AlterCmd& c);
  void ValidateConstraint(const sql::AlterCmd& c);
  void AlterConstraint(const sql::AlterCmd& c);
  void DropConstraint(const sql::AlterCmd& c);
  void AttachPartition(const sql::AlterCmd& c);
  void Drop();
  void Rename();
  void Truncate();
  void Vacuum();
  void Reindex();
  void RefreshMatView();
  // UPDATE, DELETE, MERGE.
  void ModifyRows();
  void SelectOrCall();
  void DoBlock();
  // Locks every index of a table (rewrites and reindexes rebuild them).
  void LockIndexesOf(const QName& table, LockMode m) {
    for (const schema::Index* ix : cat_.IndexesOn(table)) Lock(ix->name, m, true);
  }
  // A rewrite builds new storage for the table and rebuilds every index (reindex_relation opens
  // each under ACCESS EXCLUSIVE): pg_locks shows them all.
  void RewriteTable(const QName& table) {
    Rewrite(table);
    LockIndexesOf(table, LockMode::kAccessExclusive);
  }
  // A foreign key is validated by one query joining both tables (RI_Initial_Check); planning it
  // opens every index of both under ACCESS SHARE, held to the end of the transaction.
  void ValidationQueryLocks(const QName& table, const QName& referenced) {
    LockIndexesOf(table, LockMode::kAccessShare);
    LockIndexesOf(referenced, LockMode::kAccessShare);
  }
  // A relation a query reads: ACCESS SHARE from parse analysis, and when the query is planned
  // the planner opens every index of it too. Names the history does not know (a CTE, a
  // function) are left out.
  void ReadLock(const QName& r, bool planned) {
    if (!cat_.FindTable(r)) return;
    Lock(r, LockMode::kAccessShare);
    if (planned) LockIndexesOf(r, LockMode::kAccessShare);
  }
  // A valid CHECK on every partition-key column of a NOT NULL key lets ATTACH PARTITION skip
  // its scan. PostgreSQL proves the bound from the constraint; the model only sees that such a
  // constraint exists, which is how one is written for this purpose.
  bool BoundImpliedByCheck(const QName& parent, const QName& partition) const {
    const schema::Table* p = cat_.FindTable(parent);
    const schema::Table* t = cat_.FindTable(partition);
    if (!p || !t || p->partition_key.empty()) return false;
    for (const std::string& k : p->partition_key) {
      const schema::Column* col = k.empty() ? nullptr : t->FindColumn(k);
      if (!col || !col->not_null) return false;
    }
    for (const schema::Constraint& k : t->constraints) {
      if (k.type != sql::Constraint::Type::kCheck || !k.valid) continue;
      if (std::all_of(p->partition_key.begin(), p->partition_key.end(), [&](const std::string& c) {
            return std::find(k.columns.begin(), k.columns.end(), c) != k.columns.end();
          }))
        return true;
    }
    return false;
  }
  QName SequenceOf(const QName& table, const std::string& column) const {
    return schema::Catalog::OwnedSequenceName(cat_.Resolve(table), column);
  }
  std::vector<QName> OwnedSequences(const QName& table) const {
    std::vector<QName> out;
    if (const schema::Table* t = cat_.FindTable(table)) {
      for (const schema::Column& c : t->columns) {
        const std::string& b = c.type.base();
        const bool serial = b == "serial" || b == "bigserial" || b == "smallserial" ||
                            b == "serial2" || b == "serial4" || b == "serial8";
        if (serial || c.identity) out.push_back(SequenceOf(table, c.name));
      }
    }
    return out;
  }
  // Views and materialized views reading `relation` (and those reading them): DROP … CASCADE
  // drops them, each under ACCESS EXCLUSIVE.
  void LockDependentViews(const QName& relation) {
    for (const auto& entry : cat_.tables()) {
      // A named reference, not a structured binding: C++20 lambdas may not capture those
      // (clang refuses, and the fuzz build uses clang).
      const schema::Table& t = entry.second;
      if (std::find(t.reads.begin(), t.reads.end(), relation) == t.reads.end()) continue;
      const bool seen = std::any_of(e_.locks.begin(), e_.locks.end(), [&](const RelationLock& l) {
        return l.relation == t.name && l.mode == LockMode::kAccessExclusive;
      });
      if (seen) continue;
      Lock(t.name, LockMode::kAccessExclusive);
      LockIndexesOf(t.name, LockMode::kAccessExclusive);
      LockDependentViews(t.name);
    }
  }
  // Every partition below a partitioned table, depth first.
  std::vector<QName> PartitionsOf(const QName& parent) const {
    std::vector<QName> out;
    const QName p = cat_.Resolve(parent);
    for (const auto& [key, t] : cat_.tables()) {
      if (!(t.partition_of == p)) continue;
      out.push_back(t.name);
      for (const QName& q : PartitionsOf(t.name)) out.push_back(q);
    }
    return out;
  }
  // Indexes that contain `column` are dropped with it, or re-created by a type change.
  void LockIndexesOnColumn(const QName& table, const std::string& column) {
    for (const schema::Index* ix : cat_.IndexesOn(table))
      if (std::find(ix->columns.begin(), ix->columns.end(), column) != ix->columns.end())
        Lock(ix->name, LockMode::kAccessExclusive, true);
  }
  bool DefaultIsVolatile(const sql::Expr& e, std::string* why) const {
    if (e.has_subquery) {
      *why = "a sub-query";
      return true;
    }
    for (const std::string& f : e.functions) {
      if (f == "nextval") {
        *why = "nextval() (a sequence)";
        return true;
      }
      if (IsVolatileFunction(f)) {
        *why = "volatile function " + f + "()";
        return true;
      }
    }
    return false;
  }

  // What a routine runs (a DO block, a called function): each statement it was read to run,
  // in order, against a catalog that follows them; then its dynamic SQL. `read_after`: the
  // caller reads `scratch` again once this routine is done (a later call of the same statement).
  void RoutineBody(const sql::Statement& routine, const std::string& what, Scratch& scratch,
                   bool read_after);
  void Calls(Scratch& scratch);
  // Most calls are built-ins: a scratch catalog is set up only for a call the history defined.
  bool CallsKnownRoutine() const {
    return std::any_of(s_.calls.begin(), s_.calls.end(),
                       [&](const QName& f) { return cat_.FindFunction(f) != nullptr; });
  }

  const sql::Statement& s_;
  const schema::Catalog& cat_;
  const Options& opt_;
  const int depth_;
  Effect e_;
};

void Builder::RoutineBody(const sql::Statement& routine, const std::string& what, Scratch& scratch,
                          bool read_after) {
  const sql::Routine& r = *routine.routine;
  if (!r.body_unread.empty())
    Note(what + ": not all of it was read (" + r.body_unread + "): its locks are unknown");
  for (size_t i = 0; i < r.body.size(); ++i) {
    Merge(AnalyzeAt(r.body[i], scratch.get(), opt_, depth_ + 1));
    // Only what reads the scratch later needs this statement's effect in it.
    if (i + 1 < r.body.size() || !r.dynamic_sql.empty() || read_after) scratch.Apply(r.body[i]);
  }
  const schema::Catalog& cat = scratch.get();
  for (const sql::DynamicSql& d : r.dynamic_sql) {
    // Nothing in the text says what a computed string will run. Assume the worst on every
    // relation its constants name: ACCESS EXCLUSIVE, as most DDL takes.
    std::string named;
    for (const auto& [key, t] : cat.tables()) {
      if (std::find(d.names.begin(), d.names.end(), t.name.name) == d.names.end()) continue;
      MergeLock({t.name, LockMode::kAccessExclusive, false, cat.OriginOf(t.name)});
      for (const schema::Index* ix : cat.IndexesOn(t.name))
        MergeLock({ix->name, LockMode::kAccessExclusive, true, cat.OriginOf(t.name)});
      named += (named.empty() ? "" : ", ") + t.name.ToString();
    }
    std::string expr = d.expression.size() > 60 ? d.expression.substr(0, 57) + "..." : d.expression;
    Note(what + ": EXECUTE " + expr + " runs SQL computed at run time: its locks are unknown; " +
         (named.empty() ? std::string("its text names no relation of the history")
                        : "assuming ACCESS EXCLUSIVE on what it names (" + named + ")"));
  }
}

void Builder::Calls(Scratch& scratch) {
  for (size_t i = 0; i < s_.calls.size(); ++i) {
    const QName& f = s_.calls[i];
    const sql::Statement* fn = scratch.get().FindFunction(f);
    if (!fn) continue;  // a built-in, or not created by the history: nothing to read
    const std::string what = "calls " + scratch.get().Resolve(f).ToString() + "()";
    if (depth_ >= kMaxRoutineDepth) {
      Note(what + ": routines nested too deep to follow: its locks are unknown");
      continue;
    }
    RoutineBody(*fn, what, scratch, /*read_after=*/i + 1 < s_.calls.size());
  }
}

void Builder::Run() {
  e_.transactional = !sql::MustRunOutsideTransaction(s_);
  if (!s_.table.name.empty()) {
    const Origin o = cat_.OriginOf(s_.table);
    e_.new_table =
        o == Origin::kThisMigration || (s_.kind == Kind::kCreateTable && o == Origin::kUnknown);
  }
  switch (s_.kind) {
    // DDL on tables and indexes, and on what belongs to a table.
    case Kind::kCreateTable:
      CreateTable();
      break;
    case Kind::kAlterTable:
      AlterTable();
      break;
    case Kind::kCreateIndex:
      CreateIndex();
      break;
    case Kind::kDrop:
      Drop();
      break;
    case Kind::kRename:
      Rename();
      break;
    case Kind::kCreateTrigger:
      Lock(s_.table, LockMode::kShareRowExclusive);
      break;
    case Kind::kComment:
      if (!s_.table.name.empty()) Lock(s_.table, LockMode::kShareUpdateExclusive);
      break;
    case Kind::kCreatePolicy:
    case Kind::kAlterPolicy:
      Lock(s_.table, LockMode::kAccessExclusive);
      break;
    case Kind::kAlterObjectSchema:
      if (!s_.table.name.empty()) Lock(s_.table, LockMode::kAccessExclusive);
      break;
    case Kind::kCreateStatistics:
      Lock(s_.table, LockMode::kShareUpdateExclusive);
      break;
    case Kind::kAlterSequence:
      AlterSequence();
      break;
    // Maintenance: statements that empty, rewrite, scan or rebuild existing relations.
    case Kind::kTruncate:
      Truncate();
      break;
    case Kind::kVacuum:
      Vacuum();
      break;
    case Kind::kCluster:
      Lock(s_.table, LockMode::kAccessExclusive);
      RewriteTable(s_.table);
      break;
    case Kind::kReindex:
      Reindex();
      break;
    case Kind::kRefreshMatView:
      RefreshMatView();
      break;
    // DML and LOCK.
    case Kind::kLock:
      for (const QName& t : s_.tables) Lock(t, ParseLockMode(s_.lock_mode));
      break;
    case Kind::kInsert:
      Lock(s_.table, LockMode::kRowExclusive);
      break;
    case Kind::kUpdate:
    case Kind::kDelete:
    case Kind::kMerge:
      ModifyRows();
      break;
    // Statements built on a query, and routines.
    case Kind::kCall:
    case Kind::kSelect:
      SelectOrCall();
      break;
    case Kind::kCreateView:
      // Parse analysis opens what the query names; a view's query is never planned here.
      for (const QName& r : s_.reads) ReadLock(r, /*planned=*/false);
      // Replacing an existing view's query rewrites its rule under ACCESS EXCLUSIVE.
      if (s_.or_replace && cat_.FindTable(s_.table)) Lock(s_.table, LockMode::kAccessExclusive);
      break;
    case Kind::kCreateTableAs:
    case Kind::kCreateMatView:
      for (const QName& r : s_.reads) ReadLock(r, /*planned=*/!s_.with_no_data);
      break;
    case Kind::kDo:
      DoBlock();
      break;
    default:
      break;
  }
  if (!e_.transactional) Note("cannot run inside a transaction block");
}

void Builder::CreateIndex() {
  const sql::CreateIndex& ix = *s_.index;
  const LockMode m = ix.concurrently ? LockMode::kShareUpdateExclusive : LockMode::kShare;
  Lock(ix.table, m);
  const schema::Table* t = cat_.FindTable(ix.table);
  if (t && t->kind == schema::Table::Kind::kPartitioned) {
    // An index on a partitioned table is built on every partition (ON ONLY: on none, the
    // parent's index stays invalid until each partition's is attached); the parent has no
    // storage to scan.
    if (!ix.only) {
      for (const QName& p : PartitionsOf(ix.table)) {
        Lock(p, m);
        const schema::Table* pt = cat_.FindTable(p);
        if (pt && pt->kind != schema::Table::Kind::kPartitioned) Scan(p);
      }
    }
    return;
  }
  Scan(ix.table);
  if (ix.concurrently)
    Note("builds without blocking writes: two table scans, waits for older transactions");
}

void Builder::AlterSequence() {
  // AlterSequence: SHARE ROW EXCLUSIVE, and a new relfilenode for anything but OWNED BY.
  Lock(s_.table, LockMode::kShareRowExclusive);
  if (std::any_of(s_.sequence_options.begin(), s_.sequence_options.end(),
                  [](const std::string& o) { return o != "owned_by"; }))
    Rewrite(s_.table, false);
  // OWNED BY opens the owning table to find the column.
  for (size_t i = 1; i < s_.tables.size(); ++i) Lock(s_.tables[i], LockMode::kAccessShare);
}

void Builder::Truncate() {
  for (const QName& t : s_.tables) {
    Lock(t, LockMode::kAccessExclusive);
    RewriteTable(t);
    if (s_.restart_identity) {
      for (const QName& seq : OwnedSequences(t)) {
        Lock(seq, LockMode::kAccessExclusive);
        Rewrite(seq, false);  // ResetSequence gives it a new relfilenode
      }
    }
    if (s_.cascade)
      for (auto [tab, fk] : cat_.ReferencesTo(t)) {
        Lock(tab->name, LockMode::kAccessExclusive);
        RewriteTable(tab->name);
      }
  }
  Note("new empty relation files (instant, but ACCESS EXCLUSIVE)");
}

void Builder::Vacuum() {
  for (const QName& t : s_.tables) {
    Lock(t, s_.vacuum_full ? LockMode::kAccessExclusive : LockMode::kShareUpdateExclusive);
    if (s_.vacuum_full) {
      RewriteTable(t);
    } else {
      Scan(t);
      LockIndexesOf(t, LockMode::kRowExclusive);  // index entries of dead rows are removed
    }
  }
}

void Builder::RefreshMatView() {
  Lock(s_.table, s_.concurrently ? LockMode::kExclusive : LockMode::kAccessExclusive);
  if (const schema::Table* mv = cat_.FindTable(s_.table))
    for (const QName& r : mv->reads) ReadLock(r, /*planned=*/true);
  if (s_.concurrently) {
    LockIndexesOf(s_.table, LockMode::kRowExclusive);  // the diff is applied with DML
  } else {
    RewriteTable(s_.table);
  }
}

void Builder::ModifyRows() {
  // The planner opens every index of the target under the target's lock and keeps it; an
  // INSERT opens them only in the executor, which releases them when the statement ends.
  Lock(s_.table, LockMode::kRowExclusive);
  LockIndexesOf(s_.table, LockMode::kRowExclusive);
  Scan(s_.table);
  // UPDATE … FROM / DELETE … USING / sub-queries: read, planned with their indexes.
  for (const QName& r : s_.reads) ReadLock(r, /*planned=*/true);
  if (CallsKnownRoutine()) {
    Scratch scratch(cat_);
    Calls(scratch);
  }
}

void Builder::SelectOrCall() {
  // A SELECT's query is planned: its relations and their indexes are opened.
  for (const QName& r : s_.reads) ReadLock(r, /*planned=*/true);
  if (!CallsKnownRoutine()) return;
  Scratch scratch(cat_);
  Calls(scratch);
}

void Builder::DoBlock() {
  if (depth_ >= kMaxRoutineDepth) {
    Note("DO block nested too deep to follow: its locks are unknown");
    return;
  }
  Scratch scratch(cat_);
  RoutineBody(s_, "DO block", scratch, /*read_after=*/false);
}

void Builder::CreateTable() {
  Lock(s_.table, LockMode::kAccessExclusive);
  // The table being created is new whatever the history says (nobody else can see it yet).
  e_.locks.back().origin = Origin::kThisMigration;
  e_.new_table = true;
  if (!s_.table_details->partition_of.name.empty()) {
    Lock(s_.table_details->partition_of, LockMode::kAccessExclusive);
    Note("creating a partition locks the parent");
  }
  for (const QName& p : s_.table_details->inherits) Lock(p, LockMode::kShareUpdateExclusive);
  for (const QName& r : s_.reads) Lock(r, LockMode::kAccessShare);  // LIKE source
  auto fk = [&](const sql::Constraint& k) {
    if (k.type == sql::Constraint::Type::kForeignKey)
      Lock(k.ref_table, LockMode::kShareRowExclusive);
  };
  for (const auto& c : s_.columns)
    for (const auto& k : c.constraints) fk(k);
  for (const auto& k : s_.table_constraints) fk(k);
}

void Builder::AddConstraint(const sql::Constraint& k, const QName& table, bool is_new_column) {
  using T = sql::Constraint::Type;
  switch (k.type) {
    case T::kForeignKey:
      // FK additions are the one ALTER TABLE sub-command with a weaker lock.
      Lock(table, LockMode::kShareRowExclusive);
      Lock(k.ref_table, LockMode::kShareRowExclusive);
      if (k.not_enforced) {
        Note("NOT ENFORCED (PostgreSQL 18): no row is checked, now or later");
      } else if (!k.not_valid && !is_new_column) {
        Scan(table);
        ValidationQueryLocks(table, k.ref_table);
        if (cat_.OriginOf(table) != Origin::kThisMigration)
          Note("validates every existing row of " + cat_.Resolve(table).ToString());
      }
      break;
    case T::kCheck:
      Lock(table, LockMode::kAccessExclusive);
      if (k.not_enforced) {
        Note("NOT ENFORCED (PostgreSQL 18): no row is checked, now or later");
      } else if (!k.not_valid) {
        Scan(table);
        Note("validates every existing row under ACCESS EXCLUSIVE");
      }
      break;
    case T::kNotNull: {
      // ADD CONSTRAINT … NOT NULL col [NOT VALID] (PostgreSQL 18). NOT VALID reads no row; the
      // later VALIDATE CONSTRAINT scans under SHARE UPDATE EXCLUSIVE, like a CHECK's.
      Lock(table, LockMode::kAccessExclusive);
      const schema::Table* t = cat_.FindTable(table);
      bool already = t != nullptr && !k.columns.empty();
      for (const std::string& name : k.columns) {
        const schema::Column* c = t ? t->FindColumn(name) : nullptr;
        already = already && c && c->not_null;
      }
      if (k.not_valid) {
        Note(
            "NOT VALID (PostgreSQL 18): no scan now; VALIDATE CONSTRAINT scans later under SHARE "
            "UPDATE EXCLUSIVE");
      } else if (!already && !is_new_column) {
        Scan(table);
        Note("checks every existing row for NULLs under ACCESS EXCLUSIVE");
      }
      break;
    }
    case T::kPrimaryKey:
    case T::kUnique:
    case T::kExclusion:
      Lock(table, LockMode::kAccessExclusive);
      if (k.using_index.empty()) {
        Scan(table);
        Note("builds a unique index under ACCESS EXCLUSIVE");
      } else {
        // The index becomes the constraint's and is renamed after it (ShareUpdateExclusive).
        Lock(QName{cat_.Resolve(table).schema, k.using_index}, LockMode::kShareUpdateExclusive,
             true);
      }
      if (!k.using_index.empty() && k.type == T::kPrimaryKey) {
        // PK USING INDEX needs its columns NOT NULL: a scan unless they already are.
        if (const schema::Index* ix =
                cat_.FindIndex(QName{cat_.Resolve(table).schema, k.using_index})) {
          const schema::Table* t = cat_.FindTable(table);
          for (const auto& col : ix->columns) {
            const schema::Column* c = t ? t->FindColumn(col) : nullptr;
            if (c && !c->not_null) {
              Scan(table);
              break;
            }
          }
        }
      }
      break;
    default:
      Lock(table, LockMode::kAccessExclusive);
  }
}

void Builder::AddColumn(const sql::AlterCmd& c) {
  Lock(s_.table, LockMode::kAccessExclusive);
  if (!c.column) return;
  const sql::ColumnDef& col = *c.column;
  const std::string& base = col.type.base();
  const bool serial = base == "serial" || base == "bigserial" || base == "smallserial" ||
                      base == "serial4" || base == "serial8" || base == "serial2";
  std::string why;
  if (serial) {
    RewriteTable(s_.table);
    Note("serial column: every row gets nextval(), so the table is rewritten");
  } else if (col.identity) {
    RewriteTable(s_.table);
    Note("identity column: every row gets a value, so the table is rewritten");
  } else if (col.generated_stored) {
    RewriteTable(s_.table);
    Note("stored generated column: computed for every row, so the table is rewritten");
  } else if (col.generated_virtual) {
    Note("virtual generated column (PostgreSQL 18): computed when read, no rewrite");
    if (col.not_null) {
      // Its expression is evaluated for every existing row to check it (the catalogue's trace).
      Scan(s_.table);
      Note("NOT NULL on a virtual generated column: every existing row is checked");
    }
  } else if (col.default_expr && col.default_expr->kind != sql::Expr::Kind::kNull &&
             DefaultIsVolatile(*col.default_expr, &why)) {
    RewriteTable(s_.table);
    Note("default uses " + why + ": every row is rewritten");
  } else if (col.default_expr && col.default_expr->kind != sql::Expr::Kind::kNull &&
             opt_.pg_version < 11) {
    RewriteTable(s_.table);
    Note("before PostgreSQL 11 any default rewrites the table");
  } else if (col.not_null && !col.default_expr) {
    e_.fails_if_rows = true;
    Scan(s_.table);  // PostgreSQL checks the (empty) table for rows that would violate it
    Note("NOT NULL without a default fails on a table that has rows");
  }
  for (const sql::Constraint& k : col.constraints) {
    using T = sql::Constraint::Type;
    if (k.type == T::kForeignKey) Lock(k.ref_table, LockMode::kShareRowExclusive);
    if (k.type == T::kPrimaryKey || k.type == T::kUnique) {
      Scan(s_.table);
      Note("builds a unique index under ACCESS EXCLUSIVE");
    }
    if (k.type == T::kCheck && !k.not_valid) Scan(s_.table);
  }
}

void Builder::AlterColumnType(const sql::AlterCmd& c) {
  Lock(s_.table, LockMode::kAccessExclusive);
  const schema::Table* t = cat_.FindTable(s_.table);
  const schema::Column* col = t ? t->FindColumn(c.name) : nullptr;
  if (!c.column) return;
  if (!col) {
    Rewrite(s_.table);
    Note("column type unknown from the history: assuming a rewrite");
    return;
  }
  const std::string from = Canon(col->type), to = Canon(c.column->type);
  const bool tz_pair =
      (from == "timestamp" && to == "timestamptz") || (from == "timestamptz" && to == "timestamp");
  if (!c.has_using && IsBinaryCoercible(col->type, c.column->type, opt_)) {
    // Indexes on the column are still dropped and re-created: their storage is kept when the
    // new type indexes the same way, else each is built again from a scan of the table.
    LockIndexesOnColumn(s_.table, c.name);
    if (IndexesChangeFamily(col->type, c.column->type)) {
      for (const schema::Index* ix : cat_.IndexesOn(s_.table)) {
        if (std::find(ix->columns.begin(), ix->columns.end(), c.name) == ix->columns.end())
          continue;
        Rewrite(ix->name, false);
        Scan(s_.table);
      }
      Note("no table rewrite, but the indexes on " + c.name + " are rebuilt for the new type");
    } else {
      Note("binary-coercible type change: no rewrite");
    }
    // CHECK constraints on the column are re-added, hence re-validated by a scan.
    if (const schema::Table* tt = cat_.FindTable(s_.table)) {
      for (const schema::Constraint& k : tt->constraints) {
        if (k.type != sql::Constraint::Type::kCheck || !k.valid) continue;
        if (std::find(k.columns.begin(), k.columns.end(), c.name) == k.columns.end()) continue;
        Scan(s_.table);
        Note("CHECK " + k.name + " uses " + c.name + ": re-validated with a full scan");
      }
    }
    if (tz_pair)
      Note(
          "free only because the session TimeZone is UTC (lockstep assumes UTC); under any other "
          "time zone this rewrites the table");
    return;
  }
  if (tz_pair && opt_.pg_version >= 12)
    Note("rewrites because the session TimeZone is not UTC; under UTC this change is free");
  RewriteTable(s_.table);
  if (col->identity) {
    // The identity sequence follows the column's type (ALTER SEQUENCE … AS: new storage).
    Lock(SequenceOf(s_.table, c.name), LockMode::kShareRowExclusive);
    Rewrite(SequenceOf(s_.table, c.name), false);
  }
  Note("type change rewrites the table and rebuilds its indexes");
}

void Builder::SetNotNull(const sql::AlterCmd& c) {
  Lock(s_.table, LockMode::kAccessExclusive);
  const schema::Table* t = cat_.FindTable(s_.table);
  if (t && opt_.pg_version >= 12) {
    for (const schema::Constraint& k : t->constraints) {
      if (k.type == sql::Constraint::Type::kCheck && k.valid &&
          std::find(k.proves_not_null.begin(), k.proves_not_null.end(), c.name) !=
              k.proves_not_null.end()) {
        Note("a valid CHECK (" + c.name + " IS NOT NULL) proves it: no scan");
        return;
      }
    }
  }
  if (t && t->FindColumn(c.name) && t->FindColumn(c.name)->not_null) return;
  Scan(s_.table);
  Note("scans every row under ACCESS EXCLUSIVE to check for NULLs");
}

void Builder::AlterTable() {
  // Views, sequences and indexes can be targets of ALTER TABLE forms too.
  const bool is_index = s_.object_type == sql::ObjectType::kIndex;
  for (const sql::AlterCmd& c : s_.cmds) {
    switch (c.type) {
      // Columns.
      case AlterType::kAddColumn:
        AddColumn(c);
        break;
      case AlterType::kAlterColumnType:
        AlterColumnType(c);
        break;
      case AlterType::kSetNotNull:
        SetNotNull(c);
        break;
      case AlterType::kSetExpression:
        SetExpression(c);
        break;
      case AlterType::kDropColumn:
        DropColumn(c);
        break;
      case AlterType::kAddIdentity:
        Lock(s_.table, LockMode::kAccessExclusive);
        break;
      // Constraints.
      case AlterType::kAddConstraint:
        if (c.constraint) AddConstraint(*c.constraint, s_.table, false);
        break;
      case AlterType::kValidateConstraint:
        ValidateConstraint(c);
        break;
      case AlterType::kAlterConstraint:
        AlterConstraint(c);
        break;
      case AlterType::kDropConstraint:
        DropConstraint(c);
        break;
      // Partitions.
      case AlterType::kAttachPartition:
        AttachPartition(c);
        break;
      case AlterType::kDetachPartition:
        if (c.concurrently) {
          // Two transactions: SUE on both, then (after waiting for every user of the parent)
          // ACCESS EXCLUSIVE on the partition to finish the detach.
          Lock(s_.table, LockMode::kShareUpdateExclusive);
          Lock(c.partition, LockMode::kAccessExclusive);
        } else {
          Lock(s_.table, LockMode::kAccessExclusive);
          Lock(c.partition, LockMode::kAccessExclusive);
        }
        break;
      case AlterType::kDetachPartitionFinalize:
        Lock(s_.table, LockMode::kShareUpdateExclusive);
        Lock(c.partition, LockMode::kAccessExclusive);
        break;
      // Storage, statistics, clustering and triggers of the table.
      case AlterType::kSetStatistics:
      case AlterType::kSetColumnOptions:
      case AlterType::kClusterOn:
      case AlterType::kDropCluster:
        Lock(s_.table, LockMode::kShareUpdateExclusive, is_index);
        if (c.type == AlterType::kClusterOn)
          Lock(QName{cat_.Resolve(s_.table).schema, c.name}, LockMode::kShareUpdateExclusive, true);
        break;
      case AlterType::kSetRelOptions:
      case AlterType::kResetRelOptions:
        Lock(s_.table, RelOptionsLock(c.reloptions), is_index);
        break;
      case AlterType::kEnableTrigger:
      case AlterType::kDisableTrigger:
        Lock(s_.table, LockMode::kShareRowExclusive);
        break;
      case AlterType::kSetTablespace:
      case AlterType::kSetAccessMethod:
        Lock(s_.table, LockMode::kAccessExclusive, is_index);
        Rewrite(s_.table);
        break;
      case AlterType::kSetLogged:
      case AlterType::kSetUnlogged:
        Lock(s_.table, LockMode::kAccessExclusive);
        RewriteTable(s_.table);
        break;
      default:
        Lock(s_.table, LockMode::kAccessExclusive, is_index);
        break;
    }
  }
}

void Builder::SetExpression(const sql::AlterCmd& c) {
  // PostgreSQL 17: a STORED column is recomputed for every row (a rewrite); a VIRTUAL one
  // (18) only changes its definition.
  Lock(s_.table, LockMode::kAccessExclusive);
  const schema::Table* t = cat_.FindTable(s_.table);
  const schema::Column* col = t ? t->FindColumn(c.name) : nullptr;
  if (col && col->generated_virtual) {
    Note("virtual generated column: no rewrite");
  } else {
    RewriteTable(s_.table);
    Note("stored generated column: recomputed for every row, so the table is rewritten");
  }
}

void Builder::DropColumn(const sql::AlterCmd& c) {
  Lock(s_.table, LockMode::kAccessExclusive);
  LockIndexesOnColumn(s_.table, c.name);
  const schema::Table* t = cat_.FindTable(s_.table);
  if (t)
    for (const schema::Constraint& k : t->constraints)
      if (k.type == sql::Constraint::Type::kForeignKey &&
          std::find(k.columns.begin(), k.columns.end(), c.name) != k.columns.end())
        Lock(k.ref_table, LockMode::kAccessExclusive);
}

void Builder::ValidateConstraint(const sql::AlterCmd& c) {
  Lock(s_.table, LockMode::kShareUpdateExclusive);
  Scan(s_.table);
  const schema::Table* t = cat_.FindTable(s_.table);
  const schema::Constraint* k = t ? t->FindConstraint(c.name) : nullptr;
  if (k && k->type == sql::Constraint::Type::kForeignKey) {
    Lock(k->ref_table, LockMode::kRowShare);
    ValidationQueryLocks(s_.table, k->ref_table);
  }
  if (k && k->valid) Note("constraint is already valid: nothing to scan");
}

void Builder::AlterConstraint(const sql::AlterCmd& c) {
  Lock(s_.table, LockMode::kAccessExclusive);
  const schema::Table* t = cat_.FindTable(s_.table);
  const schema::Constraint* k = t ? t->FindConstraint(c.name) : nullptr;
  if (c.to_not_enforced) {
    // NOT ENFORCED (PostgreSQL 18) drops a foreign key's triggers, those on the table it
    // references too: ACCESS EXCLUSIVE there as well (the catalogue's trace).
    if (k && k->type == sql::Constraint::Type::kForeignKey)
      Lock(k->ref_table, LockMode::kAccessExclusive);
    return;
  }
  if (!c.to_enforced) return;
  // ENFORCED (PostgreSQL 18) checks every row now; a foreign key also locks the table it
  // references and creates its triggers there.
  if (k && k->type == sql::Constraint::Type::kForeignKey) {
    Lock(k->ref_table, LockMode::kShareRowExclusive);
    ValidationQueryLocks(s_.table, k->ref_table);
  }
  Scan(s_.table);
  Note("ENFORCED: checks every existing row under ACCESS EXCLUSIVE");
}

void Builder::DropConstraint(const sql::AlterCmd& c) {
  Lock(s_.table, LockMode::kAccessExclusive);
  const schema::Table* t = cat_.FindTable(s_.table);
  const schema::Constraint* k = t ? t->FindConstraint(c.name) : nullptr;
  if (k && k->type == sql::Constraint::Type::kForeignKey)
    Lock(k->ref_table, LockMode::kAccessExclusive);
}

void Builder::AttachPartition(const sql::AlterCmd& c) {
  Lock(s_.table,
       opt_.pg_version >= 12 ? LockMode::kShareUpdateExclusive : LockMode::kAccessExclusive);
  Lock(c.partition, LockMode::kAccessExclusive);
  // Each index of the parent gets its counterpart on the partition attached to it.
  LockIndexesOf(s_.table, LockMode::kShareUpdateExclusive);
  if (BoundImpliedByCheck(s_.table, c.partition)) {
    Note("a valid CHECK constraint on the partition key implies the bound: no scan");
  } else {
    Scan(c.partition);
    Note("scans the partition to check its bound (a valid CHECK implying it avoids that)");
  }
}

void Builder::Drop() {
  using O = sql::ObjectType;
  for (const QName& raw : s_.objects) {
    switch (s_.object_type) {
      case O::kTable:
      case O::kMatView:
      case O::kView:
      case O::kForeignTable: {
        Lock(raw, LockMode::kAccessExclusive);
        LockIndexesOf(raw, LockMode::kAccessExclusive);  // dropped with it
        for (const QName& seq : OwnedSequences(raw)) Lock(seq, LockMode::kAccessExclusive);
        // Dropping FK triggers locks the other side of each foreign key.
        if (const schema::Table* t = cat_.FindTable(raw)) {
          for (const schema::Constraint& k : t->constraints)
            if (k.type == sql::Constraint::Type::kForeignKey)
              Lock(k.ref_table, LockMode::kAccessExclusive);
        }
        for (auto [tab, fk] : cat_.ReferencesTo(raw))
          if (!(tab->name == cat_.Resolve(raw))) Lock(tab->name, LockMode::kAccessExclusive);
        if (s_.cascade) LockDependentViews(cat_.Resolve(raw));
        break;
      }
      case O::kIndex: {
        const schema::Index* ix = cat_.FindIndex(raw);
        const LockMode m =
            s_.concurrently ? LockMode::kShareUpdateExclusive : LockMode::kAccessExclusive;
        if (!ix && s_.if_exists) {
          Note("index " + raw.ToString() +
               " is not in the replayed history: IF EXISTS makes it a no-op");
          break;
        }
        if (ix)
          Lock(ix->table, m);
        else
          Note("index " + raw.ToString() + " is not in the replayed history: its table is unknown");
        Lock(raw, LockMode::kAccessExclusive, true);
        break;
      }
      case O::kTrigger:
      case O::kPolicy:
      case O::kRule:
        Lock(s_.table, LockMode::kAccessExclusive);
        break;
      case O::kStatistics:
        if (const QName* t = cat_.StatisticsTable(raw))
          Lock(*t, LockMode::kShareUpdateExclusive);
        else
          Note("statistics " + raw.ToString() +
               " is not in the replayed history: its table is unknown");
        break;
      case O::kType:
      case O::kDomain: {
        if (!s_.cascade) break;
        // CASCADE drops every column of the type (with its indexes) and every default that
        // casts to it: ALTER TABLE … DROP COLUMN / DROP DEFAULT on each table.
        const QName type = cat_.Resolve(raw);
        for (const auto& [key, t] : cat_.tables()) {
          for (const schema::Column& c : t.columns) {
            if (cat_.UsesType(c.type, type)) {
              Lock(t.name, LockMode::kAccessExclusive);
              LockIndexesOnColumn(t.name, c.name);
              Note("drops column " + t.name.ToString() + "." + c.name + " (of type " +
                   type.ToString() + ")");
            } else if (c.default_expr && schema::Catalog::DefaultUsesType(*c.default_expr, type)) {
              Lock(t.name, LockMode::kAccessExclusive);
              Note("drops the default of " + t.name.ToString() + "." + c.name);
            }
          }
        }
        break;
      }
      default:
        break;
    }
  }
}

void Builder::Rename() {
  using O = sql::ObjectType;
  switch (s_.object_type) {
    case O::kIndex:
      // PostgreSQL 12+ renames an index under SHARE UPDATE EXCLUSIVE.
      Lock(s_.table,
           opt_.pg_version >= 12 ? LockMode::kShareUpdateExclusive : LockMode::kAccessExclusive,
           true);
      break;
    case O::kConstraint:
      Lock(s_.table, LockMode::kAccessExclusive);
      // The backing index of a UNIQUE / PRIMARY KEY / EXCLUDE constraint is renamed with it.
      if (const schema::Table* t = cat_.FindTable(s_.table))
        if (const schema::Constraint* k = t->FindConstraint(s_.rename_from);
            k && !k->index_name.empty())
          Lock(QName{t->name.schema, k->index_name},
               opt_.pg_version >= 12 ? LockMode::kShareUpdateExclusive : LockMode::kAccessExclusive,
               true);
      break;
    case O::kTable:
    case O::kColumn:
    case O::kView:
    case O::kMatView:
    case O::kTrigger:
    case O::kPolicy:
    case O::kRule:
      Lock(s_.table, LockMode::kAccessExclusive);
      break;
    default:
      break;
  }
}

void Builder::Reindex() {
  // CONCURRENTLY builds a new index under SHARE UPDATE EXCLUSIVE, swaps it in, and drops the old
  // one at the end under ACCESS EXCLUSIVE (a short lock, but one that waits for its readers).
  const LockMode table_mode = s_.concurrently ? LockMode::kShareUpdateExclusive : LockMode::kShare;
  const LockMode index_mode = LockMode::kAccessExclusive;
  if (s_.reindex->target == sql::ReindexTarget::kIndex) {
    const QName& raw = s_.reindex->index;
    if (const schema::Index* ix = cat_.FindIndex(raw)) {
      Lock(ix->table, table_mode);
      Scan(ix->table);
    }
    Lock(raw, index_mode, true);
    Rewrite(raw, false);
  } else if (s_.reindex->target == sql::ReindexTarget::kTable) {
    Lock(s_.table, table_mode);
    Scan(s_.table);
    for (const schema::Index* ix : cat_.IndexesOn(s_.table)) {
      Lock(ix->name, index_mode, true);
      Rewrite(ix->name, false);
    }
  }
}

}  // namespace

namespace {

Effect AnalyzeAt(const sql::Statement& s, const schema::Catalog& before, const Options& options,
                 int depth) {
  Builder b(s, before, options, depth);
  b.Run();
  return b.Take();
}

}  // namespace

Effect Analyze(const sql::Statement& s, const schema::Catalog& before, const Options& options) {
  return AnalyzeAt(s, before, options, 0);
}

std::string TypeChangeRewriteBlocker(const std::vector<sql::Statement>& statements, size_t index,
                                     size_t cmd, const schema::Catalog& before,
                                     const Options& options) {
  if (index >= statements.size()) return "no such statement";
  const sql::Statement& s = statements[index];
  if (s.kind != sql::Kind::kAlterTable || cmd >= s.cmds.size()) return "not an ALTER TABLE";
  const sql::AlterCmd& c = s.cmds[cmd];
  if (c.type != sql::AlterType::kAlterColumnType || !c.column) return "not a type change";
  // A primary key, or a column referencing one the migration also converts: the whole group is
  // converted together (fix's key_type_change.cc), or not at all.
  if (IsKeyConversionMember(statements, index, cmd, before))
    return KeyConversionBlocker(statements, index, cmd, before, options);
  // The other actions would have to be split around the expand and the swap.
  if (s.cmds.size() != 1) return "the ALTER TABLE does more than change the type";
  // SET NOT NULL of the new column is proven by a validated CHECK only from PostgreSQL 12.
  if (options.pg_version < 12) return "PostgreSQL before 12 cannot SET NOT NULL without a scan";
  const schema::Table* t = before.FindTable(s.table);
  if (!t) return "the table is not in the migration history";
  if (t->kind != schema::Table::Kind::kTable) return "the table is partitioned or not a table";
  const schema::Column* col = t->FindColumn(c.name);
  if (!col) return "the column is not in the migration history";
  if (col->identity || col->generated) return "the column is an identity or generated column";
  if (col->default_expr && col->default_expr->kind != sql::Expr::Kind::kConst &&
      col->default_expr->kind != sql::Expr::Kind::kNull)
    // A sequence (serial) must move with it, and an expression's text is not in the catalog.
    return "the column's default is not a constant (a sequence or an expression)";
  if (c.has_using && c.default_expr && c.default_expr->has_subquery)
    return "the USING expression has a subquery (a trigger cannot evaluate it per row alike)";
  const sql::QName table = before.Resolve(s.table);
  bool keyed = false;
  for (const schema::Constraint& k : t->constraints) {
    keyed = keyed || k.type == sql::Constraint::Type::kPrimaryKey;
    if (k.columns.empty() ||
        std::find(k.columns.begin(), k.columns.end(), c.name) != k.columns.end())
      return "the column is part of constraint " + k.name +
             " (keys, foreign keys and checks are not moved to the new column yet)";
  }
  // lockstep deploy batches the backfill over the primary key.
  if (!keyed) return "the table has no primary key to batch the backfill over";
  // The swap renames the column: what later statements of the migration do to the table would
  // land on the old one.
  for (size_t i = index + 1; i < statements.size(); ++i)
    if (!statements[i].table.name.empty() && before.Resolve(statements[i].table) == table)
      return "a later statement of the migration uses the table";
  // Prisma's enum change renames and drops the column's old type after the ALTER: the old column
  // keeps that type until the contract, so the type cannot go in this migration.
  for (size_t i = index + 1; i < statements.size(); ++i) {
    const sql::Statement& o = statements[i];
    if (o.kind == sql::Kind::kAlterEnum || o.kind == sql::Kind::kAlterType ||
        ((o.kind == sql::Kind::kDrop || o.kind == sql::Kind::kRename) &&
         (o.object_type == sql::ObjectType::kType || o.object_type == sql::ObjectType::kDomain)))
      return "a later statement of the migration alters, renames or drops a type (the old "
             "column keeps its type until the contract phase)";
  }
  for (const auto& [name, other] : before.tables()) {
    for (const schema::Constraint& k : other.constraints)
      if (k.type == sql::Constraint::Type::kForeignKey && k.ref_table == table &&
          std::find(k.ref_columns.begin(), k.ref_columns.end(), c.name) != k.ref_columns.end())
        return "foreign key " + k.name + " of " + other.name.ToString() +
               " references the column (not converted with it yet)";
    if (std::find(other.reads.begin(), other.reads.end(), table) != other.reads.end())
      // A view follows the renamed old column, and the contract could not drop it.
      return "view " + other.name.ToString() + " reads the table";
  }
  for (const schema::Index* ix : before.IndexesOn(table))
    if (ix->has_expressions || ix->partial ||
        std::find(ix->columns.begin(), ix->columns.end(), c.name) != ix->columns.end())
      return "index " + ix->name.ToString() +
             " may use the column (indexes are not re-created on the new column yet)";
  return "";
}

}  // namespace lockstep::locks
