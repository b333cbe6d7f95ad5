// squawk adding-foreign-key-constraint and constraint-missing-not-valid, eugene E1,
// strong_migrations, pgfence: ADD FOREIGN KEY validates every row of the referencing table while
// holding SHARE ROW EXCLUSIVE on both tables, which blocks their writes. Added NOT VALID it is
// instant; VALIDATE CONSTRAINT later scans under SHARE UPDATE EXCLUSIVE. An inline REFERENCES on a
// new column of a live table validates the same way (and cannot say NOT VALID). A foreign key from
// a table created earlier in this migration blocks nobody.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class RequireNotValidForeignKey : public Rule {
 public:
  std::string_view id() const override { return "require-not-valid-foreign-key"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "ADD FOREIGN KEY without NOT VALID blocks writes to both tables during validation";
  }
  bool fixable() const override { return true; }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable) return;
    const locks::RelationLock* l = LockOn(ctx, s.table);
    if (!l || !IsLive(*l)) return;
    using T = sql::Constraint::Type;
    const std::string tbl = Ident(s.table);
    auto report = [&](const sql::Constraint& k, bool inline_column) {
      const locks::RelationLock* r = LockOn(ctx, k.ref_table);
      const std::string name = k.name.empty() ? std::string() : " \"" + k.name + "\"";
      std::string locks = LockPhrase(l->mode, s.table);
      if (r && !SameRelation(ctx, k.ref_table, s.table))
        locks += ", and " + LockPhrase(r->mode, k.ref_table);
      const int end = k.location < 0  ? -1
                      : inline_column ? ExprEnd(ctx, k.location)
                                      : ClauseEnd(ctx, k.location);
      std::string help;
      if (inline_column) {
        help = "Add the column without REFERENCES, then ALTER TABLE " + tbl +
               " ADD CONSTRAINT … FOREIGN KEY (…) REFERENCES … NOT VALID, and VALIDATE "
               "CONSTRAINT it in a separate transaction";
      } else if (k.name.empty() || k.location < 0) {
        help = "Name it, add it NOT VALID (instant), then run ALTER TABLE " + tbl +
               " VALIDATE CONSTRAINT <name> in a separate transaction: it scans under SHARE "
               "UPDATE EXCLUSIVE, which lets writes run";
      } else {
        // The constraint as written, so that the suggestion runs as it stands.
        help =
            "Add it NOT VALID (instant), then validate it in a separate transaction: it "
            "scans under SHARE UPDATE EXCLUSIVE, which lets writes run: `ALTER TABLE " +
            tbl + " ADD " + std::string(ctx.text().substr(k.location, end - k.location)) +
            " NOT VALID; ALTER TABLE " + tbl + " VALIDATE CONSTRAINT " + Ident(k.name) + "`";
      }
      Report(ctx, *this,
             "Adding foreign key" + name + " reads every row of " + Quoted(s.table) +
                 " to validate it while holding " + locks,
             help, k.location, end);
    };
    for (const sql::AlterCmd& c : s.cmds) {
      if (c.type == sql::AlterType::kAddConstraint && c.constraint &&
          c.constraint->type == T::kForeignKey && !c.constraint->not_valid)
        report(*c.constraint, false);
      if (c.type == sql::AlterType::kAddColumn && c.column)
        for (const sql::Constraint& k : c.column->constraints)
          if (k.type == T::kForeignKey) report(k, true);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireNotValidForeignKey() {
  return std::make_unique<RequireNotValidForeignKey>();
}

}  // namespace lockstep::rules
