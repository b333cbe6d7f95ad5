// The seed example in its `lockstep fix` form (src/fix/), written to a directory.
#pragma once

#include <filesystem>
#include <string>

#include "base/status.h"
#include "deploy/helpers.h"
#include "fix/planner.h"
#include "fix/writer.h"

namespace lockstep::deploy_test {

// Writes the whole seed migrations directory, with its last migration fixed, to `out` (which
// must not exist yet).
inline Status WriteFixedSeed(const fs::path& out) {
  Result<fix::FixInput> input = fix::FindFixInput(SeedDir() + "/20260123015816_add_v2_tables");
  if (!input.ok()) return input.status();
  Result<fix::Plan> plan = fix::PlanFixOf(fix::MigrationTexts(*input), {});
  if (!plan.ok()) return plan.status();
  Result<std::vector<fix::OutputFile>> files = fix::LayOut(*input, *plan);
  if (!files.ok()) return files.status();
  return fix::WriteCopy(*input, out, *files);
}

}  // namespace lockstep::deploy_test
