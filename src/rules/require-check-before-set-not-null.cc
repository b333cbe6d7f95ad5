// squawk adding-not-nullable-field, eugene E2, strong_migrations, pgfence: SET NOT NULL scans the
// whole table under ACCESS EXCLUSIVE — unless (PostgreSQL 12+) a valid CHECK (col IS NOT NULL)
// already proves it, which is the safe pattern this rule asks for. The lock model decides from the
// replayed history (Effect::scans). For a table the history does not know, the proof is looked for
// in this migration: a CHECK (col IS NOT NULL) added valid or validated earlier; or a VALIDATE
// CONSTRAINT, earlier in this migration, of a constraint the history does not know whose name
// mentions the column (the pattern split across migrations with an incomplete history).
#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

bool Mentions(const std::vector<std::string>& cols, const std::string& c) {
  return std::find(cols.begin(), cols.end(), c) != cols.end();
}

// What this migration's text has proved of one table so far, kept as Collect walks the file, so
// that each SET NOT NULL is answered from it instead of rescanning the earlier statements
// (quadratic on a long file).
struct TableProofs {
  // Per column: the CHECKs (column IS NOT NULL) added so far, by name -> valid.
  std::map<std::string, std::map<std::string, bool>> checks;
  // Per constraint name: the columns it was added as a CHECK for (to validate or drop it).
  std::map<std::string, std::set<std::string>> columns_of;
  // The VALIDATE CONSTRAINTs so far, each with the columns whose checks held its name then: for
  // the others, a validated name that mentions the column counts as a proof (the constraint
  // itself predates the history).
  std::vector<std::pair<std::string, std::set<std::string>>> validated;

  bool Proven(const std::string& column) const {
    auto it = checks.find(column);
    if (it != checks.end())
      for (const auto& [name, valid] : it->second)
        if (valid) return true;
    for (const auto& [name, known_for] : validated)
      if (!known_for.count(column) && name.find(column) != std::string::npos) return true;
    return false;
  }

  void Apply(const sql::AlterCmd& c) {
    if (c.type == sql::AlterType::kAddConstraint && c.constraint &&
        c.constraint->type == sql::Constraint::Type::kCheck && c.constraint->expr) {
      for (const std::string& column : c.constraint->expr->not_null_columns) {
        checks[column][c.name] = !c.constraint->not_valid;
        columns_of[c.name].insert(column);
      }
    } else if (c.type == sql::AlterType::kValidateConstraint) {
      std::set<std::string> known_for;
      for (const std::string& column : columns_of[c.name]) {
        auto it = checks[column].find(c.name);
        if (it == checks[column].end()) continue;
        it->second = true;
        known_for.insert(column);
      }
      validated.emplace_back(c.name, std::move(known_for));
    } else if (c.type == sql::AlterType::kDropConstraint) {
      for (const std::string& column : columns_of[c.name]) checks[column].erase(c.name);
    }
  }
};

struct Proofs {
  std::map<std::string, TableProofs> tables;  // by table, resolved
  // Whether the SET NOT NULL of (statement ordinal, column) was proven by the statements before.
  std::map<std::pair<size_t, std::string>, bool> answers;
};

std::string TableKey(const Context& ctx, const sql::QName& table) {
  const sql::QName q = ctx.catalog().Resolve(table);
  return q.Key();
}

class RequireCheckBeforeSetNotNull : public Rule {
 public:
  std::string_view id() const override { return "require-check-before-set-not-null"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "SET NOT NULL scans the table under ACCESS EXCLUSIVE (add a valid CHECK first)";
  }
  bool fixable() const override { return true; }

  // Is a column of a (history-unknown) table proven non-null by this migration's earlier text:
  // a CHECK (column IS NOT NULL) added valid or validated earlier, or a VALIDATE of a
  // constraint the migration does not know whose name mentions the column.
  void Collect(Context& ctx) const override {
    const sql::Statement& o = ctx.statement();
    if (o.kind != sql::Kind::kAlterTable) return;
    Proofs& proofs = ctx.Scratch<Proofs>(this);
    TableProofs& table = proofs.tables[TableKey(ctx, o.table)];
    // Answered before the statement's own sub-commands count.
    for (const sql::AlterCmd& c : o.cmds)
      if (c.type == sql::AlterType::kSetNotNull)
        proofs.answers[{ctx.index, c.name}] = table.Proven(c.name);
    for (const sql::AlterCmd& c : o.cmds) table.Apply(c);
  }

  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable || !Scans(ctx, s.table)) return;
    const locks::RelationLock* l = LockOn(ctx, s.table);
    if (!l || !IsLive(*l)) return;
    const bool pg12 = ctx.settings().pg_version >= 12;
    const schema::Table* t = ctx.catalog().FindTable(s.table);
    for (size_t i = 0; i < s.cmds.size(); ++i) {
      const sql::AlterCmd& c = s.cmds[i];
      if (c.type != sql::AlterType::kSetNotNull) continue;
      if (t) {
        // The scan may come from another sub-command; this one is free when proven.
        const schema::Column* col = t->FindColumn(c.name);
        if (col && col->not_null) continue;
        bool proven = false;
        for (const schema::Constraint& k : t->constraints)
          proven = proven || (pg12 && k.type == sql::Constraint::Type::kCheck && k.valid &&
                              Mentions(k.proves_not_null, c.name));
        if (proven) continue;
      } else if (pg12 && ctx.Scratch<Proofs>(this).answers[{ctx.index, c.name}]) {
        continue;
      }
      const std::string check = s.table.name + "_" + c.name + "_not_null";
      const std::string tbl = Ident(s.table);
      const auto [b, e] = AlterCmdRange(ctx, i);
      Diagnostic d;
      d.rule = std::string(id());
      d.severity = default_severity();
      d.message = "SET NOT NULL on \"" + c.name + "\" reads every row of " + Quoted(s.table) +
                  " to check for NULLs while holding " + LockPhrase(l->mode, s.table);
      if (ctx.settings().pg_version >= 18) {
        // PostgreSQL 18: the NOT NULL constraint itself can wait for VALIDATE, no CHECK needed.
        const std::string name = s.table.name + "_" + c.name + "_not_null";
        d.help =
            "Add it NOT VALID first and validate it in its own transaction (SHARE UPDATE "
            "EXCLUSIVE; the column is then NOT NULL): `ALTER TABLE " +
            tbl + " ADD CONSTRAINT " + Ident(name) + " NOT NULL " + Ident(c.name) +
            " NOT VALID; ALTER TABLE " + tbl + " VALIDATE CONSTRAINT " + Ident(name) + "`";
        d.fixable = true;
      } else if (pg12) {
        // Each step in its own transaction: VALIDATE scans under SHARE UPDATE EXCLUSIVE only.
        d.help =
            "Prove it with a CHECK first, each step in its own transaction; SET NOT NULL "
            "then skips the scan: `ALTER TABLE " +
            tbl + " ADD CONSTRAINT " + Ident(check) + " CHECK (" + Ident(c.name) +
            " IS NOT NULL) NOT VALID; ALTER TABLE " + tbl + " VALIDATE CONSTRAINT " + Ident(check) +
            "; ALTER TABLE " + tbl + " ALTER COLUMN " + Ident(c.name) +
            " SET NOT NULL; ALTER TABLE " + tbl + " DROP CONSTRAINT " + Ident(check) + "`";
        d.fixable = true;
      } else {
        d.help = "PostgreSQL 11 always scans for SET NOT NULL: enforce it with CHECK (" +
                 Ident(c.name) +
                 " IS NOT NULL) NOT VALID + VALIDATE CONSTRAINT instead, or upgrade to 12+ where "
                 "that CHECK lets SET NOT NULL skip the scan";
      }
      d.begin = b;
      d.end = e;
      ctx.Report(std::move(d));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireCheckBeforeSetNotNull() {
  return std::make_unique<RequireCheckBeforeSetNotNull>();
}

}  // namespace lockstep::rules
