// CREATE INDEX -> CREATE INDEX CONCURRENTLY, each in a migration of its own (the seed's pattern:
// Prisma's native engine sends a file as one implicit transaction, which CONCURRENTLY refuses).
#include <string>

#include "base/quote.h"
#include "fix/steps/step.h"

namespace lockstep::fix::steps {
namespace {

// Why the index cannot be built concurrently at all, or "".
std::string CannotBeConcurrent(const Context& ctx, size_t i) {
  const sql::Statement& s = ctx.stmt(i);
  const sql::CreateIndex& ix = *s.index;
  if (ix.only) return "ON ONLY builds an invalid parent index, which CONCURRENTLY cannot do";
  const schema::Table* t = ctx.before(i).FindTable(ix.table);
  if (t && t->kind == schema::Table::Kind::kPartitioned)
    return "PostgreSQL cannot build an index on a partitioned table concurrently";
  if (ix.concurrently_insert_at < 0) return "no INDEX keyword found in the token stream";
  return "";
}

}  // namespace

std::string IndexSlug(const sql::CreateIndex& ix) {
  std::string slug = "idx_" + SnakeCase(ix.table.name);
  for (const sql::IndexElem& e : ix.elems)
    slug += "_" + (e.column.empty() ? std::string("expr") : SnakeCase(e.column));
  if (!ix.access_method.empty() && ix.access_method != "btree")
    slug += "_" + SnakeCase(ix.access_method);
  if (ix.unique) slug += "_unique";
  if (ix.has_where) slug += "_partial";
  return slug;
}

std::vector<std::string> IndexColumns(const sql::CreateIndex& ix) {
  std::vector<std::string> columns;
  for (const sql::IndexElem& e : ix.elems) {
    if (!e.column.empty()) columns.push_back(e.column);
    if (e.expr) columns.insert(columns.end(), e.expr->columns.begin(), e.expr->columns.end());
  }
  return columns;
}

bool CreateIndexMoves(const Context& ctx, size_t i) {
  const sql::Statement& s = ctx.stmt(i);
  if (s.kind != sql::Kind::kCreateIndex || !s.index) return false;
  if (s.index->concurrently) return IsolateMoves(ctx, i);
  if (!CannotBeConcurrent(ctx, i).empty()) return false;
  const bool is_new = ctx.before(i).OriginOf(s.index->table) == schema::Origin::kThisMigration;
  // A unique index on a new table stays: the table is empty, so it is instant, and it enforces
  // uniqueness from the first row on (moved later, duplicates could slip in and fail the build).
  if (is_new) return !ctx.options().minimal && !s.index->unique;
  return true;
}

bool CreateIndexStep(Context& ctx) {
  const sql::Statement& s = ctx.stmt();
  if (s.kind != sql::Kind::kCreateIndex || !s.index || s.index->concurrently) return false;
  const sql::CreateIndex& ix = *s.index;
  const bool is_new = ctx.IsNew(ix.table);
  if (const std::string why = CannotBeConcurrent(ctx, ctx.index); !why.empty()) {
    if (is_new) {
      ctx.LeftAlone("cannot be built concurrently (" + why +
                    "); its table is new, so it is harmless");
      return true;
    }
    return false;  // the unsafe classifier explains it
  }
  if (!CreateIndexMoves(ctx, ctx.index)) {
    ctx.LeftAlone(ix.unique
                      ? "unique index on a table created by this migration: instant on the empty "
                        "table, and uniqueness holds from the first row"
                      : "table created by this migration: nobody else can see it yet (--minimal)");
    return true;
  }
  const sql::QName name{ix.table.schema, ix.name};
  if (const std::string dep = LaterDependency(ctx, ctx.index, name, ix.table, IndexColumns(ix));
      !dep.empty()) {
    if (is_new) {
      ctx.LeftAlone("kept in place: " + dep);
      return true;
    }
    ctx.MarkUnsafe("CREATE INDEX takes a SHARE lock on " + ix.table.ToString() +
                       " (blocks writes) for the whole build, and it cannot be moved: " + dep,
                   {"split the migration at this statement",
                    "build the index with CREATE INDEX "
                    "CONCURRENTLY in a migration of its own",
                    "put the rest in the next migration"});
    return true;
  }
  const int at = ix.concurrently_insert_at;
  const std::string schema = ctx.before().Resolve(ix.table).schema;
  // The key constraint this index replaces (DROP CONSTRAINT earlier in the migration) goes once
  // the index is built; an index whose drop waits for every build holds the name until then.
  const std::optional<KeyDrop> drop =
      is_new || ix.name.empty()
          ? std::nullopt
          : ReplacedKeyDrop(ctx, ix.table, ix.name, false,
                            ix.unique ? IndexColumns(ix) : std::vector<std::string>{}, -1);
  const bool drop_later = !ix.name.empty() && NameTakenUntilDrops(ctx, {schema, ix.name});
  const bool temporary = drop_later || (drop && drop->index_name == ix.name);
  const std::optional<std::pair<int, int>> name_span = IndexNameSpan(ctx, ctx.index);
  if (temporary && !name_span)
    return false;  // the unsafe classifier explains the lock; the name cannot be swapped
  std::vector<Edit> in_place{{at, at, ctx.Kw(" CONCURRENTLY")}};
  std::string temporary_name;
  if (temporary) {
    temporary_name = TemporaryIndexName(ctx, schema, ix.name);
    in_place.push_back({name_span->first, name_span->second, QuoteIdent(temporary_name)});
  }
  Result<std::string> body = ApplyEdits(ctx.StatementText(), [&] {
    std::vector<Edit> local = in_place;
    for (Edit& e : local) e.begin -= s.begin, e.end -= s.begin;
    return local;
  }());
  if (!body.ok()) return false;
  NewMigration m;
  m.slug = IndexSlug(ix);
  m.sql = *body + ";\n";
  m.transactional = false;
  m.purpose = "builds " + (ix.name.empty() ? std::string("the index") : ix.name) + " on " +
              ix.table.ToString() + " without blocking writes" +
              (temporary ? " (under a temporary name: " + ix.name + " is still taken)" : "");
  ctx.Move(std::move(m), in_place);
  if (temporary || drop) {
    const std::string written(name_span ? ctx.Text(name_span->first, name_span->second) : "");
    const std::string rename = temporary ? "ALTER INDEX " +
                                               QuoteQualified(ix.table.schema, temporary_name) +
                                               " RENAME TO " + written + ";\n"
                                         : "";
    NewMigration swap;
    swap.slug = (drop ? "swap_" : "rename_") + SnakeCase(ix.name);
    swap.sql =
        drop ? "ALTER TABLE " + QuoteQName(ix.table) + " " + drop->action + ";\n" + rename : rename;
    swap.purpose = drop ? "drops the key the index replaces" +
                              std::string(temporary ? " and gives the index its name" : "") +
                              ", in one transaction"
                        : "gives the index its name once the old index is dropped";
    ctx.Add(std::move(swap), drop_later ? Phase::kAfterDrop : Phase::kInOrder);
    if (drop) ctx.RemoveActionOf(drop->statement, drop->cmd);
  }
  ctx.RemoveStatement();
  ctx.Rewrote("CONCURRENTLY, moved to a migration of its own" +
              std::string(is_new ? " (new table: never less safe, the seed's layout)" : "") +
              (temporary ? "; built under a temporary name and renamed once the old " +
                               std::string(drop ? "key" : "index") + " is dropped"
               : drop ? "; the key it replaces is dropped after it is built"
                      : ""));
  return true;
}

}  // namespace lockstep::fix::steps
