// DROP INDEX -> DROP INDEX CONCURRENTLY, each index in a migration of its own. A plain DROP INDEX
// takes ACCESS EXCLUSIVE on the table: short, but it queues behind any long query and every
// later query queues behind it. CONCURRENTLY drops exactly one index and knows no CASCADE, so
// `DROP INDEX a, b` becomes one migration per name, and CASCADE stays as written. The drops run
// after every index the migration builds (Phase::kDrop): a replacement exists before the old
// index goes.
#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "fix/steps/step.h"

namespace lockstep::fix::steps {
namespace {

// Where the parts of a DROP INDEX [IF EXISTS] a, b [RESTRICT] are written.
struct DropSpans {
  int keyword_end = 0;                     // just past INDEX: where CONCURRENTLY goes
  int names_begin = 0;                     // the first name
  int names_end = 0;                       // just past the last name
  std::vector<std::pair<int, int>> names;  // each name as written, in the order of objects
};

std::optional<DropSpans> SplitDropIndex(const Context& ctx, size_t i) {
  const sql::Statement& s = ctx.stmt(i);
  std::vector<const sql::Token*> toks;
  for (int t = s.first_token; t < s.last_token; ++t) {
    const sql::Token& tok = ctx.parsed().tokens[t];
    if (tok.kind != "SQL_COMMENT" && tok.kind != "C_COMMENT") toks.push_back(&tok);
  }
  auto kind = [&](size_t k) -> std::string_view {
    return k < toks.size() ? toks[k]->kind.name() : "";
  };
  size_t k = 0;
  while (k < toks.size() && kind(k) != "INDEX") ++k;
  if (k == toks.size()) return std::nullopt;
  DropSpans out;
  out.keyword_end = toks[k]->end;
  ++k;
  if (kind(k) == "IF_P" && kind(k + 1) == "EXISTS") k += 2;
  size_t start = k;
  for (; k <= toks.size(); ++k) {
    const bool at_end = k == toks.size() || kind(k) == "RESTRICT" || kind(k) == "CASCADE";
    if (!at_end && kind(k) != "ASCII_44") continue;
    if (k == start) return std::nullopt;
    out.names.push_back({toks[start]->begin, toks[k - 1]->end});
    if (at_end) break;
    start = k + 1;
  }
  if (out.names.empty() || out.names.size() != s.objects.size()) return std::nullopt;
  out.names_begin = out.names.front().first;
  out.names_end = out.names.back().second;
  return out;
}

}  // namespace

bool DropIndexMoves(const Context& ctx, size_t i) {
  const sql::Statement& s = ctx.stmt(i);
  if (s.kind != sql::Kind::kDrop || s.object_type != sql::ObjectType::kIndex) return false;
  if (s.concurrently) return IsolateMoves(ctx, i);
  if (s.cascade || s.objects.empty() || !SplitDropIndex(ctx, i)) return false;
  if (!DroppedLaterWith(ctx, i).empty()) return false;
  bool live = false;
  for (const sql::QName& o : s.objects) {
    const schema::Index* ix = ctx.before(i).FindIndex(o);
    if (ix && ix->constraint_backed) return false;
    if (!ix || ctx.before(i).OriginOf(ix->table) != schema::Origin::kThisMigration) live = true;
  }
  return live || !ctx.options().minimal;
}

bool DropIndexStep(Context& ctx) {
  const sql::Statement& s = ctx.stmt();
  if (s.kind != sql::Kind::kDrop || s.object_type != sql::ObjectType::kIndex || s.concurrently)
    return false;
  std::vector<const schema::Index*> indexes;
  bool all_new = !s.objects.empty();
  for (const sql::QName& o : s.objects) {
    indexes.push_back(ctx.before().FindIndex(o));
    if (!indexes.back() || !ctx.IsNew(indexes.back()->table)) all_new = false;
  }
  if (!DropIndexMoves(ctx, ctx.index)) {
    if (all_new) {
      ctx.LeftAlone("index of a table created by this migration: nobody else can see it yet");
      return true;
    }
    if (const std::string with = DroppedLaterWith(ctx, ctx.index); !with.empty()) {
      // Dropping the column (or table) drops the index under the lock that statement takes
      // anyway; CONCURRENTLY here would add a second wait, not shorten one.
      ctx.LeftAlone("the index goes anyway with " + with +
                    ", under the same ACCESS EXCLUSIVE lock on its table");
      return true;
    }
    if (s.cascade) {
      ctx.MarkUnsafe(
          "DROP INDEX takes ACCESS EXCLUSIVE on its table, and DROP INDEX CONCURRENTLY does not "
          "support CASCADE",
          {"drop what depends on the index (constraints, foreign keys) in statements of their own",
           "then drop the index with DROP INDEX CONCURRENTLY, without CASCADE, in a migration of "
           "its own"});
      return true;
    }
    return false;  // a constraint's index: the unsafe classifier says so
  }
  for (size_t k = 0; k < s.objects.size(); ++k) {
    const sql::QName table = indexes[k] ? indexes[k]->table : sql::QName{};
    const std::vector<std::string> columns =
        indexes[k] ? indexes[k]->columns : std::vector<std::string>{};
    if (const std::string dep = LaterDependency(ctx, ctx.index, s.objects[k], table, columns);
        !dep.empty()) {
      if (all_new) {
        ctx.LeftAlone("kept in place: " + dep);
        return true;
      }
      ctx.MarkUnsafe(
          "DROP INDEX takes ACCESS EXCLUSIVE on its table, and it cannot be moved: " + dep,
          {"drop the index with DROP INDEX CONCURRENTLY in a migration of its own, before "
           "this one"});
      return true;
    }
  }
  const DropSpans sp = *SplitDropIndex(ctx, ctx.index);
  const bool one = s.objects.size() == 1;
  for (size_t k = 0; k < s.objects.size(); ++k) {
    const auto [nb, ne] = sp.names[k];
    NewMigration m;
    m.slug = "drop_" + SnakeCase(s.objects[k].name);
    m.sql = std::string(ctx.Text(s.begin, sp.keyword_end)) + ctx.Kw(" CONCURRENTLY") +
            std::string(ctx.Text(sp.keyword_end, sp.names_begin)) + std::string(ctx.Text(nb, ne)) +
            std::string(ctx.Text(sp.names_end, s.end)) + ";\n";
    m.transactional = false;
    m.purpose =
        "drops " + s.objects[k].ToString() + " without an ACCESS EXCLUSIVE lock on its table";
    // CONCURRENTLY takes one name, so only a single drop can be fixed in place.
    std::optional<std::vector<Edit>> in_place;
    if (one)
      in_place = std::vector<Edit>{{sp.keyword_end, sp.keyword_end, ctx.Kw(" CONCURRENTLY")}};
    ctx.Move(std::move(m), std::move(in_place), Phase::kDrop);
    DeferredDrop d;
    d.index = indexes[k] ? indexes[k]->name : s.objects[k];
    if (indexes[k]) {
      d.table = indexes[k]->table;
      d.unique = indexes[k]->unique;
    }
    ctx.DeferDrop(std::move(d));
  }
  ctx.RemoveStatement();
  const bool assumed =
      std::any_of(indexes.begin(), indexes.end(), [](const schema::Index* i) { return !i; });
  ctx.Rewrote(std::string(one ? "CONCURRENTLY, moved to a migration of its own"
                              : "CONCURRENTLY, one migration per index (CONCURRENTLY drops one)") +
              ", after every index the migration builds" +
              (assumed ? " (index not in the replayed history: assumed live)" : ""));
  return true;
}

}  // namespace lockstep::fix::steps
