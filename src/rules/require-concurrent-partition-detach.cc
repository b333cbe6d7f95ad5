// squawk require-concurrent-partition-detach, pgfence detach-partition: DETACH PARTITION takes
// ACCESS EXCLUSIVE on the parent (all reads and writes of every partition wait); from
// PostgreSQL 14, DETACH … CONCURRENTLY takes SHARE UPDATE EXCLUSIVE. Below 14 there is no
// alternative to suggest, so the rule is silent there.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class RequireConcurrentPartitionDetach : public Rule {
 public:
  std::string_view id() const override { return "require-concurrent-partition-detach"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "DETACH PARTITION without CONCURRENTLY (PostgreSQL 14+) locks the parent";
  }
  bool fixable() const override { return true; }
  void CheckStatement(Context& ctx) const override {
    if (ctx.settings().pg_version < 14) return;
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable) return;
    for (size_t i = 0; i < s.cmds.size(); ++i) {
      const sql::AlterCmd& c = s.cmds[i];
      if (c.type != sql::AlterType::kDetachPartition || c.concurrently) continue;
      const locks::RelationLock* l = LockOn(ctx, s.table);
      if (!l || !IsLive(*l)) return;
      const auto [b, e] = AlterCmdRange(ctx, i);
      Diagnostic d;
      d.rule = std::string(id());
      d.severity = default_severity();
      d.message = "DETACH PARTITION " + Quoted(c.partition) + " takes " +
                  LockPhrase(l->mode, s.table) + " and of all its partitions";
      d.help =
          "Use ALTER TABLE … DETACH PARTITION … CONCURRENTLY, alone in its migration (it "
          "cannot run in a transaction block)";
      d.fixable = true;
      d.edits.push_back({e, e, " CONCURRENTLY"});
      d.begin = b;
      d.end = e;
      ctx.Report(std::move(d));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireConcurrentPartitionDetach() {
  return std::make_unique<RequireConcurrentPartitionDetach>();
}

}  // namespace lockstep::rules
