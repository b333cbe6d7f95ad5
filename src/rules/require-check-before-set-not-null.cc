// squawk adding-not-nullable-field, eugene E2, strong_migrations, pgfence: SET NOT NULL scans the
// whole table under ACCESS EXCLUSIVE — unless (PostgreSQL 12+) a valid CHECK (col IS NOT NULL)
// already proves it, which is the safe pattern this rule asks for. The lock model decides from the
// replayed history (Effect::scans). For a table the history does not know, the proof is looked for
// in this migration: a CHECK (col IS NOT NULL) added valid or validated earlier; or a VALIDATE
// CONSTRAINT, earlier in this migration, of a constraint the history does not know whose name
// mentions the column (the pattern split across migrations with an incomplete history).
#include <algorithm>
#include <map>

#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

bool Mentions(const std::vector<std::string>& cols, const std::string& c) {
  return std::find(cols.begin(), cols.end(), c) != cols.end();
}

// An ALTER TABLE sub-command that can prove a column non-null: adding a CHECK that does (with the
// columns it proves), validating or dropping a constraint. Gathered by Collect per table, so that
// a SET NOT NULL replays the earlier ones of its table instead of rescanning every earlier
// statement of the file (quadratic on a long file).
struct ProofStep {
  size_t statement = 0;  // ordinal in the migration
  sql::AlterType type = sql::AlterType::kOther;
  std::string name;                           // the constraint
  bool not_valid = false;                     // kAddConstraint
  std::vector<std::string> not_null_columns;  // kAddConstraint: the columns the CHECK proves
};
using ProofSteps = std::map<std::string, std::vector<ProofStep>>;  // per table, resolved

std::string TableKey(const Context& ctx, const sql::QName& table) {
  const sql::QName q = ctx.catalog().Resolve(table);
  return q.schema + '\0' + q.name;  // NUL: no identifier holds one
}

// Is `column` of the (history-unknown) table proven non-null by this migration's earlier text?
bool ProvenInThisMigration(const Context& ctx, const std::vector<ProofStep>& steps,
                           const std::string& column) {
  std::map<std::string, bool> checks;  // CHECK (column IS NOT NULL) by name -> valid
  bool guessed = false;
  for (const ProofStep& c : steps) {
    if (c.statement >= ctx.index) break;
    if (c.type == sql::AlterType::kAddConstraint) {
      if (Mentions(c.not_null_columns, column)) checks[c.name] = !c.not_valid;
    } else if (c.type == sql::AlterType::kValidateConstraint) {
      auto it = checks.find(c.name);
      if (it != checks.end())
        it->second = true;
      else if (c.name.find(column) != std::string::npos)
        guessed = true;
    } else if (c.type == sql::AlterType::kDropConstraint) {
      checks.erase(c.name);
    }
  }
  for (const auto& [name, valid] : checks)
    if (valid) return true;
  return guessed;
}

class RequireCheckBeforeSetNotNull : public Rule {
 public:
  std::string_view id() const override { return "require-check-before-set-not-null"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "SET NOT NULL scans the table under ACCESS EXCLUSIVE (add a valid CHECK first)";
  }
  bool fixable() const override { return true; }

  void Collect(Context& ctx) const override {
    const sql::Statement& o = ctx.statement();
    if (o.kind != sql::Kind::kAlterTable) return;
    std::vector<ProofStep>* steps = nullptr;
    for (const sql::AlterCmd& c : o.cmds) {
      ProofStep step{ctx.index, c.type, c.name, false, {}};
      if (c.type == sql::AlterType::kAddConstraint && c.constraint &&
          c.constraint->type == sql::Constraint::Type::kCheck && c.constraint->expr &&
          !c.constraint->expr->not_null_columns.empty()) {
        step.not_valid = c.constraint->not_valid;
        step.not_null_columns = c.constraint->expr->not_null_columns;
      } else if (c.type != sql::AlterType::kValidateConstraint &&
                 c.type != sql::AlterType::kDropConstraint) {
        continue;
      }
      if (!steps) steps = &ctx.Scratch<ProofSteps>(this)[TableKey(ctx, o.table)];
      steps->push_back(std::move(step));
    }
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
      } else if (pg12 && ProvenInThisMigration(ctx, StepsOf(ctx, s.table), c.name)) {
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

 private:
  const std::vector<ProofStep>& StepsOf(Context& ctx, const sql::QName& table) const {
    static const std::vector<ProofStep> kNone;
    const ProofSteps& all = ctx.Scratch<ProofSteps>(this);
    auto it = all.find(TableKey(ctx, table));
    return it == all.end() ? kNone : it->second;
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireCheckBeforeSetNotNull() {
  return std::make_unique<RequireCheckBeforeSetNotNull>();
}

}  // namespace lockstep::rules
