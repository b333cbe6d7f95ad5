// The shared logic of require-lock-timeout and require-statement-timeout: the first statement of
// a migration that locks a live relation while the timeout is not set. Both are silent when
// lockstep deploys the migration (settings.deployed_by_lockstep), because `lockstep deploy` sets
// both timeouts itself and retries on lock timeouts.
#pragma once

#include <string>

#include "rules/common.h"

namespace lockstep::rules {

class TimeoutRule : public Rule {
 public:
  void CheckStatement(Context& ctx) const override;

 protected:
  // "lock_timeout" or "statement_timeout".
  virtual std::string_view setting() const = 0;
  virtual bool IsSet(const TransactionState& tx) const = 0;
  virtual std::string Consequence(const locks::RelationLock& l) const = 0;
  virtual std::string Example() const = 0;
};

// The first lock on a live relation that the statement takes, or nullptr. Plain INSERT, SELECT
// and COPY are not counted: they only wait for DDL-strength locks.
const locks::RelationLock* LiveLockOf(const analysis::AnalyzedStatement& s);

}  // namespace lockstep::rules
