// SET NOT NULL on a live table -> ADD CHECK (col IS NOT NULL) NOT VALID here; VALIDATE in the
// validation migration; then SET NOT NULL (PostgreSQL 12+ skips its scan when a valid CHECK
// proves the column non-null) and DROP the CHECK. On PostgreSQL 18: ADD CONSTRAINT … NOT NULL col
// NOT VALID here and VALIDATE, nothing more (not_null.cc). The plain form scans every row under
// ACCESS EXCLUSIVE.
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
  ctx.Replace(b, e, DeferNotNull(ctx, s.table, a.name, column, false));
  if (NotNullConstraintsCanBeNotValid(ctx))
    ctx.Rewrote("NOT NULL " + column +
                " NOT VALID here (no scan), VALIDATE later under SHARE UPDATE EXCLUSIVE");
  else
    ctx.Rewrote("CHECK (" + column +
                " IS NOT NULL) NOT VALID here, VALIDATE later, then SET NOT "
                "NULL without a scan and DROP the CHECK");
  return true;
}

}  // namespace lockstep::fix::steps
