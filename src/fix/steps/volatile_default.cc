// ADD COLUMN … DEFAULT <volatile>() on a live table (gen_random_uuid(), random(),
// clock_timestamp() …) rewrites every row under ACCESS EXCLUSIVE: each row needs its own value.
// Rewritten as: the column without its default here, the default set for new rows in the same
// statement (no rewrite: SET DEFAULT leaves existing rows alone), a backfill UPDATE of the
// existing rows in a migration of its own (lockstep deploy runs it in batches; prisma migrate
// deploy as one UPDATE, which blocks no reads), and, for NOT NULL, CHECK … NOT VALID,
// VALIDATE and SET NOT NULL once every row has its value (PostgreSQL 18: NOT NULL … NOT VALID
// and VALIDATE, not_null.cc).
#include "base/quote.h"
#include "fix/steps/step.h"

namespace lockstep::fix::steps {
std::pair<int, int> InlineConstraintSpan(const Context& ctx, const sql::ColumnDef& col, size_t k,
                                         int action_end) {
  const int begin = col.constraints[k].location;
  int end = action_end;
  for (size_t j = 0; j < col.constraints.size(); ++j) {
    const int at = col.constraints[j].location;
    if (at > begin && at < end) end = at;
  }
  while (end > begin && (ctx.text()[end - 1] == ' ' || ctx.text()[end - 1] == '\t' ||
                         ctx.text()[end - 1] == '\n' || ctx.text()[end - 1] == '\r'))
    --end;
  return {begin, end};
}

void RemoveInlineConstraint(Context& ctx, const sql::ColumnDef& col, size_t k, int action_end) {
  // The blank before it goes with it.
  auto [b, e] = InlineConstraintSpan(ctx, col, k, action_end);
  while (b > 0 && (ctx.text()[b - 1] == ' ' || ctx.text()[b - 1] == '\t')) --b;
  ctx.Replace(b, e, "");
}

bool VolatileDefaultStep(Context& ctx, size_t cmd) {
  const sql::Statement& s = ctx.stmt();
  const sql::AlterCmd& a = s.cmds[cmd];
  if (a.type != sql::AlterType::kAddColumn || !a.column || !ctx.spans() || ctx.IsNew(s.table))
    return false;
  const sql::ColumnDef& col = *a.column;
  // The same predicate as lint's fixable marking; anything beside the default (REFERENCES,
  // CHECK …) would need its own rewrite of a column that is still empty.
  if (!locks::IsBackfillableVolatileDefault(col, ctx.options().pg_version)) return false;
  int default_k = -1, not_null_k = -1;
  for (size_t k = 0; k < col.constraints.size(); ++k) {
    const sql::Constraint& c = col.constraints[k];
    if (c.location < 0) return false;  // no text span to edit
    if (c.type == sql::Constraint::Type::kDefault) default_k = static_cast<int>(k);
    if (c.type == sql::Constraint::Type::kNotNull) not_null_k = static_cast<int>(k);
  }
  if (default_k < 0 || !LaterRenameOrDrop(ctx, ctx.index, s.table, "", col.name).empty())
    return false;
  const int action_end = ctx.spans()->cmds[cmd].second;
  const auto [db, de] = InlineConstraintSpan(ctx, col, static_cast<size_t>(default_k), action_end);
  // "DEFAULT gen_random_uuid()": the expression is what follows the keyword.
  std::string expr(ctx.Text(db, de));
  const size_t space = expr.find_first_of(" \t\r\n");
  if (space == std::string::npos) return false;
  expr = expr.substr(expr.find_first_not_of(" \t\r\n", space));
  const std::string column = QuoteIdent(col.name);
  const std::string table = ctx.TableText();

  RemoveInlineConstraint(ctx, col, static_cast<size_t>(default_k), action_end);
  if (not_null_k >= 0)
    RemoveInlineConstraint(ctx, col, static_cast<size_t>(not_null_k), action_end);
  std::string added = ctx.Kw(", ALTER COLUMN ") + column + ctx.Kw(" SET DEFAULT ") + expr;
  ctx.Insert(action_end, added);

  NewMigration fill;
  fill.slug = SnakeCase("backfill_" + s.table.name + "_" + col.name);
  fill.sql = ctx.Kw("UPDATE ") + table + ctx.Kw(" SET ") + column + " = " + expr +
             ctx.Kw(" WHERE ") + column + ctx.Kw(" IS NULL") + ";\n";
  fill.purpose = "fills " + col.name + " of the existing rows (lockstep deploy: in batches)";
  ctx.Backfill(std::move(fill));
  if (not_null_k >= 0) DeferNotNull(ctx, s.table, col.name, column, true);
  ctx.Rewrote(
      "the column without its volatile default here (no rewrite), SET DEFAULT for new "
      "rows, the existing rows backfilled in their own migration" +
      std::string(not_null_k < 0 ? ""
                  : NotNullConstraintsCanBeNotValid(ctx)
                      ? ", then NOT NULL … NOT VALID and VALIDATE"
                      : ", then NOT NULL through CHECK … NOT VALID, "
                        "VALIDATE and SET NOT NULL"));
  return true;
}

}  // namespace lockstep::fix::steps
