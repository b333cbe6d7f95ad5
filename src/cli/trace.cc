#include <cstdio>

#include "base/exit_codes.h"
#include "cli/commands.h"

namespace lockstep::cli {
// Replaced by the real implementation (src/trace/); kept so the binary links meanwhile.
int Trace(const Args&) {
  std::fprintf(stderr, "lockstep trace: not built yet\n");
  return exit_code::kUsage;
}
}  // namespace lockstep::cli
