// eugene E8, strong_migrations, pgfence: an exclusion constraint builds its index under ACCESS
// EXCLUSIVE, and unlike UNIQUE there is no USING INDEX form to build it concurrently first.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanAddExclusionConstraint : public Rule {
 public:
  std::string_view id() const override { return "ban-add-exclusion-constraint"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "ADD CONSTRAINT … EXCLUDE on an existing table: index build under ACCESS EXCLUSIVE";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable) return;
    for (const sql::AlterCmd& c : s.cmds) {
      if (c.type != sql::AlterType::kAddConstraint || !c.constraint ||
          c.constraint->type != sql::Constraint::Type::kExclusion)
        continue;
      const locks::RelationLock* l = LockOn(ctx, s.table);
      if (!l || !IsLive(*l)) return;
      const int b = c.constraint->location >= 0 ? c.constraint->location : c.location;
      Report(ctx, *this,
             "Adding an exclusion constraint builds its index and checks every row of " +
                 Quoted(s.table) + " under " + LockPhrase(l->mode, s.table),
             "There is no online way to add an exclusion constraint to a populated table: create a "
             "new table with the constraint, copy the rows in batches and swap names, or run it "
             "in a maintenance window",
             b, b >= 0 ? ClauseEnd(ctx, b) : -1);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanAddExclusionConstraint() {
  return std::make_unique<BanAddExclusionConstraint>();
}

}  // namespace lockstep::rules
