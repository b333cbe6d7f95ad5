// ADD FOREIGN KEY -> ADD FOREIGN KEY … NOT VALID here, VALIDATE CONSTRAINT in the validation
// migration. The plain form holds SHARE ROW EXCLUSIVE on both tables (writes blocked) while it
// scans the referencing table; NOT VALID is instant, and VALIDATE only needs SHARE UPDATE
// EXCLUSIVE, under which reads and writes go on.
#include "fix/steps/step.h"

namespace lockstep::fix::steps {

bool ForeignKeyStep(Context& ctx, size_t cmd) {
  const sql::AlterCmd& a = ctx.stmt().cmds[cmd];
  if (a.type != sql::AlterType::kAddConstraint || !a.constraint ||
      a.constraint->type != sql::Constraint::Type::kForeignKey || a.constraint->not_valid)
    return false;
  if (!ctx.spans() || a.constraint->location < 0) return false;
  const sql::QName& table = ctx.stmt().table;
  if (!ctx.Wanted(table)) {
    ctx.LeftAlone("table created by this migration is empty: validating is instant (--minimal)");
    return true;
  }
  const schema::Table* t = ctx.before().FindTable(table);
  if (t && t->kind == schema::Table::Kind::kPartitioned && ctx.options().pg_version < 18) {
    if (!ctx.IsNew(table)) return false;
    ctx.LeftAlone("partitioned table: NOT VALID foreign keys need PostgreSQL 18; the table is new");
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
    const std::string chosen = ChooseConstraintName(
        ctx.before(), table, JoinColumnsForName(a.constraint->columns), "fkey");
    name = QuoteIdent(chosen);
    ctx.Insert(a.constraint->location, ctx.Kw("CONSTRAINT ") + name + " ");
  }
  ctx.Insert(ctx.spans()->cmds[cmd].second, ctx.Kw(" NOT VALID"));
  ctx.Validate("ALTER TABLE " + ctx.TableText() + " VALIDATE CONSTRAINT " + name, "fk");
  ctx.Rewrote("NOT VALID here (no scan under SHARE ROW EXCLUSIVE), VALIDATE CONSTRAINT " + name +
              " in the validation migration");
  return true;
}

}  // namespace lockstep::fix::steps
