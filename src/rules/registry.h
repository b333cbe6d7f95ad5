// Factory declarations of every rule (one per src/rules/<id>.cc), used only by registry.cc.
#pragma once

#include <memory>

#include "rules/rule.h"

namespace lockstep::rules {
// std::unique_ptr<Rule> MakeRequireConcurrentIndexCreation();  (one line per rule)
}  // namespace lockstep::rules
