#include "rules/timeout_rule.h"

namespace lockstep::rules {

const locks::RelationLock* LiveLockOf(const analysis::AnalyzedStatement& as) {
  const sql::Kind k = as.statement->kind;
  if (k == sql::Kind::kInsert || k == sql::Kind::kSelect || k == sql::Kind::kCopy) return nullptr;
  for (const locks::RelationLock& l : as.effect.locks)
    if (l.mode != locks::LockMode::kNone && IsLive(l) && !IsCreatedBy(as, l)) return &l;
  return nullptr;
}

namespace {

// What the earlier statements of the migration showed, kept as the runner walks it in order
// (rescanning them for every statement made a long file quadratic).
struct Earlier {
  bool set = false;                // a SET of the setting ran
  bool locked_before_set = false;  // a statement locked a live relation before any such SET
};

}  // namespace

void TimeoutRule::CheckStatement(Context& ctx) const {
  if (ctx.settings().deployed_by_lockstep) return;
  const analysis::AnalyzedStatement& cur = *ctx.current;
  Earlier& earlier = ctx.Scratch<Earlier>(this);
  // One finding per file: only the first statement that needed the setting.
  const bool needed_earlier = earlier.locked_before_set;
  const locks::RelationLock* l = LiveLockOf(cur);
  if (cur.statement->kind == sql::Kind::kSet && cur.statement->setting->name == setting())
    earlier.set = true;
  if (!earlier.set && l) earlier.locked_before_set = true;
  if (IsSet(ctx.tx) || !l || needed_earlier) return;
  Report(ctx, *this,
         StatementHead(ctx) + " takes " + LockPhrase(l->mode, l->relation) + " with no " +
             std::string(setting()) + " set: " + Consequence(*l),
         "Start the file with `" + Example() +
             "` and retry the migration when it times out, or deploy with lockstep deploy, "
             "which sets it and retries (this rule is then off: it only runs with deployer = "
             "\"other\")");
}

}  // namespace lockstep::rules
