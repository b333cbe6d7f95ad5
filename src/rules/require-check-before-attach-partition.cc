// pgfence attach-partition: ATTACH PARTITION scans the partition under ACCESS EXCLUSIVE to prove
// its rows fit the bound, unless a valid CHECK constraint on it already implies the bound. A
// partition created in this migration is empty, and one with a valid CHECK is taken as proven.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class RequireCheckBeforeAttachPartition : public Rule {
 public:
  std::string_view id() const override { return "require-check-before-attach-partition"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "ATTACH PARTITION scans the partition unless a valid CHECK implies its bound";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable) return;
    for (size_t i = 0; i < s.cmds.size(); ++i) {
      const sql::AlterCmd& c = s.cmds[i];
      if (c.type != sql::AlterType::kAttachPartition || !Scans(ctx, c.partition)) continue;
      const locks::RelationLock* l = LockOn(ctx, c.partition);
      if (!l || !IsLive(*l)) continue;
      if (const schema::Table* p = ctx.catalog().FindTable(c.partition)) {
        bool proven = false;
        for (const schema::Constraint& k : p->constraints)
          proven = proven || (k.type == sql::Constraint::Type::kCheck && k.valid);
        if (proven) continue;
      }
      const auto [b, e] = AlterCmdRange(ctx, i);
      Report(ctx, *this,
             "ATTACH PARTITION reads every row of " + Quoted(c.partition) +
                 " to check its bound "
                 "while holding " +
                 LockPhrase(l->mode, c.partition),
             "First add a CHECK constraint matching the bound to the partition (ADD CONSTRAINT … "
             "CHECK (…) NOT VALID, then VALIDATE CONSTRAINT): ATTACH then skips the scan; drop "
             "the CHECK afterwards",
             b, e);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireCheckBeforeAttachPartition() {
  return std::make_unique<RequireCheckBeforeAttachPartition>();
}

}  // namespace lockstep::rules
