// squawk renaming-table, strong_migrations, pgfence rename-table: running clients keep querying
// the old name until they are redeployed. A table created in this migration has no clients yet.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanRenameTable : public Rule {
 public:
  std::string_view id() const override { return "ban-rename-table"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "RENAME TO breaks clients that still query the old table name";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kRename || s.object_type != sql::ObjectType::kTable) return;
    if (!ctx.IsLive(s.table)) return;
    Report(ctx, *this,
           "Renaming " + Quoted(s.table) + " to \"" + s.rename_to +
               "\" breaks every running client that still queries the old name",
           "Rename it and create a view with the old name (CREATE VIEW " + s.table.ToString() +
               " AS SELECT * FROM " + s.rename_to +
               ") until every client uses the new name, then drop the view");
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanRenameTable() { return std::make_unique<BanRenameTable>(); }

}  // namespace lockstep::rules
