// ALTER TABLE t RENAME TO u on a live table: the running application keeps querying t and fails
// the moment the name changes. Rewritten as expand/contract (issue 13 item 2):
//
// expand (here): the rename, then CREATE VIEW t AS SELECT * FROM u in the same migration, so one
//   transaction (under lockstep deploy's lock_timeout) takes both: no moment without a t. A view
//   over one table with no joins, aggregates or expressions is automatically updatable, so the
//   old application's INSERT, UPDATE, DELETE, RETURNING and ON CONFLICT work through it; a column
//   it leaves out takes u's default (its sequence too: a serial's sequence keeps its name), and
//   u's triggers and constraints apply. Nothing is copied, so nothing needs syncing.
// contract (Context::Contract, after the rollout of the application that uses u): DROP VIEW t,
//   which leaves exactly the original rename's schema.
//
// What the view does not carry: TRUNCATE, LOCK and ALTER TABLE on the old name, and columns
// added to u later (the view's column list is fixed when it is created); a later statement of
// the same migration that uses the table is refused for that reason (renames of its constraints
// and indexes, as Prisma writes after a table rename, are not uses).
#include "analysis/rename.h"
#include "fix/steps/step.h"

namespace lockstep::fix::steps {

bool RenameTableStep(Context& ctx) {
  const sql::Statement& s = ctx.stmt();
  if (s.kind != sql::Kind::kRename || s.object_type != sql::ObjectType::kTable ||
      s.table.name.empty() || ctx.IsNew(s.table) ||
      ctx.before().OriginOf(s.table) != schema::Origin::kExisting)
    return false;
  const sql::QName old = ctx.before().Resolve(s.table);
  // Fix's own output (or the same done by hand): the view already keeps the old name working.
  if (Renames(ctx).FollowedByItsView(ctx.index)) return true;
  std::string why = analysis::TableRenameBlocker(ctx.before(), s);
  if (why.empty()) {
    why = Renames(ctx).LaterUse(ctx.index);
    if (!why.empty()) why += ": the view under the old name would not follow it";
  }
  if (!why.empty()) {
    ctx.MarkUnsafe(
        "renaming a table breaks every running instance of the application that still uses "
        "the old name, and fix cannot rewrite it: " +
            why,
        {"expand: rename, and create a view with the old name (CREATE VIEW old AS SELECT * FROM "
         "new) in the same transaction so old code keeps working",
         "deploy code that uses the new name", "contract: drop the view in a later migration"});
    return true;
  }
  const std::string view = QuoteQName(s.table);
  ctx.Insert(s.end, ";\nCREATE VIEW " + view + " AS SELECT * FROM " +
                        QuoteQName(sql::QName{s.table.schema, s.rename_to}));
  NewMigration contract;
  contract.slug = SnakeCase("contract_drop_view_" + old.name);
  contract.sql = "DROP VIEW " + view + ";\n";
  contract.purpose = "the view under the old name once no running code uses it";
  ctx.Contract(std::move(contract));
  ctx.Rewrote(
      "expand/contract: renamed with an updatable view under the old name in the same "
      "transaction (the old application keeps working); the contract migration drops the view");
  return true;
}

}  // namespace lockstep::fix::steps
