// The process exit code of a StatusCode, for the few places below cli/ that need the number
// itself: a signal or a library that cannot be loaded ends the process where it happens, and the
// fleet summary names each target's exit code. cli/exit.h defines the mapping; main installs it
// here before anything runs, so that these places use the same numbers without deciding them.
#pragma once

#include "base/status.h"

namespace lockstep {

using ExitCodeMapping = int (*)(StatusCode);

// Call once, from main, before any other thread starts.
void InstallExitCodes(ExitCodeMapping mapping);

// `code`'s exit code under the installed mapping, or 1 for any failure (0 for kOk) when none is
// installed (unit tests that link no cli/). Async-signal-safe: a load and a call.
int ProcessExitCode(StatusCode code);

}  // namespace lockstep
