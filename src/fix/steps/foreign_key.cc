// ADD FOREIGN KEY -> ADD FOREIGN KEY … NOT VALID here, VALIDATE CONSTRAINT in the validation
// migration. The plain form holds SHARE ROW EXCLUSIVE on both tables (writes blocked) while it
// scans the referencing table; NOT VALID is instant, and VALIDATE only needs SHARE UPDATE
// EXCLUSIVE, under which reads and writes go on.
#include <algorithm>

#include "base/quote.h"
#include "fix/steps/step.h"

namespace lockstep::fix::steps {
namespace {

// The foreign key references a unique index that CreateIndexStep moves after the migration: here
// it would fail (no unique key yet), so it follows the index — added NOT VALID in a migration
// after the index's, validated in the next (in one transaction, the add's SHARE ROW EXCLUSIVE
// would be held through the scan).
void FollowMovedKey(Context& ctx, size_t cmd, size_t key_index) {
  const sql::Constraint& k = *ctx.stmt().cmds[cmd].constraint;
  const auto [b, e] = ctx.spans()->cmds[cmd];
  std::string name = WrittenConstraintName(ctx, k.location);
  std::string action(ctx.Text(b, e));
  if (name.empty()) {
    name = QuoteIdent(ChooseConstraintName(ctx.before(), ctx.stmt().table,
                                           JoinColumnsForName(k.columns), "fkey"));
    action = std::string(ctx.Text(b, k.location)) + ctx.Kw("CONSTRAINT ") + name + " " +
             std::string(ctx.Text(k.location, e));
  }
  // A unique index of the referenced table whose drop waits for every build still exists when
  // the key would be added: the foreign key could depend on it, and the drop would then fail.
  const sql::QName ref = ctx.before().Resolve(k.ref_table);
  const bool after_drops =
      std::any_of(ctx.deferred_drops().begin(), ctx.deferred_drops().end(),
                  [&](const DeferredDrop& d) { return d.unique && d.table == ref; });
  const Phase phase = after_drops ? Phase::kAfterDrop : Phase::kInOrder;
  NewMigration add;
  add.slug = "add_" + SnakeCase(name);
  add.sql = "ALTER TABLE " + ctx.TableText() + " " + action +
            (k.not_valid ? "" : ctx.Kw(" NOT VALID")) + ";\n";
  add.purpose = "adds " + name + " once the unique index it references exists";
  ctx.Add(std::move(add), phase);
  if (!k.not_valid) {
    NewMigration validate;
    validate.slug = "validate_" + SnakeCase(name);
    validate.sql = "ALTER TABLE " + ctx.TableText() + " VALIDATE CONSTRAINT " + name + ";\n";
    validate.purpose = "validates " + name + " (SHARE UPDATE EXCLUSIVE: reads and writes go on)";
    ctx.Add(std::move(validate), phase);
  }
  ctx.RemoveAction(cmd);
  const int line = ctx.migration().source.PositionOf(ctx.stmt(key_index).begin).line;
  ctx.Rewrote("needs the unique index built at line " + std::to_string(line) +
              ", which moves after the migration: added" +
              (k.not_valid ? " as written" : " NOT VALID") + " in a migration after the index's" +
              (k.not_valid ? "" : ", VALIDATE CONSTRAINT " + name + " in the next"));
}

}  // namespace

bool ForeignKeyStep(Context& ctx, size_t cmd) {
  const sql::AlterCmd& a = ctx.stmt().cmds[cmd];
  if (a.type != sql::AlterType::kAddConstraint || !a.constraint ||
      a.constraint->type != sql::Constraint::Type::kForeignKey)
    return false;
  if (const int key = MovedKeyIndexFor(ctx, ctx.index, cmd);
      key >= 0 && ctx.spans() && ForeignKeyMoveBlocker(ctx, ctx.index, cmd).empty()) {
    FollowMovedKey(ctx, cmd, static_cast<size_t>(key));
    return true;
  }
  if (a.constraint->not_valid || !ctx.spans() || a.constraint->location < 0) return false;
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
