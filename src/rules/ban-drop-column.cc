// squawk ban-drop-column, strong_migrations, pgfence drop-column: running application code still
// selects and inserts the column until it is deployed without it. A column of a table created in
// this migration has no such readers.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanDropColumn : public Rule {
 public:
  std::string_view id() const override { return "ban-drop-column"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "DROP COLUMN breaks application code that still reads or writes the column";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable || !ctx.IsLive(s.table)) return;
    for (size_t i = 0; i < s.cmds.size(); ++i) {
      if (s.cmds[i].type != sql::AlterType::kDropColumn) continue;
      const auto [b, e] = AlterCmdRange(ctx, i);
      Report(ctx, *this,
             "Dropping column \"" + s.cmds[i].name + "\" of " + Quoted(s.table) +
                 " breaks every running client that still selects or inserts it",
             "First deploy application code that no longer uses the column (with an ORM: mark it "
             "ignored), then drop it in a later migration",
             b, e);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanDropColumn() { return std::make_unique<BanDropColumn>(); }

}  // namespace lockstep::rules
