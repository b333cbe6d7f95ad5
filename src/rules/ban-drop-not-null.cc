// squawk ban-drop-not-null: clients written against a NOT NULL column may not handle the NULLs
// that start to appear once the constraint is gone.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanDropNotNull : public Rule {
 public:
  std::string_view id() const override { return "ban-drop-not-null"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "DROP NOT NULL: clients that assume the column is never NULL may break";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable || !ctx.IsLive(s.table)) return;
    for (size_t i = 0; i < s.cmds.size(); ++i) {
      if (s.cmds[i].type != sql::AlterType::kDropNotNull) continue;
      const auto [b, e] = AlterCmdRange(ctx, i);
      Report(ctx, *this,
             "Dropping NOT NULL on \"" + s.cmds[i].name + "\" of " + Quoted(s.table) +
                 " lets NULLs in that running clients were written never to see",
             "Deploy client code that handles NULL in this column first, then drop the "
             "constraint",
             b, e);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanDropNotNull() { return std::make_unique<BanDropNotNull>(); }

}  // namespace lockstep::rules
