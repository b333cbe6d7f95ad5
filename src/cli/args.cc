#include "cli/args.h"

#include <cstdio>
#include <vector>

#include "base/exit_codes.h"
#include "base/printable.h"

namespace lockstep::cli {

std::optional<int> ParseArgs(CLI::App& app, const Args& args) {
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e) == 0 ? exit_code::kOk : exit_code::kUsage;
    // CLI11 quotes the argument it rejects, which may be a URL typed in the wrong place: its
    // password is masked, as every message that echoes an argument does.
    std::fprintf(stderr, "%s\nRun with --help for more information.\n",
                 Printable(e.what()).c_str());
    return exit_code::kUsage;
  }
  return std::nullopt;
}

}  // namespace lockstep::cli
