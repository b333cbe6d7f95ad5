// SET NOT NULL on a live table -> ADD CHECK (col IS NOT NULL) NOT VALID here; VALIDATE in the
// validation migration; then SET NOT NULL (PostgreSQL 12+ skips its scan when a valid CHECK
// proves the column non-null) and DROP the CHECK. The plain form scans every row under ACCESS
// EXCLUSIVE.
#include "fix/steps/step.h"

namespace lockstep::fix::steps {

bool SetNotNullDefers(const Context& ctx, size_t i, size_t cmd) {
  const sql::Statement& s = ctx.stmt(i);
  const sql::AlterCmd& a = s.cmds[cmd];
  if (a.type != sql::AlterType::kSetNotNull || !SplitAlterTable(ctx.parsed(), s) ||
      ctx.before(i).OriginOf(s.table) == schema::Origin::kThisMigration)
    return false;
  if (ctx.options().pg_version < 12) return false;
  sql::Statement one = s;
  one.cmds = {a};
  locks::Options lo;
  lo.pg_version = ctx.options().pg_version;
  if (locks::Analyze(one, ctx.before(i), lo).scans.empty()) return false;  // already proven
  return LaterRenameOrDrop(ctx, i, s.table, "", a.name).empty();
}

bool SetNotNullStep(Context& ctx, size_t cmd) {
  const sql::Statement& s = ctx.stmt();
  const sql::AlterCmd& a = s.cmds[cmd];
  if (!SetNotNullDefers(ctx, ctx.index, cmd) || !ctx.spans()) return false;
  // ALTER [COLUMN] name SET NOT NULL: the column as written is the token before SET.
  const auto [b, e] = ctx.spans()->cmds[cmd];
  const auto& toks = ctx.parsed().tokens;
  std::string column;
  for (int i = ctx.TokenIndexAt(b), prev = -1; i >= 0 && toks[i].begin < e;
       prev = i, i = ctx.TokenIndexAt(toks[i].end)) {
    if (toks[i].kind == "SET" && prev >= 0) {
      column = std::string(ctx.Text(toks[prev].begin, toks[prev].end));
      break;
    }
  }
  if (column.empty()) return false;
  // Not "<table>_<col>_not_null": PostgreSQL 18 gives NOT NULL constraints that name.
  const std::string check =
      QuoteIdent(ChooseConstraintName(ctx.before(), s.table, a.name + "_not_null", "check"));
  const std::string table = ctx.TableText();
  ctx.Replace(b, e,
              ctx.Kw("ADD CONSTRAINT ") + check + ctx.Kw(" CHECK (") + column +
                  ctx.Kw(" IS NOT NULL) NOT VALID"));
  ctx.Validate("ALTER TABLE " + table + " VALIDATE CONSTRAINT " + check, "check");
  ctx.AfterValidation("ALTER TABLE " + table + " ALTER COLUMN " + column + " SET NOT NULL");
  ctx.AfterValidation("ALTER TABLE " + table + " DROP CONSTRAINT " + check);
  ctx.Rewrote("CHECK (" + column +
              " IS NOT NULL) NOT VALID here, VALIDATE later, then SET NOT "
              "NULL without a scan and DROP the CHECK");
  return true;
}

}  // namespace lockstep::fix::steps
