// DETACH PARTITION -> DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+), in a migration of its
// own: SHARE UPDATE EXCLUSIVE instead of ACCESS EXCLUSIVE on the parent.
#include "fix/steps/step.h"

namespace lockstep::fix::steps {

bool DetachPartitionStep(Context& ctx, size_t cmd) {
  const sql::Statement& s = ctx.stmt();
  const sql::AlterCmd& a = s.cmds[cmd];
  if (a.type != sql::AlterType::kDetachPartition || a.concurrently) return false;
  if (!ctx.spans() || s.cmds.size() != 1 || ctx.options().pg_version < 14) return false;
  if (!ctx.Wanted(s.table)) {
    ctx.LeftAlone("table created by this migration: nobody else can see it yet (--minimal)");
    return true;
  }
  const int at = ctx.spans()->cmds[cmd].second;
  NewMigration m;
  m.slug = "detach_" + SnakeCase(a.partition.name);
  m.sql = std::string(ctx.Text(s.begin, at)) + ctx.Kw(" CONCURRENTLY") +
          std::string(ctx.Text(at, s.end)) + ";\n";
  m.transactional = false;
  m.purpose = "detaches " + a.partition.ToString() + " under SHARE UPDATE EXCLUSIVE";
  ctx.Move(std::move(m), std::vector<Edit>{{at, at, ctx.Kw(" CONCURRENTLY")}});
  ctx.RemoveStatement();
  ctx.Rewrote(
      "CONCURRENTLY, moved to a migration of its own (PostgreSQL refuses it when the "
      "parent has a DEFAULT partition)");
  return true;
}

}  // namespace lockstep::fix::steps
