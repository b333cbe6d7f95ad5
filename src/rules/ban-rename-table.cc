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
           "Keep a view under the old name until every client uses the new one, then drop the "
           "view: `ALTER TABLE " +
               Ident(s.table) + " RENAME TO " + Ident(s.rename_to) + "; CREATE VIEW " +
               Ident(s.table) + " AS SELECT * FROM " +
               Ident(sql::QName{s.table.schema, s.rename_to}) + "`");
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanRenameTable() { return std::make_unique<BanRenameTable>(); }

}  // namespace lockstep::rules
