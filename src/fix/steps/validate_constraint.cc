// A VALIDATE CONSTRAINT in the same migration as the NOT VALID that added it gains nothing: the
// transaction still holds the add's lock (SHARE ROW EXCLUSIVE or ACCESS EXCLUSIVE) while the
// validation scans. It moves to the validation migration.
#include "base/quote.h"
#include "fix/steps/step.h"

namespace lockstep::fix::steps {

bool ValidateConstraintStep(Context& ctx, size_t cmd) {
  const sql::AlterCmd& a = ctx.stmt().cmds[cmd];
  if (a.type != sql::AlterType::kValidateConstraint || !ctx.spans()) return false;
  const schema::Table* t = ctx.before().FindTable(ctx.stmt().table);
  const schema::Constraint* k = t ? t->FindConstraint(a.name) : nullptr;
  if (!k || k->valid || k->origin != schema::Origin::kThisMigration) return false;
  // VALIDATE CONSTRAINT <name>: the name is the action's third token.
  const auto [b, e] = ctx.spans()->cmds[cmd];
  int i = ctx.TokenIndexAt(b);
  std::string name;
  for (int n = 0; i >= 0 && n < 2; ++n) i = ctx.TokenIndexAt(ctx.parsed().tokens[i].end);
  if (i >= 0 && ctx.parsed().tokens[i].begin < e) name = ctx.TokenAt(ctx.parsed().tokens[i].begin);
  if (name.empty()) name = QuoteIdent(a.name);
  ctx.RemoveAction(cmd);
  ctx.Validate("ALTER TABLE " + ctx.TableText() + " VALIDATE CONSTRAINT " + name,
               k->type == sql::Constraint::Type::kForeignKey ? "fk" : "check");
  ctx.Rewrote(
      "moved to the validation migration: here the NOT VALID add's lock is still held "
      "while it scans");
  return true;
}

}  // namespace lockstep::fix::steps
