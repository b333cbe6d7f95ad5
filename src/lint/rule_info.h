// What `lockstep rules` lists and SARIF's rule table holds: every registered rule plus the
// runner's own "unused-ignore" and "syntax-error".
#pragma once

#include <vector>

#include "report/report.h"

namespace lockstep::lint {

std::vector<report::RuleInfo> DescribeRules();

}  // namespace lockstep::lint
