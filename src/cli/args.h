// Shared argument handling of the CLI11-based subcommands.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>

#include "cli/commands.h"

namespace lockstep::cli {

// Parses `args` (args[0] is "lockstep <name>") with `app`: nullopt to go on, else the exit code
// to return (0 after --help, the usage code after a bad argument; CLI11 has printed either).
std::optional<int> ParseArgs(CLI::App& app, const Args& args);

}  // namespace lockstep::cli
