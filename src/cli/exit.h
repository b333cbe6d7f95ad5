// The one place where what went wrong (a StatusCode, decided by the modules) becomes the process
// exit code that CI scripts act on (base/exit_codes.h lists the numbers, which docs/deploy.md,
// lint.md and verify.md document under "Exit codes").
#pragma once

#include "base/status.h"

namespace lockstep::cli {

int ExitCodeOf(StatusCode code);
// Qualified: cli::Status is the `status` subcommand.
inline int ExitCodeOf(const ::lockstep::Status& status) { return ExitCodeOf(status.code()); }

}  // namespace lockstep::cli
