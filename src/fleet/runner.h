// Fleet deploys: one migration history applied to many targets (a database or a tenant schema
// each), every target getting the same safe deploy as `lockstep deploy` (its own connection,
// advisory lock, lock_timeout, retries, crash resume). See docs/fleet.md.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "deploy/options.h"
#include "deploy/output.h"
#include "deploy/plan.h"
#include "fleet/targets.h"
#include "ledger/status.h"

namespace lockstep::fleet {

enum class OnError { kStop, kContinue };

struct FleetOptions {
  int parallel = 4;  // targets deployed at once, in all (so never more per server)
  int canary = 0;    // the first N targets run first, alone; a failure among them stops the fleet
  OnError on_error = OnError::kStop;
  bool json = false;  // the summary as one JSON document on stdout; progress on stderr
};

enum class Outcome { kOk, kFailed, kNotStarted };

struct TargetResult {
  Outcome outcome = Outcome::kNotStarted;
  StatusCode code = StatusCode::kOk;  // what the target's own `lockstep deploy` / `status` returned
  int applied = 0;                    // deploy: migrations finished on this target by this run
  double seconds = 0;                 // wall time of this target
  std::string state;   // status: "up to date", "behind", "failed", "ahead", "unreachable"
  std::string detail;  // status: e.g. "2 pending"
  std::string log;     // what the target's deploy or status printed
};

// Deploys `plans` to every target. Prints progress and a summary to `out` (JSON on stdout when
// asked), naming each failed target's exit code (base/process_exit.h). Returns kOk when every
// target succeeded, else kFleetFailed.
StatusCode DeployFleet(const std::vector<deploy::MigrationPlan>& plans,
                       const std::vector<FleetTarget>& targets, const deploy::Options& options,
                       const FleetOptions& fleet, deploy::Printer& out);

// `lockstep status --fleet`: one line per target (up to date, behind, failed, ahead,
// unreachable) and the counts. Returns kOk when every target is up to date, else kPending.
StatusCode FleetStatus(const std::vector<ledger::DiskMigration>& disk,
                       const std::vector<FleetTarget>& targets, const FleetOptions& fleet,
                       deploy::Printer& out);

}  // namespace lockstep::fleet
