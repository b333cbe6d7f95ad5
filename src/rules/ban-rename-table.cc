// squawk renaming-table, strong_migrations, pgfence rename-table: running clients keep querying
// the old name until they are redeployed. A table created in this migration has no clients yet.
#include "analysis/rename.h"
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
  // The renames fix rewrites as expand/contract (src/fix/steps/rename_table.cc).
  bool fixable() const override { return true; }
  // What happens to the renames later in the migration, walked in the first pass.
  void Collect(Context& ctx) const override {
    ctx.Scratch<analysis::RenameWalk>(this).Add(ctx.statement(), ctx.index, ctx.catalog(),
                                                ctx.migration().source);
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kRename || s.object_type != sql::ObjectType::kTable) return;
    if (!ctx.IsLive(s.table)) return;
    // Followed by the view under the old name (fix's expand, or the same by hand): old clients
    // keep working.
    const analysis::RenameWalk& renames = ctx.Scratch<analysis::RenameWalk>(this);
    if (renames.FollowedByItsView(ctx.index)) return;
    std::string blocker = analysis::TableRenameBlocker(ctx.catalog(), s);
    if (blocker.empty()) blocker = renames.LaterUse(ctx.index);
    Diagnostic d;
    d.rule = std::string(id());
    d.severity = default_severity();
    d.message = "Renaming " + Quoted(s.table) + " to \"" + s.rename_to +
                "\" breaks every running client that still queries the old name";
    d.help =
        "Keep a view under the old name until every client uses the new one, then drop the "
        "view: `ALTER TABLE " +
        Ident(s.table) + " RENAME TO " + Ident(s.rename_to) + "; CREATE VIEW " + Ident(s.table) +
        " AS SELECT * FROM " + Ident(sql::QName{s.table.schema, s.rename_to}) + "`" +
        (blocker.empty() ? " (lockstep fix writes it, and the DROP VIEW as a contract "
                           "migration" +
                               std::string(kContractWaits) + ")"
                         : " (lockstep fix cannot: " + blocker + ")");
    d.begin = d.end = -1;
    d.fixable = blocker.empty();
    ctx.Report(std::move(d));
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanRenameTable() { return std::make_unique<BanRenameTable>(); }

}  // namespace lockstep::rules
