// squawk constraint-missing-not-valid, eugene E1, strong_migrations, pgfence: ADD CONSTRAINT …
// CHECK validates every row while holding ACCESS EXCLUSIVE; added NOT VALID it is instant, and
// VALIDATE CONSTRAINT later scans under SHARE UPDATE EXCLUSIVE, which lets reads and writes run.
// Whether the statement scans is the lock model's Effect::scans.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class RequireNotValidCheck : public Rule {
 public:
  std::string_view id() const override { return "require-not-valid-check"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "ADD CONSTRAINT … CHECK without NOT VALID scans the table under ACCESS EXCLUSIVE";
  }
  bool fixable() const override { return true; }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable || !Scans(ctx, s.table)) return;
    const locks::RelationLock* l = LockOn(ctx, s.table);
    if (!l || !IsLive(*l)) return;
    using T = sql::Constraint::Type;
    auto report = [&](const sql::Constraint& k, bool inline_column) {
      const std::string name = k.name.empty() ? std::string() : " \"" + k.name + "\"";
      const std::string tbl = Ident(s.table);
      const int end = k.location < 0  ? -1
                      : inline_column ? ExprEnd(ctx, k.location)
                                      : ClauseEnd(ctx, k.location);
      std::string help;
      if (inline_column) {
        help = "Add the column first, then ALTER TABLE " + tbl +
               " ADD CONSTRAINT … CHECK (…) NOT VALID, and VALIDATE CONSTRAINT it in a separate "
               "transaction";
      } else if (k.name.empty() || k.location < 0) {
        help = "Name it, add it NOT VALID (instant), then run ALTER TABLE " + tbl +
               " VALIDATE CONSTRAINT <name> in a separate transaction: it scans under SHARE "
               "UPDATE EXCLUSIVE, which lets reads and writes run";
      } else {
        // The constraint as written, so that the suggestion runs as it stands.
        help =
            "Add it NOT VALID (instant), then validate it in a separate transaction: it "
            "scans under SHARE UPDATE EXCLUSIVE, which lets reads and writes run: `ALTER "
            "TABLE " +
            tbl + " ADD " + std::string(ctx.text().substr(k.location, end - k.location)) +
            " NOT VALID; ALTER TABLE " + tbl + " VALIDATE CONSTRAINT " + Ident(k.name) + "`";
      }
      Report(ctx, *this,
             "Adding CHECK constraint" + name + " reads every row of " + Quoted(s.table) +
                 " to validate it while holding " + LockPhrase(l->mode, s.table),
             help, k.location, end);
    };
    for (const sql::AlterCmd& c : s.cmds) {
      if (c.type == sql::AlterType::kAddConstraint && c.constraint &&
          c.constraint->type == T::kCheck && !c.constraint->not_valid)
        report(*c.constraint, false);
      if (c.type == sql::AlterType::kAddColumn && c.column)
        for (const sql::Constraint& k : c.column->constraints)
          if (k.type == T::kCheck && !k.not_valid) report(k, true);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireNotValidCheck() {
  return std::make_unique<RequireNotValidCheck>();
}

}  // namespace lockstep::rules
