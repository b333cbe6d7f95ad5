// squawk require-concurrent-reindex, pgfence reindex: REINDEX locks the table SHARE (writes wait)
// and each rebuilt index ACCESS EXCLUSIVE (queries that would use it wait); REINDEX CONCURRENTLY
// (PostgreSQL 12+) builds a replacement index with SHARE UPDATE EXCLUSIVE. System catalogs cannot
// be reindexed concurrently, so REINDEX SYSTEM is not reported.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class RequireConcurrentReindex : public Rule {
 public:
  std::string_view id() const override { return "require-concurrent-reindex"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "REINDEX without CONCURRENTLY (PostgreSQL 12+) blocks writes and index scans";
  }
  bool fixable() const override { return true; }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    using sql::ReindexTarget;
    const ReindexTarget what = s.reindex->target;
    if (s.kind != sql::Kind::kReindex || s.concurrently || what == ReindexTarget::kSystem) return;
    if (ctx.settings().pg_version < 12) return;
    std::string target;
    if (what == ReindexTarget::kIndex || what == ReindexTarget::kTable) {
      bool live = false;
      for (const locks::RelationLock& l : ctx.effect().locks) live = live || IsLive(l);
      // An index the history does not know gets no lock in the model: assume it is live.
      if (!live && !(what == ReindexTarget::kIndex && !ctx.catalog().FindIndex(s.reindex->index)))
        return;
      if (what == ReindexTarget::kTable) {
        target = "locks " + Quoted(s.table) +
                 " in SHARE mode, which blocks writes, and each of "
                 "its indexes in ACCESS EXCLUSIVE mode, which blocks the queries that use them";
      } else {
        const sql::QName& ix = s.reindex->index;
        target = "locks index " + Quoted(ix) +
                 " in ACCESS EXCLUSIVE mode, which blocks the "
                 "queries that use it, and its table in SHARE mode, which blocks writes";
      }
    } else {
      target = "locks every table of the " + std::string(sql::ReindexTargetName(what)) +
               " in SHARE mode (blocks writes) and "
               "every index in ACCESS EXCLUSIVE mode (blocks the queries that use it), one table "
               "at a time";
    }
    Diagnostic d;
    d.rule = std::string(id());
    d.severity = default_severity();
    d.message = "REINDEX " + target + ", for the whole rebuild";
    d.help =
        "Use REINDEX … CONCURRENTLY, alone in its migration (it cannot run in a transaction "
        "block)";
    d.fixable = true;
    d.begin = d.end = -1;  // the whole statement
    for (std::string_view kw : {"INDEX", "TABLE", "SCHEMA", "DATABASE"})
      if (auto k = FindToken(ctx, kw)) {
        d.edits.push_back({k->second, k->second, " CONCURRENTLY"});
        break;
      }
    ctx.Report(std::move(d));
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireConcurrentReindex() {
  return std::make_unique<RequireConcurrentReindex>();
}

}  // namespace lockstep::rules
