// eugene E15, strong_migrations "adding a reference": without an index on the referencing columns,
// every DELETE (or key UPDATE) of a referenced row scans the referencing table to enforce the key,
// holding locks while it does. History-aware: an index counts when the replayed history has it,
// when the same statement creates it (PRIMARY KEY / UNIQUE) or when a later statement of this
// migration does; it covers the key when its leading columns are the key's columns.
#include <algorithm>
#include <map>
#include <set>

#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

bool Leads(const std::vector<std::string>& index_cols, const std::vector<std::string>& key) {
  if (key.empty() || index_cols.size() < key.size()) return false;
  std::set<std::string> a(index_cols.begin(), index_cols.begin() + key.size());
  std::set<std::string> b(key.begin(), key.end());
  return a == b;
}

std::vector<std::string> ElemColumns(const sql::CreateIndex& ci) {
  std::vector<std::string> out;
  for (const sql::IndexElem& e : ci.elems) out.push_back(e.column);
  return out;
}

// Columns of the UNIQUE / PRIMARY KEY constraints a CREATE TABLE or ALTER TABLE adds.
std::vector<std::vector<std::string>> KeyConstraints(const sql::Statement& s) {
  std::vector<std::vector<std::string>> out;
  using T = sql::Constraint::Type;
  auto add = [&](const sql::Constraint& k, const std::string& col) {
    if (k.type != T::kPrimaryKey && k.type != T::kUnique) return;
    out.push_back(k.columns.empty() ? std::vector<std::string>{col} : k.columns);
  };
  for (const sql::ColumnDef& c : s.columns)
    for (const sql::Constraint& k : c.constraints) add(k, c.name);
  for (const sql::Constraint& k : s.table_constraints) add(k, "");
  for (const sql::AlterCmd& c : s.cmds) {
    if (c.constraint) add(*c.constraint, "");
    if (c.column)
      for (const sql::Constraint& k : c.column->constraints) add(k, c.column->name);
  }
  return out;
}

class RequireIndexForForeignKey : public Rule {
 public:
  std::string_view id() const override { return "require-index-for-foreign-key"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "foreign key without an index on the referencing columns";
  }

  void Collect(Context& ctx) const override {
    const sql::Statement& o = ctx.statement();
    const schema::Catalog& cat = ctx.catalog();  // for names only: the same through the file
    if (o.kind == sql::Kind::kCreateIndex && o.index && !o.index->has_where) {
      ctx.Scratch<Indexes>(this)[cat.Resolve(o.index->table).Key()].push_back(
          {ctx.index, ElemColumns(*o.index)});
    } else if (o.kind == sql::Kind::kAlterTable) {
      for (std::vector<std::string>& key : KeyConstraints(o))
        ctx.Scratch<Indexes>(this)[cat.Resolve(o.table).Key()].push_back(
            {ctx.index, std::move(key)});
    }
  }

  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    using T = sql::Constraint::Type;
    if (s.kind == sql::Kind::kCreateTable) {
      for (const sql::ColumnDef& c : s.columns)
        for (const sql::Constraint& k : c.constraints)
          if (k.type == T::kForeignKey)
            Check(ctx, s.table, k, k.columns.empty() ? std::vector<std::string>{c.name} : k.columns,
                  true);
      for (const sql::Constraint& k : s.table_constraints)
        if (k.type == T::kForeignKey) Check(ctx, s.table, k, k.columns, false);
    } else if (s.kind == sql::Kind::kAlterTable) {
      for (const sql::AlterCmd& c : s.cmds) {
        if (c.type == sql::AlterType::kAddConstraint && c.constraint &&
            c.constraint->type == T::kForeignKey)
          Check(ctx, s.table, *c.constraint, c.constraint->columns, false);
        if (c.type == sql::AlterType::kAddColumn && c.column)
          for (const sql::Constraint& k : c.column->constraints)
            if (k.type == T::kForeignKey)
              Check(ctx, s.table, k,
                    k.columns.empty() ? std::vector<std::string>{c.column->name} : k.columns, true);
      }
    }
  }

 private:
  void Check(Context& ctx, const sql::QName& table, const sql::Constraint& k,
             const std::vector<std::string>& cols, bool inline_column) const {
    if (cols.empty() || Covered(ctx, table, cols)) return;
    std::string list, idents;
    for (const std::string& c : cols) {
      list += (list.empty() ? "" : ", ") + c;
      idents += (idents.empty() ? "" : ", ") + Ident(c);
    }
    const std::string ix =
        table.name + "_" + (cols.size() == 1 ? cols[0] : std::string("fk")) + "_idx";
    Report(ctx, *this,
           "Foreign key " + (k.name.empty() ? std::string() : "\"" + k.name + "\" ") + "on " +
               Quoted(table) + " (" + list +
               ") has no index starting with those columns: every "
               "DELETE or key UPDATE on " +
               Quoted(k.ref_table) + " scans " + Quoted(table) + " to enforce it",
           "Create the index, in a migration of its own if the table is live: `CREATE INDEX "
           "CONCURRENTLY " +
               Ident(ix) + " ON " + Ident(table) + " (" + idents + ")`",
           k.location,
           k.location < 0  ? -1
           : inline_column ? ExprEnd(ctx, k.location)
                           : ClauseEnd(ctx, k.location));
  }

  // Per table (resolved, Key), the statements that give it an index a foreign key can
  // use: (ordinal, leading columns) of each non-partial CREATE INDEX and of each key an ALTER
  // TABLE adds, in statement order. Gathered by Collect, so that a key looks at the later ones
  // without rescanning the rest of the file (quadratic on a long file).
  using Indexes = std::map<std::string, std::vector<std::pair<size_t, std::vector<std::string>>>>;

  bool Covered(Context& ctx, const sql::QName& table, const std::vector<std::string>& cols) const {
    const schema::Catalog& cat = ctx.catalog();
    const sql::QName t = cat.Resolve(table);
    for (const schema::Index* ix : cat.IndexesOn(t))
      if (!ix->partial && Leads(ix->columns, cols)) return true;
    for (const auto& key : KeyConstraints(ctx.statement()))
      if (Leads(key, cols)) return true;
    const Indexes& later = ctx.Scratch<Indexes>(this);
    auto it = later.find(t.Key());
    if (it == later.end()) return false;
    for (const auto& [j, columns] : it->second)
      if (j > ctx.index && Leads(columns, cols)) return true;
    return false;
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireIndexForForeignKey() {
  return std::make_unique<RequireIndexForForeignKey>();
}

}  // namespace lockstep::rules
