// A statement that must run outside a transaction (CREATE INDEX CONCURRENTLY, VACUUM, …) in a
// file with other statements fails under Prisma's native engine, which sends the whole file as
// one implicit transaction (SQLSTATE 25001). It moves, unchanged, to a migration of its own —
// after the rest, so only when no later statement of the file needs it to have run first (or
// not yet). A foreign key that needs an isolated unique index follows it (ForeignKeyStep).
#include <string>
#include <vector>

#include "base/quote.h"
#include "fix/steps/step.h"

namespace lockstep::fix::steps {
namespace {

// Why moving the current statement after the rest of its migration would change what the later
// statements see, or "" when it is free to move.
std::string IsolateDependency(const Context& ctx) {
  const sql::Statement& s = ctx.stmt();
  if (s.kind == sql::Kind::kCreateIndex && s.index) {
    const sql::CreateIndex& ix = *s.index;
    return LaterDependency(ctx, ctx.index, sql::QName{ix.table.schema, ix.name}, ix.table,
                           IndexColumns(ix));
  }
  // DROP INDEX CONCURRENTLY and REINDEX INDEX name an index: its table and columns matter too
  // (a later DROP COLUMN drops the index, and the moved statement would find it gone).
  std::vector<sql::QName> indexes;
  if (s.kind == sql::Kind::kDrop && s.object_type == sql::ObjectType::kIndex) indexes = s.objects;
  if (s.kind == sql::Kind::kReindex && s.reindex->target == sql::ReindexTarget::kIndex &&
      !s.reindex->index.name.empty())
    indexes = {s.reindex->index};
  for (const sql::QName& o : indexes) {
    const schema::Index* ix = ctx.before().FindIndex(o);
    if (std::string dep = LaterDependency(ctx, ctx.index, o, ix ? ix->table : sql::QName{},
                                          ix ? ix->columns : std::vector<std::string>{});
        !dep.empty())
      return dep;
  }
  if (!indexes.empty()) return "";
  // REINDEX TABLE, VACUUM a, b, …: the tables they name.
  for (const sql::QName& t : s.tables)
    if (std::string dep = LaterDependency(ctx, ctx.index, sql::QName{}, t, {}); !dep.empty())
      return dep;
  return "";
}

}  // namespace

bool IsolateMoves(const Context& ctx, size_t i) {
  return sql::MustRunOutsideTransaction(ctx.stmt(i)) && ctx.statement_count() >= 2;
}

bool IsolateNonTransactionalStep(Context& ctx) {
  const sql::Statement& s = ctx.stmt();
  if (!IsolateMoves(ctx, ctx.index)) return false;
  if (const std::string dep = IsolateDependency(ctx); !dep.empty()) {
    // Left in place it still fails under the native engine, and moved it would run after what
    // needs it: only splitting the file at this statement keeps both the order and the engine.
    ctx.MarkUnsafe(
        "cannot run inside a transaction (the native engine sends the file as one: SQLSTATE "
        "25001), and it cannot be moved after the rest of the migration: " +
            dep,
        {"split the migration at this statement: the statements before it stay in this "
         "migration",
         "this statement alone in the next migration",
         "the statements after it in the migration after that"});
    return true;
  }
  NewMigration m;
  m.sql = std::string(ctx.StatementText()) + ";\n";
  Phase phase = Phase::kInOrder;
  if (s.kind == sql::Kind::kCreateIndex && s.index) {
    m.slug = IndexSlug(*s.index);
    // Its name is still held by an index whose drop waits for every build: build it under a
    // temporary name, renamed after that drop.
    const sql::CreateIndex& ix = *s.index;
    const std::string schema = ctx.before().Resolve(ix.table).schema;
    if (!ix.name.empty() && NameTakenUntilDrops(ctx, {schema, ix.name})) {
      const std::optional<std::pair<int, int>> span = IndexNameSpan(ctx, ctx.index);
      if (!span) return false;
      const std::string temporary_name = TemporaryIndexName(ctx, schema, ix.name);
      const std::string temporary = QuoteIdent(temporary_name);
      m.sql = std::string(ctx.Text(s.begin, span->first)) + temporary +
              std::string(ctx.Text(span->second, s.end)) + ";\n";
      NewMigration rename;
      rename.slug = "rename_" + SnakeCase(ix.name);
      rename.sql = "ALTER INDEX " + QuoteQualified(ix.table.schema, temporary_name) +
                   " RENAME TO " + std::string(ctx.Text(span->first, span->second)) + ";\n";
      rename.purpose = "gives the index its name once the old index is dropped";
      m.transactional = false;
      m.purpose =
          "runs outside a transaction, alone in its file (under a temporary name: " + ix.name +
          " is still taken)";
      ctx.Move(std::move(m), std::vector<Edit>{{span->first, span->second, temporary}});
      ctx.Add(std::move(rename), Phase::kAfterDrop);
      ctx.RemoveStatement();
      ctx.Rewrote(
          "cannot run inside a transaction: moved to a migration of its own, under a temporary "
          "name renamed once the old index is dropped");
      return true;
    }
  } else if (s.kind == sql::Kind::kDrop && !s.objects.empty()) {
    m.slug = "drop_" + SnakeCase(s.objects.front().name);
    if (s.object_type == sql::ObjectType::kIndex) {
      // After every build, like the drops DropIndexStep moves.
      phase = Phase::kDrop;
      for (const sql::QName& o : s.objects) {
        const schema::Index* ix = ctx.before().FindIndex(o);
        DeferredDrop d;
        d.index = ix ? ix->name : o;
        if (ix) {
          d.table = ix->table;
          d.unique = ix->unique;
        }
        ctx.DeferDrop(std::move(d));
      }
    }
  } else if (s.kind == sql::Kind::kReindex) {
    m.slug = "reindex_" + SnakeCase(!s.reindex->index.name.empty() ? s.reindex->index.name
                                    : !s.table.name.empty()
                                        ? s.table.name
                                        : std::string(sql::ReindexTargetName(s.reindex->target)));
  } else {
    m.slug = SnakeCase(sql::KindName(s.kind)) +
             (s.table.name.empty() ? "" : "_" + SnakeCase(s.table.name));
  }
  m.transactional = false;
  m.purpose = "runs outside a transaction, alone in its file";
  ctx.Move(std::move(m), std::vector<Edit>{}, phase);
  ctx.RemoveStatement();
  ctx.Rewrote("cannot run inside a transaction: moved, unchanged, to a migration of its own");
  return true;
}

}  // namespace lockstep::fix::steps
