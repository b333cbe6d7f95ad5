// pgfence refresh-matview: REFRESH MATERIALIZED VIEW rebuilds the view under ACCESS EXCLUSIVE, so
// every read of it waits for the whole refresh; … CONCURRENTLY (which needs a unique index on the
// view) takes EXCLUSIVE, which lets reads continue.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class RequireConcurrentRefresh : public Rule {
 public:
  std::string_view id() const override { return "require-concurrent-refresh"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks reads of the view";
  }
  bool fixable() const override { return true; }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kRefreshMatView || s.concurrently || s.with_no_data) return;
    const locks::RelationLock* l = LockOn(ctx, s.table);
    if (!l || !IsLive(*l)) return;
    Diagnostic d;
    d.rule = std::string(id());
    d.severity = default_severity();
    d.message = "REFRESH MATERIALIZED VIEW rebuilds " + Quoted(s.table) + " under " +
                LockPhrase(l->mode, s.table) + ", until the rebuild ends";
    d.help =
        "Use REFRESH MATERIALIZED VIEW CONCURRENTLY (it needs a unique index on the view), "
        "which lets reads continue";
    d.fixable = true;
    d.begin = d.end = -1;  // the whole statement
    if (auto view = FindToken(ctx, "VIEW"))
      d.edits.push_back({view->second, view->second, " CONCURRENTLY"});
    ctx.Report(std::move(d));
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireConcurrentRefresh() {
  return std::make_unique<RequireConcurrentRefresh>();
}

}  // namespace lockstep::rules
