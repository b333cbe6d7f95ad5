// eugene W14: ADD PRIMARY KEY USING INDEX is instant only when the index columns are already NOT
// NULL; otherwise PostgreSQL sets NOT NULL on them, scanning the table under ACCESS EXCLUSIVE. The
// lock model knows the columns from the history and reports the scan in Effect::scans.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class RequireNotNullBeforePrimaryKey : public Rule {
 public:
  std::string_view id() const override { return "require-not-null-before-primary-key"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "PRIMARY KEY USING INDEX on nullable columns scans the table under ACCESS EXCLUSIVE";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable || !Scans(ctx, s.table)) return;
    const locks::RelationLock* l = LockOn(ctx, s.table);
    if (!l || !IsLive(*l)) return;
    for (const sql::AlterCmd& c : s.cmds) {
      if (c.type != sql::AlterType::kAddConstraint || !c.constraint ||
          c.constraint->type != sql::Constraint::Type::kPrimaryKey ||
          c.constraint->using_index.empty())
        continue;
      const schema::Index* ix = ctx.catalog().FindIndex(
          sql::QName{ctx.catalog().Resolve(s.table).schema, c.constraint->using_index});
      const schema::Table* t = ctx.catalog().FindTable(s.table);
      if (!ix || !t) continue;
      std::string nullable;
      for (const std::string& col : ix->columns)
        if (const schema::Column* k = t->FindColumn(col); k && !k->not_null)
          nullable += (nullable.empty() ? "" : ", ") + col;
      if (nullable.empty()) continue;
      const int b = c.constraint->location;
      Report(ctx, *this,
             "PRIMARY KEY USING INDEX \"" + c.constraint->using_index + "\" makes " + nullable +
                 " NOT NULL, which reads every row of " + Quoted(s.table) + " while holding " +
                 LockPhrase(l->mode, s.table),
             "Make the columns NOT NULL first without a scan under ACCESS EXCLUSIVE: ADD CHECK ("
             "col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, SET NOT NULL (PostgreSQL 12+ skips "
             "the scan), then add the primary key",
             b, b >= 0 ? ClauseEnd(ctx, b) : -1);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireNotNullBeforePrimaryKey() {
  return std::make_unique<RequireNotNullBeforePrimaryKey>();
}

}  // namespace lockstep::rules
