#include "lint/rule_info.h"

#include "lint/runner.h"

namespace lockstep::lint {

std::vector<report::RuleInfo> DescribeRules() {
  std::vector<report::RuleInfo> out;
  for (const auto& r : rules::AllRules())
    out.push_back(
        {std::string(r->id()), r->default_severity(), std::string(r->summary()), r->fixable()});
  out.push_back({kUnusedIgnore, Severity::kWarning,
                 "a lockstep-ignore comment that suppresses nothing (or names an unknown rule)",
                 false});
  out.push_back({kSyntaxError, Severity::kError, "PostgreSQL cannot parse the SQL", false});
  return out;
}

}  // namespace lockstep::lint
