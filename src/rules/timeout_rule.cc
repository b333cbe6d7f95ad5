#include "rules/timeout_rule.h"

namespace lockstep::rules {

const locks::RelationLock* LiveLockOf(const analysis::AnalyzedStatement& as) {
  const sql::Kind k = as.statement->kind;
  if (k == sql::Kind::kInsert || k == sql::Kind::kSelect || k == sql::Kind::kCopy) return nullptr;
  for (const locks::RelationLock& l : as.effect.locks)
    if (l.mode != locks::LockMode::kNone && IsLive(l) && !IsCreatedBy(as, l)) return &l;
  return nullptr;
}

void TimeoutRule::CheckStatement(Context& ctx) const {
  if (ctx.settings().deployed_by_lockstep || IsSet(ctx.tx)) return;
  const analysis::AnalyzedStatement& cur = ctx.migration().statements[ctx.index];
  const locks::RelationLock* l = LiveLockOf(cur);
  if (!l) return;
  // One finding per file: only the first statement that needed the setting.
  bool set_before = false;
  for (size_t j = 0; j < ctx.index; ++j) {
    const analysis::AnalyzedStatement& o = ctx.migration().statements[j];
    if (o.statement->kind == sql::Kind::kSet && o.statement->set_name == setting())
      set_before = true;
    if (!set_before && LiveLockOf(o)) return;
  }
  Report(ctx, *this,
         StatementHead(ctx) + " takes " + LockPhrase(l->mode, l->relation) + " with no " +
             std::string(setting()) + " set: " + Consequence(*l),
         "Start the file with `" + Example() +
             "` and retry the migration when it times out, or deploy with lockstep deploy, "
             "which sets it and retries (this rule is then off: it only runs with deployer = "
             "\"other\")");
}

}  // namespace lockstep::rules
