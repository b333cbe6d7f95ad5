// squawk require-concurrent-index-deletion, strong_migrations, pgfence: DROP INDEX takes ACCESS
// EXCLUSIVE on the index's table; queued behind a long query it blocks every read and write.
// DROP INDEX CONCURRENTLY waits with SHARE UPDATE EXCLUSIVE instead. Indexes that back a
// constraint cannot be dropped this way at all (DROP CONSTRAINT does it), so they are skipped.
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
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kDrop || s.object_type != sql::ObjectType::kIndex || s.concurrently)
      return;
    for (const sql::QName& raw : s.objects) {
      const schema::Index* ix = ctx.catalog().FindIndex(raw);
      if (ix && ix->constraint_backed) continue;
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
};

}  // namespace

std::unique_ptr<Rule> MakeRequireConcurrentIndexDeletion() {
  return std::make_unique<RequireConcurrentIndexDeletion>();
}

}  // namespace lockstep::rules
