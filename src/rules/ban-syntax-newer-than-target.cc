// lockstep parses with PostgreSQL 18's grammar, so a migration may use syntax that the target
// server (--pg-version, lockstep.toml's pg_version) rejects: the deploy then fails at that
// statement, half-way through a release. The forms whose locks matter are named here.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanSyntaxNewerThanTarget : public Rule {
 public:
  std::string_view id() const override { return "ban-syntax-newer-than-target"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "syntax the target PostgreSQL version (--pg-version) does not accept";
  }
  void CheckStatement(Context& ctx) const override {
    const int target = ctx.settings().pg_version;
    if (target >= 18) return;
    const sql::Statement& s = ctx.statement();
    auto report = [&](int needs, const std::string& what, const std::string& help) {
      if (target >= needs) return;
      Report(ctx, *this,
             what + " needs PostgreSQL " + std::to_string(needs) + "; the target is " +
                 std::to_string(target) + ", whose server rejects this statement",
             help + " (or raise --pg-version / pg_version in lockstep.toml)");
    };
    auto check_constraint = [&](const sql::Constraint& k, bool table_level) {
      if (k.not_enforced)
        report(18, "NOT ENFORCED", "Drop NOT ENFORCED, or add the constraint NOT VALID");
      if (table_level && k.type == sql::Constraint::Type::kNotNull)
        report(18, "a NOT NULL table constraint",
               "Use a CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL");
    };
    auto check_column = [&](const sql::ColumnDef& c) {
      if (c.generated_virtual)
        report(18, "a VIRTUAL generated column (GENERATED ALWAYS AS without STORED)",
               "Write STORED (it rewrites a live table) or add a plain column");
      for (const sql::Constraint& k : c.constraints) check_constraint(k, false);
    };
    if (s.kind == sql::Kind::kCreateTable) {
      for (const sql::ColumnDef& c : s.columns) check_column(c);
      for (const sql::Constraint& k : s.table_constraints) check_constraint(k, true);
    }
    if (s.kind != sql::Kind::kAlterTable) return;
    for (const sql::AlterCmd& c : s.cmds) {
      if (c.column && c.type == sql::AlterType::kAddColumn) check_column(*c.column);
      if (c.constraint) check_constraint(*c.constraint, true);
      if (c.type == sql::AlterType::kSetExpression)
        report(17, "ALTER COLUMN … SET EXPRESSION",
               "Drop the generated column and add it again with the new expression");
      if (c.to_enforced)
        report(18, "ALTER CONSTRAINT … ENFORCED",
               "Drop the constraint and add it again NOT VALID, then VALIDATE CONSTRAINT");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanSyntaxNewerThanTarget() {
  return std::make_unique<BanSyntaxNewerThanTarget>();
}

}  // namespace lockstep::rules
