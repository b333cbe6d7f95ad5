// squawk require-concurrent-index-deletion, strong_migrations, pgfence: DROP INDEX takes ACCESS
// EXCLUSIVE on the index's table; queued behind a long query it blocks every read and write.
// DROP INDEX CONCURRENTLY waits with SHARE UPDATE EXCLUSIVE instead. Indexes that back a
// constraint cannot be dropped this way at all (DROP CONSTRAINT does it), so they are skipped.
// So are indexes that a later statement of the migration drops anyway with a column they use or
// their table (Prisma's DROP INDEX + DROP COLUMN pair): that statement takes ACCESS EXCLUSIVE on
// the same table regardless, and CONCURRENTLY would add a wait, not remove one.
#include <algorithm>
#include <map>
#include <utility>

#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class RequireConcurrentIndexDeletion : public Rule {
 public:
  std::string_view id() const override { return "require-concurrent-index-deletion"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table";
  }
  bool fixable() const override { return true; }
  void Collect(Context& ctx) const override {
    // Name resolution is the same through the whole migration (lint/runner.h).
    const schema::Catalog& c = ctx.catalog();
    const sql::Statement& o = ctx.statement();
    Drops& drops = ctx.Scratch<Drops>(this);
    if (o.kind == sql::Kind::kDrop && o.object_type == sql::ObjectType::kTable) {
      for (const sql::QName& t : o.objects)
        drops[c.Resolve(t).ToString()].push_back({ctx.index, ""});
    } else if (o.kind == sql::Kind::kAlterTable && !o.table.name.empty()) {
      for (const sql::AlterCmd& a : o.cmds)
        if (a.type == sql::AlterType::kDropColumn)
          drops[c.Resolve(o.table).ToString()].push_back({ctx.index, a.name});
    }
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kDrop || s.object_type != sql::ObjectType::kIndex || s.concurrently)
      return;
    for (const sql::QName& raw : s.objects) {
      const schema::Index* ix = ctx.catalog().FindIndex(raw);
      if (ix && ix->constraint_backed) continue;
      if (ix && DroppedLater(ctx, *ix)) continue;
      sql::QName table;
      locks::LockMode mode = locks::LockMode::kAccessExclusive;
      if (ix) {
        const locks::RelationLock* l = LockOn(ctx, ix->table);
        if (!l || !IsLive(*l)) continue;
        table = ix->table;
        mode = l->mode;
      }
      const std::string target = ix ? LockPhrase(mode, table)
                                    : "an ACCESS EXCLUSIVE lock on its table (the index is not "
                                      "in the migration history), which blocks reads and writes";
      int b = s.begin, e = s.end;
      if (auto kw = FindToken(ctx, "INDEX")) e = kw->second;
      Diagnostic d;
      d.rule = std::string(id());
      d.severity = default_severity();
      d.message = "DROP INDEX \"" + raw.name + "\" takes " + target;
      d.help =
          "Use DROP INDEX CONCURRENTLY, alone in its migration (it cannot run in a "
          "transaction block)";
      d.fixable = true;
      d.edits.push_back({e, e, " CONCURRENTLY"});
      d.begin = b;
      d.end = e;
      ctx.Report(std::move(d));
      return;
    }
  }

 private:
  // Per table (resolved, as "schema.name"), the later statements that drop the table (empty
  // column) or a column of it, in statement order. Gathered by Collect: scanning the rest of the
  // file for every DROP INDEX would be quadratic on a long file.
  using Drops = std::map<std::string, std::vector<std::pair<size_t, std::string>>>;

  const Drops& DropsOf(Context& ctx) const { return ctx.Scratch<Drops>(this); }

  bool DroppedLater(Context& ctx, const schema::Index& ix) const {
    const Drops& drops = DropsOf(ctx);
    auto it = drops.find(ix.table.ToString());
    if (it == drops.end()) return false;
    for (const auto& [j, column] : it->second) {
      if (j <= ctx.index) continue;
      if (column.empty() ||
          std::find(ix.columns.begin(), ix.columns.end(), column) != ix.columns.end())
        return true;
    }
    return false;
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireConcurrentIndexDeletion() {
  return std::make_unique<RequireConcurrentIndexDeletion>();
}

}  // namespace lockstep::rules
