// `lockstep plan`: for every statement of a migration, the locks PostgreSQL will take on which
// relation, whether it rewrites or scans, whether it may run in a transaction, and what that
// blocks. Pure analysis: no database.
#include "plan/plan.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "analysis/history.h"
#include "base/exit_codes.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/load.h"

namespace lockstep::cli {

int Plan(const Args& args) {
  CLI::App app{
      "Show, for every statement, the locks PostgreSQL will take and what they block.\n"
      "PATH: a project root, a prisma/migrations directory, one migration folder, or .sql files\n"
      "(default: the project in the current directory, found as lint and verify find it).\n"
      "Earlier migrations of the same directory are replayed as history, so statements on\n"
      "tables created in the same migration are told apart from live tables.",
      args[0]};
  std::vector<std::string> paths;
  int pg_version = 15;
  std::string format = "text";
  app.add_option("PATH", paths, "migrations to plan (default: .)");
  app.add_option("--pg-version", pg_version, "target PostgreSQL major version (11-18)")
      ->check(CLI::Range(11, 18))
      ->capture_default_str();
  app.add_option("--format", format, "output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  if (auto code = ParseArgs(app, args)) return *code;
  if (paths.empty()) paths.push_back(".");

  Result<LoadedMigrations> loaded = LoadForAnalysis(paths);
  if (!loaded.ok()) {
    std::fprintf(stderr, "lockstep plan: %s\n", loaded.status().ToString().c_str());
    return exit_code::kUsage;
  }
  analysis::Options options;
  options.locks.pg_version = pg_version;
  options.parse.tokens = true;        // trims trailing comments from statement spans
  options.drop_history_parse = true;  // only the analysed migrations are planned
  analysis::History h =
      analysis::Replay(std::move(loaded->migrations), loaded->history_count, options);

  int status = exit_code::kOk;
  for (analysis::AnalyzedMigration& m : h.migrations) {
    for (const std::string& e : sql::FormatErrors(m.source, m.parsed)) {
      std::fprintf(stderr, "%s\n", e.c_str());
      status = exit_code::kUsage;
    }
    // The tokens only trimmed the statements' spans: the plan entries and their text, built
    // next, reuse their memory.
    m.parsed.tokens = std::vector<sql::Token>();  // `= {}` would keep the capacity
    m.parsed.comments = std::vector<sql::Comment>();
  }
  const std::vector<plan::Entry> entries = plan::FromHistory(h);
  if (format == "json") {
    std::printf("%s\n", plan::ToJson(entries).dump(2).c_str());
  } else {
    const bool color = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
    std::fputs(plan::RenderText(entries, color).c_str(), stdout);
  }
  return status;
}

}  // namespace lockstep::cli
