// squawk renaming-column, strong_migrations, pgfence rename-column: running clients keep using the
// old name until they are redeployed. A table created in this migration has no clients yet.
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
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kRename || s.object_type != sql::ObjectType::kColumn) return;
    if (!ctx.IsLive(s.table)) return;
    Report(ctx, *this,
           "Renaming column \"" + s.rename_from + "\" of " + Quoted(s.table) + " to \"" +
               s.rename_to + "\" breaks every running client that still uses the old name",
           "Add the new column, write to both and backfill, move readers, then drop the old one; "
           "or rename in the same deploy as code that accepts both names (e.g. through a view)");
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanRenameColumn() { return std::make_unique<BanRenameColumn>(); }

}  // namespace lockstep::rules
