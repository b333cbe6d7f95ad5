#include "cli/exit.h"

#include "base/exit_codes.h"

namespace lockstep::cli {

int ExitCodeOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return exit_code::kOk;
    case StatusCode::kInvalidInput:
      return exit_code::kUsage;
    case StatusCode::kPending:
      return exit_code::kFindings;
    case StatusCode::kUnsafe:
      return exit_code::kUnsafe;
    case StatusCode::kDatabase:
      return exit_code::kDatabase;
    case StatusCode::kMigrationFailed:
      return exit_code::kMigrationFailed;
    case StatusCode::kBlocked:
      return exit_code::kBlocked;
    case StatusCode::kDrift:
      return exit_code::kDrift;
    case StatusCode::kAuth:
      return exit_code::kAuth;
    case StatusCode::kNotFound:
      return exit_code::kNotFound;
    case StatusCode::kNoMigrations:
      return exit_code::kNoMigrations;
    case StatusCode::kMissingMigrationFile:
      return exit_code::kMissingMigrationFile;
    case StatusCode::kLockHeld:
      return exit_code::kLockHeld;
    case StatusCode::kTimedOut:
      return exit_code::kTimedOut;
    case StatusCode::kInterrupted:
      return exit_code::kInterrupted;
    case StatusCode::kFleetFailed:
      return exit_code::kFleetFailed;
    case StatusCode::kPreflightRefused:
      return exit_code::kPreflight;
  }
  return exit_code::kUsage;  // unreachable: the switch names every code
}

}  // namespace lockstep::cli
