// The subcommands of the lockstep binary. Each takes the arguments after its name
// (args[0] is "lockstep <name>") and returns a process exit code (base/exit_codes.h).
#pragma once

#include <string>
#include <vector>

namespace lockstep::cli {

using Args = std::vector<std::string>;

int Plan(const Args& args);
int Trace(const Args& args);
int Lint(const Args& args);
int Rules(const Args& args);
int Explain(const Args& args);
int Fix(const Args& args);
int Deploy(const Args& args);
int Status(const Args& args);
int Resolve(const Args& args);
int Contract(const Args& args);
int Verify(const Args& args);

}  // namespace lockstep::cli
