// pgfence replica-identity-full: REPLICA IDENTITY FULL logs the whole old row of every UPDATE and
// DELETE, multiplying WAL volume and slowing logical replication consumers.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class AvoidReplicaIdentityFull : public Rule {
 public:
  std::string_view id() const override { return "avoid-replica-identity-full"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "REPLICA IDENTITY FULL writes whole old rows to the WAL on every UPDATE/DELETE";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable) return;
    for (size_t i = 0; i < s.cmds.size(); ++i) {
      if (s.cmds[i].type != sql::AlterType::kReplicaIdentity) continue;
      const auto [b, e] = AlterCmdRange(ctx, i);
      const auto full = FindToken(ctx, "FULL", b);
      if (!full || full->first >= e) continue;
      Report(ctx, *this,
             "REPLICA IDENTITY FULL on " + Quoted(s.table) +
                 " makes every UPDATE and DELETE write the entire old row to the WAL, which "
                 "multiplies WAL volume and slows logical replication",
             "Keep the default (the primary key), or use REPLICA IDENTITY USING INDEX "
             "<unique index on NOT NULL columns>; FULL is only for tables without any unique key",
             b, e);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeAvoidReplicaIdentityFull() {
  return std::make_unique<AvoidReplicaIdentityFull>();
}

}  // namespace lockstep::rules
