// squawk require-lock-timeout, eugene E9, pgfence policy: a DDL statement that waits for its lock
// behind a long transaction makes every later query on the table queue behind it. lock_timeout
// bounds that wait. Silent when lockstep deploys (it sets lock_timeout and retries).
#include "rules/registry.h"
#include "rules/timeout_rule.h"

namespace lockstep::rules {
namespace {

class RequireLockTimeout : public TimeoutRule {
 public:
  std::string_view id() const override { return "require-lock-timeout"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "lock on a live table with no lock_timeout (off when deployed by lockstep)";
  }

 protected:
  std::string_view setting() const override { return "lock_timeout"; }
  bool IsSet(const TransactionState& tx) const override { return tx.lock_timeout_set; }
  std::string Consequence(const locks::RelationLock& l) const override {
    return "if another transaction holds a conflicting lock, this statement waits for it, and "
           "every later query on " +
           Quoted(l.relation) + " queues behind this one";
  }
  std::string Example() const override { return "SET lock_timeout = '2s'"; }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireLockTimeout() { return std::make_unique<RequireLockTimeout>(); }

}  // namespace lockstep::rules
