// squawk renaming-column, strong_migrations, pgfence rename-column: running clients keep using the
// old name until they are redeployed. A table created in this migration has no clients yet.
#include "analysis/rename.h"
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanRenameColumn : public Rule {
 public:
  std::string_view id() const override { return "ban-rename-column"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "RENAME COLUMN breaks clients that still use the old name";
  }
  // The renames fix rewrites as expand/contract (src/fix/steps/rename_column.cc).
  bool fixable() const override { return true; }
  // What happens to the renames later in the migration, walked in the first pass.
  void Collect(Context& ctx) const override {
    ctx.Scratch<analysis::RenameWalk>(this).Add(ctx.statement(), ctx.index, ctx.catalog(),
                                                ctx.migration().source);
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kRename || s.object_type != sql::ObjectType::kColumn) return;
    if (!ctx.IsLive(s.table) || ctx.Scratch<analysis::RenameWalk>(this).HalfOfASwap(ctx.index))
      return;
    std::string blocker = analysis::ColumnRenameBlocker(ctx.catalog(), s);
    if (blocker.empty()) blocker = ctx.Scratch<analysis::RenameWalk>(this).LaterUse(ctx.index);
    const bool fixable = blocker.empty() && ctx.settings().pg_version >= 12;
    Diagnostic d;
    d.rule = std::string(id());
    d.severity = default_severity();
    d.message = "Renaming column \"" + s.rename_from + "\" of " + Quoted(s.table) + " to \"" +
                s.rename_to + "\" breaks every running client that still uses the old name";
    d.help =
        "Add the new column, write to both and backfill, move readers, then drop the old one; "
        "or rename in the same deploy as code that accepts both names (e.g. through a view)";
    d.help += fixable ? " (lockstep fix writes these steps: the new column kept equal to the old "
                        "one by a trigger, a batched backfill, its NOT NULL and indexes, and a "
                        "contract migration that drops the old column" +
                            std::string(kContractWaits) + ")"
                      : " (lockstep fix cannot: " + blocker + ")";
    d.begin = d.end = -1;
    d.fixable = fixable;
    ctx.Report(std::move(d));
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanRenameColumn() { return std::make_unique<BanRenameColumn>(); }

}  // namespace lockstep::rules
