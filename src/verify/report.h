// Rendering a verify report: a side-by-side table for the terminal, JSON (docs/verify.md lists
// the fields), and a self-contained SVG chart of latency over time for both migration runs with
// each migration statement's start marked on the time axis.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "verify/runner.h"

namespace lockstep::verify {

std::string RenderText(const VerifyReport& report);
nlohmann::json ToJson(const VerifyReport& report);
std::string RenderSvg(const VerifyReport& report);

// naive's longest stall over lockstep's (0 when lockstep's is 0).
double StallRatio(const VerifyReport& report);
// True when lockstep's longest stall is within VerifyReport::StallBudgetMs().
bool WithinBudget(const VerifyReport& report);
// With --replica: true when lockstep's longest stall on the standby is within
// VerifyReport::StandbyStallBudgetMs() (true without a standby). Reported, not in the exit status.
bool StandbyWithinBudget(const VerifyReport& report);

}  // namespace lockstep::verify
