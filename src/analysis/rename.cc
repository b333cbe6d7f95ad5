#include "analysis/rename.h"

#include <algorithm>
#include <cstdlib>

#include "sql/quote.h"

namespace lockstep::analysis {
namespace {

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The first view or materialized view that reads `table`, or null.
const schema::Table* ViewReading(const schema::Catalog& c, const sql::QName& table) {
  for (const auto& [key, t] : c.tables())
    if ((t.kind == schema::Table::Kind::kView || t.kind == schema::Table::Kind::kMatView) &&
        std::find(t.reads.begin(), t.reads.end(), table) != t.reads.end())
      return &t;
  return nullptr;
}

bool Numeric(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return *end == '\0';
}

}  // namespace

std::optional<std::string> TypeSql(const sql::TypeRef& t) {
  if (t.names.empty() || t.has_nonconst_typmods) return std::nullopt;
  // INTERVAL's modifiers encode its fields (DAY TO SECOND): not writable as plain numbers.
  if (t.base() == "interval" && !t.typmods.empty()) return std::nullopt;
  std::string out;
  for (const std::string& n : t.names) out += (out.empty() ? "" : ".") + sql::QuoteIdent(n);
  if (!t.typmods.empty()) {
    out += '(';
    for (size_t i = 0; i < t.typmods.size(); ++i)
      out += (i ? "," : "") + std::to_string(t.typmods[i]);
    out += ')';
  }
  for (int i = 0; i < t.array_dims; ++i) out += "[]";
  return out;
}

std::optional<std::string> DefaultSql(const sql::Expr& e) {
  using K = sql::Expr::Kind;
  if (e.kind == K::kNull) return "NULL";
  if (e.kind == K::kConst && e.cast_types.empty() && e.functions.empty()) {
    // The model keeps a constant's value, not how it was written: a number or boolean is written
    // bare, anything else as a string literal, which PostgreSQL coerces to the column's type as
    // it did the original (`'USER'` for an enum, `'x'` for text).
    if (Numeric(e.const_value) || e.const_value == "true" || e.const_value == "false")
      return e.const_value;
    std::string q = "'";
    for (char c : e.const_value) q += c == '\'' ? std::string("''") : std::string(1, c);
    return q + "'";
  }
  if (e.kind == K::kSqlValueFunction && e.sql_value_functions.size() == 1 && e.functions.empty() &&
      e.cast_types.empty()) {
    const std::string& f = e.sql_value_functions.front();
    if (f == "current_timestamp" || f == "current_date" || f == "localtimestamp") {
      std::string up = f;
      std::transform(up.begin(), up.end(), up.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      return up;
    }
  }
  return std::nullopt;
}

std::string ColumnRenameBlocker(const schema::Catalog& before, const sql::Statement& s) {
  const sql::QName tab = before.Resolve(s.table);
  const schema::Table* t = before.FindTable(tab);
  if (!t) return "the table is not in the replayed history";
  if (t->kind != schema::Table::Kind::kTable)
    return "only a plain table is rewritten (not a partitioned table, view or foreign table)";
  const schema::Column* c = t->FindColumn(s.rename_from);
  if (!c) return "the column is not in the replayed history";
  if (t->FindColumn(s.rename_to)) return "the table already has a column " + s.rename_to;
  if (const schema::Table* v = ViewReading(before, tab))
    return "view " + v->name.ToString() +
           " reads the table: PostgreSQL renames the column inside the view, but a new column "
           "would not be in it, and the contract's DROP COLUMN would fail on it";
  for (const schema::Column& g : t->columns)
    if (g.generated)
      return "generated column " + g.name +
             " may compute from it: it would keep reading the old column, which the contract "
             "drops";
  if (c->identity) return "it is an identity column (its sequence belongs to the old column)";
  if (c->generated) return "it is a generated column";
  const std::string& base = c->type.base();
  if (base == "serial" || base == "bigserial" || base == "smallserial" || base == "serial2" ||
      base == "serial4" || base == "serial8" ||
      (c->default_expr &&
       std::find(c->default_expr->functions.begin(), c->default_expr->functions.end(), "nextval") !=
           c->default_expr->functions.end()))
    return "its default takes a sequence the old column owns (serial): dropping the old column "
           "would drop the sequence";
  if (!TypeSql(c->type)) return "lockstep cannot write its type out exactly";
  if (c->default_expr && !DefaultSql(*c->default_expr))
    return "lockstep does not keep the text of its default (only constants and "
           "CURRENT_TIMESTAMP-like defaults are copied)";
  auto uses = [&](const schema::Constraint& k) {
    if (Has(k.columns, s.rename_from)) return true;
    if (k.type != sql::Constraint::Type::kCheck) return false;
    if (!k.check_conditions) return true;
    for (const sql::ColumnCondition& cc : *k.check_conditions)
      if (cc.column == s.rename_from) return true;
    return false;
  };
  for (const schema::Constraint& k : t->constraints)
    if (uses(k))
      return Has(k.columns, s.rename_from)
                 ? "constraint " + k.name +
                       " uses it: keys, foreign keys and checks are not moved to a new column yet"
                 : "CHECK " + k.name + " may use it (lockstep cannot read its condition)";
  for (const auto& [other, fk] : before.ReferencesTo(tab))
    if (Has(fk->ref_columns, s.rename_from))
      return "foreign key " + fk->name + " of " + other->name.ToString() + " references it";
  for (const schema::Index* ix : before.IndexesOn(tab)) {
    if (ix->has_expressions || ix->partial)
      return "index " + ix->name.ToString() +
             " has an expression or a predicate, which may use the column and which lockstep "
             "does not keep the text of";
    if (Has(ix->columns, s.rename_from) && (ix->constraint_backed || ix->primary))
      return "index " + ix->name.ToString() + " backs a constraint on it";
  }
  return "";
}

std::string TableRenameBlocker(const schema::Catalog& before, const sql::Statement& s) {
  const schema::Table* t = before.FindTable(before.Resolve(s.table));
  if (!t) return "the table is not in the replayed history";
  if (t->kind != schema::Table::Kind::kTable && t->kind != schema::Table::Kind::kPartitioned)
    return "only a table is rewritten (a view over it is automatically updatable)";
  return "";
}

bool IsCompatibilityView(const schema::Catalog& before, const sql::Statement& rename,
                         const sql::Statement& next) {
  if (next.kind != sql::Kind::kCreateView || next.or_replace) return false;
  const sql::QName old = before.Resolve(rename.table);
  const sql::QName renamed{old.schema, rename.rename_to};
  return before.Resolve(next.table) == old && next.reads.size() == 1 &&
         before.Resolve(next.reads.front()) == renamed;
}

namespace {

bool IsColumnRename(const sql::Statement& s) {
  return s.kind == sql::Kind::kRename && s.object_type == sql::ObjectType::kColumn;
}

}  // namespace

void RenameWalk::UseBy(const sql::Statement& s, const std::string& key, const SourceFile& source) {
  auto it = open_.find(key);
  if (it == open_.end()) return;
  std::vector<Open>& renames = it->second;
  for (auto r = renames.begin(); r != renames.end();) {
    if (later_use_.count(r->ordinal)) {  // answered through its other name (a table rename)
      r = renames.erase(r);
      continue;
    }
    if (!r->table_rename && IsColumnRename(s) && s.rename_from != r->rename_from &&
        s.rename_from != r->rename_to && s.rename_to != r->rename_from &&
        s.rename_to != r->rename_to) {
      ++r;
      continue;
    }
    later_use_[r->ordinal] = "a later statement uses the table (line " +
                             std::to_string(source.PositionOf(s.begin).line) + ")";
    r = renames.erase(r);
  }
  if (renames.empty()) open_.erase(it);
}

void RenameWalk::EndTransaction(bool committed) {
  if (committed && transaction_) {
    // Per table and name: the last rename to it and the first rename away from it.
    std::map<std::string, size_t> last_to, first_from;
    for (const SwapPart& p : *transaction_) {
      last_to[p.table + '\0' + p.rename_to] = p.ordinal;
      first_from.try_emplace(p.table + '\0' + p.rename_from, p.ordinal);
    }
    for (const SwapPart& p : *transaction_) {
      auto to = last_to.find(p.table + '\0' + p.rename_from);     // a renamed away, then x -> a
      auto from = first_from.find(p.table + '\0' + p.rename_to);  // a -> y, then this x -> a
      if ((to != last_to.end() && to->second > p.ordinal) ||
          (from != first_from.end() && from->second < p.ordinal))
        swaps_.insert(p.ordinal);
    }
  }
  transaction_.reset();
}

void RenameWalk::Add(const sql::Statement& s, size_t ordinal, const schema::Catalog& names,
                     const SourceFile& source) {
  if (previous_table_rename_ && previous_ordinal_ + 1 == ordinal &&
      IsCompatibilityView(names, *previous_table_rename_, s))
    followed_by_view_.insert(previous_ordinal_);
  previous_table_rename_.reset();

  // A later use of an earlier rename.
  if (!open_.empty() && s.object_type != sql::ObjectType::kIndex &&
      !(s.kind == sql::Kind::kRename && s.object_type == sql::ObjectType::kConstraint)) {
    if (!s.table.name.empty()) UseBy(s, names.Resolve(s.table).Key(), source);
    for (const sql::QName& o : s.objects) UseBy(s, names.Resolve(o).Key(), source);
  }

  // The explicit transaction around swaps: from a BEGIN to the next transaction statement, which
  // must be its COMMIT.
  if (s.kind == sql::Kind::kTransaction) {
    EndTransaction(s.transaction == sql::TransactionKind::kCommit);
    if (s.transaction == sql::TransactionKind::kBegin) transaction_.emplace();
  } else if (transaction_ && IsColumnRename(s)) {
    transaction_->push_back({ordinal, s.table.Key(), s.rename_from, s.rename_to});
  }

  if (s.kind != sql::Kind::kRename ||
      (s.object_type != sql::ObjectType::kTable && s.object_type != sql::ObjectType::kColumn))
    return;
  const bool table_rename = s.object_type == sql::ObjectType::kTable;
  const sql::QName old = names.Resolve(s.table);
  const Open r{ordinal, table_rename, s.rename_from, s.rename_to};
  open_[old.Key()].push_back(r);
  if (table_rename) {
    open_[sql::QName{old.schema, s.rename_to}.Key()].push_back(r);
    previous_table_rename_ = s;
    previous_ordinal_ = ordinal;
  }
}

std::string RenameWalk::LaterUse(size_t ordinal) const {
  auto it = later_use_.find(ordinal);
  return it == later_use_.end() ? "" : it->second;
}

bool RenameWalk::HalfOfASwap(size_t ordinal) const { return swaps_.count(ordinal) > 0; }

bool RenameWalk::FollowedByItsView(size_t ordinal) const {
  return followed_by_view_.count(ordinal) > 0;
}

}  // namespace lockstep::analysis
