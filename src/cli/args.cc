#include "cli/args.h"

#include <vector>

#include "base/exit_codes.h"

namespace lockstep::cli {

std::optional<int> ParseArgs(CLI::App& app, const Args& args) {
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_code::kOk : exit_code::kUsage;
  }
  return std::nullopt;
}

}  // namespace lockstep::cli
