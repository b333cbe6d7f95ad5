// pgfence disable-rls: DISABLE ROW LEVEL SECURITY makes every row visible to any role with table
// privileges, silently dropping whatever the policies were hiding.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanDisableRowLevelSecurity : public Rule {
 public:
  std::string_view id() const override { return "ban-disable-row-level-security"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "DISABLE ROW LEVEL SECURITY exposes every row the policies were hiding";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable) return;
    for (size_t i = 0; i < s.cmds.size(); ++i) {
      if (s.cmds[i].type != sql::AlterType::kDisableRowSecurity) continue;
      const auto [b, e] = AlterCmdRange(ctx, i);
      Report(ctx, *this,
             "Disabling row level security on " + Quoted(s.table) +
                 " makes every row visible to every role with table privileges, including rows "
                 "its policies were hiding",
             "Fix the policies instead (ALTER POLICY / DROP POLICY … CREATE POLICY), or check "
             "pg_policy for what is being exposed before disabling",
             b, e);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanDisableRowLevelSecurity() {
  return std::make_unique<BanDisableRowLevelSecurity>();
}

}  // namespace lockstep::rules
