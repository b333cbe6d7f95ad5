// squawk require-statement-timeout, pgfence policy: a statement that runs much longer than
// expected keeps its locks for as long as it runs. statement_timeout bounds it. Silent when
// lockstep deploys (it sets statement_timeout itself, 0 for long SHARE UPDATE EXCLUSIVE work).
#include "rules/registry.h"
#include "rules/timeout_rule.h"

namespace lockstep::rules {
namespace {

class RequireStatementTimeout : public TimeoutRule {
 public:
  std::string_view id() const override { return "require-statement-timeout"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "lock on a live table with no statement_timeout (off when deployed by lockstep)";
  }

 protected:
  std::string_view setting() const override { return "statement_timeout"; }
  bool IsSet(const TransactionState& tx) const override { return tx.statement_timeout_set; }
  std::string Consequence(const locks::RelationLock& l) const override {
    return "if it runs longer than expected, it holds that lock, and blocks " + Quoted(l.relation) +
           ", for as long as it runs";
  }
  std::string Example() const override { return "SET statement_timeout = '5s'"; }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireStatementTimeout() {
  return std::make_unique<RequireStatementTimeout>();
}

}  // namespace lockstep::rules
