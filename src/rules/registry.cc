// Every lint rule, in alphabetical order of id. Adding a rule (`scripts/new-rule <id>`): its file,
// one line in all_rules.inc, its doc page docs/rules/<id>.md and its tests tests/rules/<id>/.
#include "rules/registry.h"

#include <algorithm>

namespace lockstep::rules {

const std::vector<std::unique_ptr<Rule>>& AllRules() {
  static const std::vector<std::unique_ptr<Rule>> rules = [] {
    std::vector<std::unique_ptr<Rule>> r;
#define LOCKSTEP_RULE(Name) r.push_back(Make##Name());
#include "rules/all_rules.inc"
#undef LOCKSTEP_RULE
    std::sort(r.begin(), r.end(), [](const auto& a, const auto& b) { return a->id() < b->id(); });
    return r;
  }();
  return rules;
}

}  // namespace lockstep::rules
