// REINDEX -> REINDEX … CONCURRENTLY (PostgreSQL 12+), in a migration of its own. A plain REINDEX
// holds SHARE on the table (blocks writes) and ACCESS EXCLUSIVE on each index being rebuilt.
#include "fix/steps/step.h"

namespace lockstep::fix::steps {

bool ReindexStep(Context& ctx) {
  const sql::Statement& s = ctx.stmt();
  if (s.kind != sql::Kind::kReindex || s.concurrently) return false;
  using sql::ReindexTarget;
  const ReindexTarget what = s.reindex->target;
  if (what != ReindexTarget::kIndex && what != ReindexTarget::kTable &&
      what != ReindexTarget::kSchema && what != ReindexTarget::kDatabase)
    return false;
  if (ctx.options().pg_version < 12) return false;
  const std::string k(sql::ReindexTargetName(what));
  sql::QName table = s.table;
  if (what == ReindexTarget::kIndex)
    if (const schema::Index* ix = ctx.before().FindIndex(s.reindex->index)) table = ix->table;
  if (!table.name.empty() && !ctx.Wanted(table)) {
    ctx.LeftAlone("table created by this migration: nobody else can see it yet (--minimal)");
    return true;
  }
  const char* keyword = what == ReindexTarget::kIndex    ? "INDEX"
                        : what == ReindexTarget::kTable  ? "TABLE"
                        : what == ReindexTarget::kSchema ? "SCHEMA"
                                                         : "DATABASE";
  int at = -1;
  for (int t = s.first_token; t < s.last_token; ++t)
    if (ctx.parsed().tokens[t].kind == keyword) {
      at = ctx.parsed().tokens[t].end;
      break;
    }
  if (at < 0) return false;
  const std::string target = what == ReindexTarget::kIndex ? s.reindex->index.name : s.table.name;
  NewMigration m;
  m.slug = "reindex_" + SnakeCase(target.empty() ? k : target);
  m.sql = std::string(ctx.Text(s.begin, at)) + ctx.Kw(" CONCURRENTLY") +
          std::string(ctx.Text(at, s.end)) + ";\n";
  m.transactional = false;
  m.purpose = "rebuilds " + (target.empty() ? k : target) + " without blocking writes";
  ctx.Move(std::move(m), std::vector<Edit>{{at, at, ctx.Kw(" CONCURRENTLY")}});
  ctx.RemoveStatement();
  ctx.Rewrote("CONCURRENTLY, moved to a migration of its own");
  return true;
}

}  // namespace lockstep::fix::steps
