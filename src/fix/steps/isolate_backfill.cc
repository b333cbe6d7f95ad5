// An UPDATE of a live table among other statements runs, under either deployer, as one statement
// inside the migration's transaction: every row it touches stays locked until the whole file
// commits, and lockstep deploy batches an UPDATE only when it is alone in its migration
// (docs/backfill.md). It moves, unchanged, to a migration of its own right after this one (with
// the other backfills, before the validation migration), so that what it needs has run and what
// needs its rows runs after it: a later SET NOT NULL of its table becomes CHECK … NOT VALID here,
// VALIDATE and SET NOT NULL after the backfill (SetNotNullStep). Any other later statement might
// read the rows it writes, so the UPDATE is then left where it is, with the reason.
#include <algorithm>
#include <string>

#include "fix/steps/step.h"

namespace lockstep::fix::steps {
namespace {

// Why deploy could not batch the UPDATE alone in its migration, or "".
std::string NotBatchable(const Context& ctx) {
  const sql::Statement& s = ctx.stmt();
  const sql::Update& u = *s.update;
  if (u.has_returning) return "it has RETURNING";
  if (u.where_current_of) return "it updates WHERE CURRENT OF a cursor";
  const schema::Table* t = ctx.before().FindTable(s.table);
  if (!t) return "its table is not in the replayed history";
  for (const schema::Constraint& c : t->constraints) {
    if (c.type != sql::Constraint::Type::kPrimaryKey) continue;
    for (const std::string& col : c.columns)
      if (std::find(u.set_columns.begin(), u.set_columns.end(), col) != u.set_columns.end())
        return "it assigns its table's primary key, which deploy batches by";
    return "";
  }
  return "its table has no primary key for deploy to batch it by";
}

// Why a statement after the UPDATE keeps it here, or "": only what fix defers until after the
// backfill may follow it.
std::string LaterNeed(const Context& ctx) {
  for (size_t j = ctx.index + 1; j < ctx.statement_count(); ++j) {
    const sql::Statement& later = ctx.stmt(j);
    bool deferred = later.kind == sql::Kind::kAlterTable && !later.cmds.empty();
    for (size_t k = 0; deferred && k < later.cmds.size(); ++k)
      deferred = later.cmds[k].type == sql::AlterType::kSetNotNull && SetNotNullDefers(ctx, j, k);
    if (!deferred)
      return "line " + std::to_string(ctx.migration().source.PositionOf(later.begin).line) + " (" +
             ctx.Summary(j) + ") runs after it and may need its rows";
  }
  return "";
}

}  // namespace

bool IsolateBackfillStep(Context& ctx) {
  const sql::Statement& s = ctx.stmt();
  if (s.kind != sql::Kind::kUpdate || !s.update || ctx.statement_count() < 2 || ctx.IsNew(s.table))
    return false;
  // The migration's own BEGIN … COMMIT asks for one transaction: keep it.
  for (size_t j = 0; j < ctx.statement_count(); ++j)
    if (ctx.stmt(j).kind == sql::Kind::kTransaction) return false;
  std::string why = NotBatchable(ctx);
  if (why.empty()) why = LaterNeed(ctx);
  if (!why.empty()) {
    ctx.LeftAlone(
        "a backfill left among the other statements (lockstep deploy batches an UPDATE "
        "only alone in its migration): " +
        why);
    return true;
  }
  NewMigration m;
  m.slug = SnakeCase("backfill_" + s.table.name + "_" +
                     (s.update->set_columns.empty() ? "rows" : s.update->set_columns.front()));
  m.sql = std::string(ctx.StatementText()) + ";\n";
  m.purpose = "the backfill, alone in its migration (lockstep deploy: in batches)";
  ctx.Backfill(std::move(m));
  ctx.RemoveStatement();
  ctx.Rewrote(
      "moved, unchanged, to a migration of its own after this one (lockstep deploy runs it in "
      "batches), before what needs its rows");
  return true;
}

}  // namespace lockstep::fix::steps
