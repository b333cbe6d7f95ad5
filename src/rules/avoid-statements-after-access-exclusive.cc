// eugene E4, pgfence "multiple ACCESS EXCLUSIVE statements": locks are held until the transaction
// ends, so once a statement has taken ACCESS EXCLUSIVE on a live table, every later statement of
// the same transaction runs while that table is blocked. That matters when the later statement is
// slow (it scans or rewrites a live relation) or may wait for another lock without a timeout.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

schema::Origin OriginIn(const locks::Effect& e, const sql::QName& rel) {
  for (const locks::RelationLock& l : e.locks)
    if (l.relation == rel) return l.origin;
  return schema::Origin::kUnknown;
}

class AvoidStatementsAfterAccessExclusive : public Rule {
 public:
  std::string_view id() const override { return "avoid-statements-after-access-exclusive"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "slow or lock-waiting statement while the transaction holds ACCESS EXCLUSIVE on a "
           "live table";
  }

  void CheckStatement(Context& ctx) const override {
    if (!ctx.tx.in_transaction) return;
    const sql::Statement& s = ctx.statement();
    if (s.kind == sql::Kind::kTransaction || s.kind == sql::Kind::kSet) return;
    const HeldLock* held = nullptr;
    for (const HeldLock& h : ctx.tx.held)
      if (!h.lock.is_index && h.lock.mode == locks::LockMode::kAccessExclusive &&
          IsLiveNow(ctx, h.lock)) {
        held = &h;
        break;
      }
    if (!held) return;
    const locks::Effect& e = ctx.effect();
    std::string why;
    for (const auto* list : {&e.rewrites, &e.scans}) {
      for (const sql::QName& r : *list) {
        if (OriginIn(e, r) == schema::Origin::kThisMigration) continue;
        why = (list == &e.rewrites ? "it rewrites " : "it reads every row of ") + Quoted(r);
        break;
      }
      if (!why.empty()) break;
    }
    const bool may_wait_forever = !ctx.tx.lock_timeout_set && !ctx.settings().deployed_by_lockstep;
    if (why.empty() && may_wait_forever) {
      for (const locks::RelationLock& l : e.locks) {
        if (l.is_index || !IsLive(l) || IsCreatedBy(*ctx.current, l) ||
            l.mode == locks::LockMode::kNone)
          continue;
        bool already = false;
        for (const HeldLock& h : ctx.tx.held)
          if (h.lock.relation == l.relation && h.lock.mode >= l.mode) already = true;
        if (already) continue;
        why = "it may wait for " + LockPhrase(l.mode, l.relation) + " with no lock_timeout set";
        break;
      }
    }
    if (why.empty()) return;
    // The statement that took the lock: the earliest in this transaction that locked it so.
    // The statement that took it may be in an earlier migration of the same transaction (a
    // Prisma 8 run): then its file is named too.
    const int taken_at = held->taken_at;
    std::string where;
    if (taken_at >= 0 && (!held->taken_in || held->taken_in == &ctx.migration())) {
      where = " (taken on line " + std::to_string(LineOf(ctx, taken_at)) + ")";
    } else if (taken_at >= 0) {
      where = " (taken on line " +
              std::to_string(held->taken_in->source.PositionOf(taken_at).line) + " of " +
              held->taken_in->source.path() + ", earlier in the same transaction)";
    }
    Report(ctx, *this,
           "This statement runs while the transaction still holds " +
               LockPhrase(held->lock.mode, held->lock.relation) + where + ", and " + why,
           "Commit right after the statement that takes the ACCESS EXCLUSIVE lock and run this "
           "one in its own transaction (under Prisma: its own migration)");
  }
};

}  // namespace

std::unique_ptr<Rule> MakeAvoidStatementsAfterAccessExclusive() {
  return std::make_unique<AvoidStatementsAfterAccessExclusive>();
}

}  // namespace lockstep::rules
