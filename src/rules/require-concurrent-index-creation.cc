// squawk require-concurrent-index-creation, eugene E6, strong_migrations, pgfence: CREATE INDEX
// holds a SHARE lock, which blocks every write to the table, for the whole build. An index on a
// table created earlier in this migration blocks nobody.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class RequireConcurrentIndexCreation : public Rule {
 public:
  std::string_view id() const override { return "require-concurrent-index-creation"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "CREATE INDEX without CONCURRENTLY on an existing table blocks writes during the build";
  }
  bool fixable() const override { return true; }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kCreateIndex || !s.index || s.index->concurrently) return;
    const locks::RelationLock* l = LockOn(ctx, s.index->table);
    if (!l || !IsLive(*l)) return;
    const schema::Table* t = ctx.catalog().FindTable(s.index->table);
    // A materialized view takes no writes: SHARE only holds off its REFRESH.
    if (t && t->kind == schema::Table::Kind::kMatView) return;
    const bool partitioned = t && t->kind == schema::Table::Kind::kPartitioned;
    const int at = s.index->concurrently_insert_at;
    Diagnostic d;
    d.rule = std::string(id());
    d.severity = default_severity();
    d.message = "CREATE INDEX" +
                (s.index->name.empty() ? std::string() : " \"" + s.index->name + "\"") +
                " builds the whole index under " + LockPhrase(l->mode, s.index->table);
    if (partitioned) {
      d.help =
          "CONCURRENTLY does not work on a partitioned table: CREATE INDEX … ON ONLY the "
          "parent, CREATE INDEX CONCURRENTLY on each partition, then ALTER INDEX … ATTACH "
          "PARTITION each one";
    } else {
      d.help =
          "Use CREATE INDEX CONCURRENTLY, alone in its migration (it cannot run in a "
          "transaction block)";
      d.fixable = true;
      if (at > 0) d.edits.push_back({at, at, " CONCURRENTLY"});
    }
    d.begin = s.begin;
    d.end = at > s.begin ? at : s.end;
    ctx.Report(std::move(d));
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireConcurrentIndexCreation() {
  return std::make_unique<RequireConcurrentIndexCreation>();
}

}  // namespace lockstep::rules
