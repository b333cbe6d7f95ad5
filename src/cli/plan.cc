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
      "PATH: a project root, a prisma/migrations directory, one migration folder, .sql files,\n"
      "or Prisma 8 ops.json packages (docs/prisma.md)\n"
      "(default: the project in the current directory, found as lint and verify find it).\n"
      "Earlier migrations of the same directory are replayed as history, so statements on\n"
      "tables created in the same migration are told apart from live tables.",
      args[0]};
  std::vector<std::string> paths;
  int pg_version = 15;
  std::string format = "text";
  std::string prisma_config;
  std::string schema;
  app.add_option("PATH", paths, "migrations to plan (default: .)");
  app.add_option("--config", prisma_config,
                 "Prisma 7's prisma.config.ts (default: the project's): without PATH, its "
                 "migrations.path");
  app.add_option("--schema", schema,
                 "a Prisma schema file (or folder), as Prisma's --schema: without PATH, the "
                 "migrations/ beside it");
  app.add_option("--pg-version", pg_version, "target PostgreSQL major version (11-18)")
      ->check(CLI::Range(11, 18))
      ->capture_default_str();
  app.add_option("--format", format, "output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  if (auto code = ParseArgs(app, args)) return *code;
  // The config matters only to find the migrations: a PATH says where they are.
  Result<std::optional<migrations::PrismaConfig>> config =
      paths.empty() || !prisma_config.empty()
          ? FindProjectConfig(prisma_config, ".")
          : Result<std::optional<migrations::PrismaConfig>>(std::nullopt);
  if (!config.ok()) {
    std::fprintf(stderr, "lockstep plan: %s\n", config.status().ToString().c_str());
    return exit_code::kUsage;
  }
  Result<std::vector<std::string>> chosen = PathsOrConfigured(paths, schema, *config, ".");
  if (!chosen.ok()) {
    std::fprintf(stderr, "lockstep plan: %s\n", chosen.status().ToString().c_str());
    return exit_code::kUsage;
  }

  Result<LoadedMigrations> loaded = LoadForAnalysis(*chosen);
  if (!loaded.ok()) {
    std::fprintf(stderr, "lockstep plan: %s\n", loaded.status().ToString().c_str());
    return exit_code::kUsage;
  }
  analysis::Options options;
  options.locks.pg_version = pg_version;
  options.parse.tokens = true;  // trims trailing comments from statement spans
  analysis::History h =
      analysis::Replay(std::move(loaded->migrations), loaded->history_count, options);

  int status = exit_code::kOk;
  for (const analysis::AnalyzedMigration& m : h.migrations) {
    for (const std::string& e : sql::FormatErrors(m.source, m.parsed)) {
      std::fprintf(stderr, "%s\n", e.c_str());
      status = exit_code::kUsage;
    }
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
