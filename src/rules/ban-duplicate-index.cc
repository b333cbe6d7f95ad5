// History-aware: an index (or UNIQUE / PRIMARY KEY constraint) that indexes exactly what an index
// already in the replayed history indexes costs write amplification, space and, for CREATE INDEX,
// a build under lock — and serves no query the existing one does not. Equality is
// schema::Index::Signature (table, method, columns with order and opclass; partial and expression
// indexes never compare equal).
#include <algorithm>

#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

// The schema::Index that `CREATE INDEX` would add, built as the catalog builds it.
schema::Index FromCreateIndex(const Context& ctx, const sql::CreateIndex& ci) {
  schema::Index ix;
  ix.table = ctx.catalog().Resolve(ci.table);
  ix.name = sql::QName{ix.table.schema, ci.name};
  ix.method = ci.access_method.empty() ? "btree" : ci.access_method;
  for (const sql::IndexElem& e : ci.elems) {
    ix.columns.push_back(e.column);
    ix.descending.push_back(e.descending);
    ix.opclasses.push_back(e.opclass.empty() ? "" : e.opclass.back());
    if (e.column.empty()) ix.has_expressions = true;
  }
  ix.unique = ci.unique;
  ix.partial = ci.has_where;
  return ix;
}

schema::Index FromConstraint(const Context& ctx, const sql::QName& table,
                             const sql::Constraint& k) {
  schema::Index ix;
  ix.table = ctx.catalog().Resolve(table);
  ix.columns = k.columns;
  ix.descending.assign(k.columns.size(), false);
  ix.opclasses.assign(k.columns.size(), "");
  ix.unique = true;
  return ix;
}

// An existing index that `ix` duplicates: same signature, and a unique index only duplicates a
// unique one (a unique index next to a plain one adds a constraint).
const schema::Index* Duplicated(const Context& ctx, const schema::Index& ix) {
  if (ix.partial || ix.has_expressions) return nullptr;
  // Partial and expression indexes have signatures of their own (with their name): never equal.
  return ctx.catalog().FirstIndexWithSignature(ix.Signature(), ix.unique);
}

std::string Columns(const std::vector<std::string>& cols) {
  std::string s;
  for (const std::string& c : cols) s += (s.empty() ? "" : ", ") + c;
  return s;
}

class BanDuplicateIndex : public Rule {
 public:
  std::string_view id() const override { return "ban-duplicate-index"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "an index that duplicates one the history already has";
  }

  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind == sql::Kind::kCreateIndex && s.index) {
      const sql::CreateIndex& ci = *s.index;
      if (ci.if_not_exists && !ci.name.empty() &&
          ctx.catalog().FindIndex(sql::QName{ctx.catalog().Resolve(ci.table).schema, ci.name}))
        return;  // a no-op, not a second index
      if (const schema::Index* other = Duplicated(ctx, FromCreateIndex(ctx, ci)))
        Found(ctx, *other, s.begin, s.end);
      return;
    }
    if (s.kind != sql::Kind::kAlterTable) return;
    for (const sql::AlterCmd& c : s.cmds) {
      if (c.type != sql::AlterType::kAddConstraint || !c.constraint) continue;
      const sql::Constraint& k = *c.constraint;
      using T = sql::Constraint::Type;
      if ((k.type != T::kUnique && k.type != T::kPrimaryKey) || !k.using_index.empty()) continue;
      const schema::Index* other = Duplicated(ctx, FromConstraint(ctx, s.table, k));
      if (!other || ReplacedBySameStatement(s, *other)) continue;
      Found(ctx, *other, k.location, k.location >= 0 ? ClauseEnd(ctx, k.location) : -1);
    }
  }

 private:
  // Prisma changes a primary key as DROP CONSTRAINT "T_pkey", …, ADD CONSTRAINT "T_pkey" … in one
  // statement: the old index is gone by the time the new one is built.
  static bool ReplacedBySameStatement(const sql::Statement& s, const schema::Index& other) {
    for (const sql::AlterCmd& c : s.cmds) {
      if (c.type == sql::AlterType::kDropConstraint && c.name == other.name.name) return true;
      if ((c.type == sql::AlterType::kAlterColumnType || c.type == sql::AlterType::kDropColumn) &&
          std::find(other.columns.begin(), other.columns.end(), c.name) != other.columns.end())
        return true;
    }
    return false;
  }

  void Found(Context& ctx, const schema::Index& other, int b, int e) const {
    Report(ctx, *this,
           "This index duplicates \"" + other.name.name + "\" on " + Quoted(other.table) + " (" +
               Columns(other.columns) +
               "): every write maintains both and no query can use one the other cannot serve",
           "Drop this statement, or use the existing index (ALTER TABLE … ADD CONSTRAINT … USING "
           "INDEX \"" +
               other.name.name + "\" to back a constraint with it)",
           b, e);
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanDuplicateIndex() { return std::make_unique<BanDuplicateIndex>(); }

}  // namespace lockstep::rules
