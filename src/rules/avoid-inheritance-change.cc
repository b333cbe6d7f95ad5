// pgfence inherit/no-inherit: ALTER TABLE … [NO] INHERIT locks both tables ACCESS EXCLUSIVE, and
// INHERIT also scans the child to check its columns and constraints against the parent.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class AvoidInheritanceChange : public Rule {
 public:
  std::string_view id() const override { return "avoid-inheritance-change"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "ALTER TABLE … [NO] INHERIT locks child and parent ACCESS EXCLUSIVE";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable) return;
    for (size_t i = 0; i < s.cmds.size(); ++i) {
      const sql::AlterCmd& c = s.cmds[i];
      if (c.type != sql::AlterType::kAddInherit && c.type != sql::AlterType::kDropInherit) continue;
      const locks::RelationLock* l = LockOn(ctx, s.table);
      if (!l || !IsLive(*l)) return;
      const bool adding = c.type == sql::AlterType::kAddInherit;
      const auto [b, e] = AlterCmdRange(ctx, i);
      Report(ctx, *this,
             std::string(adding ? "INHERIT" : "NO INHERIT") + " takes " +
                 LockPhrase(l->mode, s.table) + " (and the same lock on the parent)" +
                 (adding ? ", while it checks every column and constraint of the child against "
                           "the parent"
                         : ""),
             "Run it with a short lock_timeout and retry, at a quiet time; for partitioning, "
             "prefer declarative partitions (ATTACH PARTITION takes only SHARE UPDATE EXCLUSIVE "
             "on the parent from PostgreSQL 12)",
             b, e);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeAvoidInheritanceChange() {
  return std::make_unique<AvoidInheritanceChange>();
}

}  // namespace lockstep::rules
