// squawk prefer-repack: PostgreSQL 19 adds REPACK (CONCURRENTLY), which does what VACUUM FULL and
// CLUSTER do without holding ACCESS EXCLUSIVE for the whole copy. (Before 19, avoid-table-rewrite
// reports these statements and points at pg_repack.)
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class PreferRepack : public Rule {
 public:
  std::string_view id() const override { return "prefer-repack"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "VACUUM FULL / CLUSTER on PostgreSQL 19+: use REPACK (CONCURRENTLY)";
  }
  void CheckStatement(Context& ctx) const override {
    if (ctx.settings().pg_version < 19) return;
    const sql::Statement& s = ctx.statement();
    const bool cluster = s.kind == sql::Kind::kCluster;
    if (!cluster && !(s.kind == sql::Kind::kVacuum && s.vacuum_full)) return;
    bool live = s.tables.empty();
    for (const sql::QName& t : s.tables) live = live || ctx.IsLive(t);
    if (!live) return;
    const std::string target =
        s.tables.empty() ? std::string("every table it covers") : Quoted(s.tables.front());
    Report(ctx, *this,
           std::string(cluster ? "CLUSTER" : "VACUUM FULL") + " rewrites " + target +
               " under an ACCESS EXCLUSIVE lock, which blocks reads and writes until the copy "
               "ends",
           "Use REPACK (CONCURRENTLY) " +
               (s.tables.empty() ? std::string("<table>") : Ident(s.tables.front())) +
               ", which copies the table without blocking reads and writes");
  }
};

}  // namespace

std::unique_ptr<Rule> MakePreferRepack() { return std::make_unique<PreferRepack>(); }

}  // namespace lockstep::rules
