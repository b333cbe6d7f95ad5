// ADD CHECK -> ADD CHECK … NOT VALID here, VALIDATE CONSTRAINT in the validation migration. The
// plain form scans every row under ACCESS EXCLUSIVE (no reads, no writes).
#include <algorithm>

#include "base/quote.h"
#include "fix/steps/step.h"

namespace lockstep::fix::steps {

bool CheckConstraintStep(Context& ctx, size_t cmd) {
  const sql::AlterCmd& a = ctx.stmt().cmds[cmd];
  if (a.type != sql::AlterType::kAddConstraint || !a.constraint ||
      a.constraint->type != sql::Constraint::Type::kCheck || a.constraint->not_valid)
    return false;
  if (!ctx.spans() || a.constraint->location < 0) return false;
  const sql::QName& table = ctx.stmt().table;
  if (!ctx.Wanted(table)) {
    ctx.LeftAlone("table created by this migration is empty: checking is instant (--minimal)");
    return true;
  }
  if (const std::string why = LaterRenameOrDrop(ctx, ctx.index, table, a.constraint->name, "");
      !why.empty()) {
    if (ctx.IsNew(table)) {
      ctx.LeftAlone("kept as written: a later VALIDATE could not name it (" + why + ")");
      return true;
    }
    return false;  // the unsafe classifier explains the scan
  }
  std::string name = WrittenConstraintName(ctx, a.constraint->location);
  if (name.empty()) {
    // PostgreSQL names an unnamed CHECK after its column when it uses exactly one.
    std::vector<std::string> cols =
        a.constraint->expr ? a.constraint->expr->columns : std::vector<std::string>{};
    std::sort(cols.begin(), cols.end());
    cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
    const std::string chosen =
        ChooseConstraintName(ctx.before(), table, cols.size() == 1 ? cols.front() : "", "check");
    name = QuoteIdent(chosen);
    ctx.Insert(a.constraint->location, ctx.Kw("CONSTRAINT ") + name + " ");
  }
  ctx.Insert(ctx.spans()->cmds[cmd].second, ctx.Kw(" NOT VALID"));
  ctx.Validate("ALTER TABLE " + ctx.TableText() + " VALIDATE CONSTRAINT " + name, "check");
  ctx.Rewrote("NOT VALID here (no scan under ACCESS EXCLUSIVE), VALIDATE CONSTRAINT " + name +
              " in the validation migration");
  return true;
}

}  // namespace lockstep::fix::steps
