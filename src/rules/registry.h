// Factory declarations of every rule (one per src/rules/<id>.cc), used only by registry.cc.
#pragma once

#include <memory>

#include "rules/rule.h"

namespace lockstep::rules {

#define LOCKSTEP_RULE(Name) std::unique_ptr<Rule> Make##Name();
#include "rules/all_rules.inc"
#undef LOCKSTEP_RULE

}  // namespace lockstep::rules
