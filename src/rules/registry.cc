// Every lint rule, in alphabetical order of id. Adding a rule: its file, one line here, its doc
// page docs/rules/<id>.md and its tests tests/rules/<id>/.
#include <algorithm>

#include "rules/registry.h"

namespace lockstep::rules {

const std::vector<std::unique_ptr<Rule>>& AllRules() {
  static const std::vector<std::unique_ptr<Rule>> rules = [] {
    std::vector<std::unique_ptr<Rule>> r;
    // (rules are added here, one line each)
    std::sort(r.begin(), r.end(), [](const auto& a, const auto& b) { return a->id() < b->id(); });
    return r;
  }();
  return rules;
}

}  // namespace lockstep::rules
