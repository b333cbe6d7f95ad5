// DROP INDEX -> DROP INDEX CONCURRENTLY, each in a migration of its own. A plain DROP INDEX
// takes ACCESS EXCLUSIVE on the table: short, but it queues behind any long query and every
// later query queues behind it.
#include "fix/steps/step.h"

namespace lockstep::fix::steps {
namespace {

int IndexKeywordEnd(const Context& ctx, size_t i) {
  const sql::Statement& s = ctx.stmt(i);
  for (int t = s.first_token; t < s.last_token; ++t)
    if (ctx.parsed().tokens[t].kind == "INDEX") return ctx.parsed().tokens[t].end;
  return -1;
}

}  // namespace

bool DropIndexMoves(const Context& ctx, size_t i) {
  const sql::Statement& s = ctx.stmt(i);
  if (s.kind != sql::Kind::kDrop || s.object_type != sql::ObjectType::kIndex || s.concurrently)
    return false;
  // CONCURRENTLY drops one index and knows no CASCADE.
  if (s.objects.size() != 1 || s.cascade || IndexKeywordEnd(ctx, i) < 0) return false;
  const schema::Index* ix = ctx.before(i).FindIndex(s.objects.front());
  if (ix && ix->constraint_backed) return false;
  if (ix && ctx.before(i).OriginOf(ix->table) == schema::Origin::kThisMigration)
    return !ctx.options().minimal;
  return true;
}

bool DropIndexStep(Context& ctx) {
  const sql::Statement& s = ctx.stmt();
  if (s.kind != sql::Kind::kDrop || s.object_type != sql::ObjectType::kIndex || s.concurrently)
    return false;
  const schema::Index* ix =
      s.objects.size() == 1 ? ctx.before().FindIndex(s.objects.front()) : nullptr;
  const bool is_new = ix && ctx.IsNew(ix->table);
  if (!DropIndexMoves(ctx, ctx.index)) {
    if (is_new) {
      ctx.LeftAlone("index of a table created by this migration: nobody else can see it yet");
      return true;
    }
    return false;  // several indexes, CASCADE or a constraint's index: the unsafe classifier says
                   // so
  }
  const sql::QName table = ix ? ix->table : sql::QName{};
  const std::vector<std::string> columns = ix ? ix->columns : std::vector<std::string>{};
  if (const std::string dep = LaterDependency(ctx, ctx.index, s.objects.front(), table, columns);
      !dep.empty()) {
    if (is_new) {
      ctx.LeftAlone("kept in place: " + dep);
      return true;
    }
    ctx.MarkUnsafe("DROP INDEX takes ACCESS EXCLUSIVE on its table, and it cannot be moved: " + dep,
                   {"drop the index with DROP INDEX CONCURRENTLY in a migration of its own, before "
                    "this one"});
    return true;
  }
  const int at = IndexKeywordEnd(ctx, ctx.index);
  NewMigration m;
  m.slug = "drop_" + SnakeCase(s.objects.front().name);
  m.sql = std::string(ctx.Text(s.begin, at)) + ctx.Kw(" CONCURRENTLY") +
          std::string(ctx.Text(at, s.end)) + ";\n";
  m.transactional = false;
  m.purpose =
      "drops " + s.objects.front().ToString() + " without an ACCESS EXCLUSIVE lock on its table";
  ctx.Move(std::move(m), std::vector<Edit>{{at, at, ctx.Kw(" CONCURRENTLY")}});
  ctx.RemoveStatement();
  ctx.Rewrote(ix ? "CONCURRENTLY, moved to a migration of its own"
                 : "CONCURRENTLY, moved to a migration of its own (index not in the replayed "
                   "history: assumed live)");
  return true;
}

}  // namespace lockstep::fix::steps
