#include "cli/commands.h"
#include "base/exit_codes.h"
#include <cstdio>
namespace lockstep::cli {
int Plan(const Args&) { std::fprintf(stderr, "plan: under construction\n"); return exit_code::kUsage; }
int Trace(const Args&) { std::fprintf(stderr, "trace: under construction\n"); return exit_code::kUsage; }
}
