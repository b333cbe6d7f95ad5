// DETACH PARTITION -> DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+), in a migration of its
// own: SHARE UPDATE EXCLUSIVE instead of ACCESS EXCLUSIVE on the parent.
#include <cctype>
#include <optional>
#include <set>

#include "base/quote.h"
#include "fix/steps/step.h"

namespace lockstep::fix::steps {
namespace {

std::string Unquote(std::string_view ident) {
  if (ident.size() >= 2 && ident.front() == '"') {
    std::string out;
    for (size_t i = 1; i + 1 < ident.size(); ++i) {
      out += ident[i];
      if (ident[i] == '"') ++i;
    }
    return out;
  }
  std::string out(ident);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The columns of the parent's PARTITION BY (…), from the CREATE TABLE that made it; nullopt
// when it is not in the replayed history.
std::optional<std::set<std::string>> PartitionKeyColumns(const Context& ctx,
                                                         const sql::QName& parent) {
  const sql::QName want = ctx.before().Resolve(parent);
  std::optional<std::set<std::string>> found;
  auto scan = [&](const analysis::AnalyzedMigration& m, size_t limit) {
    const std::string_view text = m.source.text();
    for (size_t i = 0; i < limit && i < m.parsed.statements.size(); ++i) {
      const sql::Statement& s = m.parsed.statements[i];
      if (s.kind != sql::Kind::kCreateTable || !s.table_details->partitioned ||
          ctx.before().Resolve(s.table) != want)
        continue;
      const auto& toks = m.parsed.tokens;
      std::set<std::string> cols;
      int depth = -1;
      for (int t = s.first_token; t + 1 < s.last_token; ++t) {
        if (depth < 0) {
          if (toks[t].kind == "PARTITION" && toks[t + 1].kind == "BY") depth = 0;
          continue;
        }
        if (toks[t].kind == "ASCII_40") ++depth;
        if (toks[t].kind == "ASCII_41" && --depth == 0) break;
        if (depth > 0 && toks[t].kind == "IDENT" && toks[t + 1].kind != "ASCII_40")
          cols.insert(Unquote(text.substr(toks[t].begin, toks[t].end - toks[t].begin)));
      }
      found = cols;
    }
  };
  for (size_t k = 0; k < ctx.target(); ++k) {
    const analysis::AnalyzedMigration& m = ctx.history().migrations[k];
    scan(m, m.parsed.statements.size());
  }
  scan(ctx.migration(), ctx.index);
  return found;
}

}  // namespace

bool DetachPartitionStep(Context& ctx, size_t cmd) {
  const sql::Statement& s = ctx.stmt();
  const sql::AlterCmd& a = s.cmds[cmd];
  if (a.type != sql::AlterType::kDetachPartition || a.concurrently) return false;
  if (!ctx.spans() || s.cmds.size() != 1 || ctx.options().pg_version < 14) return false;
  if (!ctx.Wanted(s.table)) {
    ctx.LeftAlone("table created by this migration: nobody else can see it yet (--minimal)");
    return true;
  }
  // DETACH … CONCURRENTLY leaves the partition constraint behind as a CHECK on the detached table
  // (named as PostgreSQL names an unnamed CHECK); the plain form does not, so it is dropped after.
  const std::optional<std::set<std::string>> key = PartitionKeyColumns(ctx, s.table);
  if (!key || a.location < 0) return false;
  const std::string check = QuoteIdent(ChooseConstraintName(
      ctx.before(), a.partition, key->size() == 1 ? *key->begin() : "", "check"));
  const int at = ctx.spans()->cmds[cmd].second;
  const std::string partition(ctx.Text(a.location, at));
  NewMigration m;
  m.slug = "detach_" + SnakeCase(a.partition.name);
  m.sql = std::string(ctx.Text(s.begin, at)) + ctx.Kw(" CONCURRENTLY") +
          std::string(ctx.Text(at, s.end)) + ";\n";
  m.transactional = false;
  m.purpose = "detaches " + a.partition.ToString() + " under SHARE UPDATE EXCLUSIVE";
  ctx.Move(std::move(m), std::vector<Edit>{{at, at, ctx.Kw(" CONCURRENTLY")}});
  NewMigration drop;
  drop.slug = "drop_" + SnakeCase(a.partition.name) + "_partition_check";
  drop.sql = "ALTER TABLE " + partition + " DROP CONSTRAINT " + check + ";\n";
  drop.purpose = "drops the CHECK that DETACH … CONCURRENTLY leaves on the detached table";
  ctx.Add(std::move(drop));
  ctx.RemoveStatement();
  ctx.Rewrote(
      "CONCURRENTLY, moved to a migration of its own (PostgreSQL refuses it when the "
      "parent has a DEFAULT partition)");
  return true;
}

}  // namespace lockstep::fix::steps
