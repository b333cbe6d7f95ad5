// `lockstep trace`: run a migration on a scratch database and print what PostgreSQL really
// locked, rewrote and scanned, in the same form as `lockstep plan` (docs/trace.md).
#include "trace/trace.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "base/exit_codes.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/load.h"
#include "db/url.h"
#include "plan/plan.h"
#include "trace/scratch.h"

namespace lockstep::cli {

int Trace(const Args& args) {
  CLI::App app{
      "Run a migration on a scratch database and report the locks PostgreSQL really took,\n"
      "which relations it rewrote (relfilenode changed) and scanned, in the format of\n"
      "`lockstep plan`. Earlier migrations of the directory are replayed first.\n"
      "Without --database a throwaway embedded server is started (TimeZone UTC).",
      args[0]};
  std::vector<std::string> paths;
  std::string url;
  int pg_version = 15;
  std::string format = "text";
  bool rollback = false;
  ProjectFlags project_flags;
  app.add_option("PATH", paths, "migrations to trace (default: .)");
  AddProjectOptions(app, project_flags);
  app.add_option("--database", url,
                 "a server to use instead of the embedded one: a scratch database is created on it "
                 "and dropped afterwards (the named database is only used to connect)");
  app.add_option("--pg-version", pg_version,
                 "major version of the embedded server (without --database)")
      ->check(CLI::Range(11, 18))
      ->capture_default_str();
  app.add_option("--format", format, "output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_flag("--rollback", rollback,
               "roll back every statement PostgreSQL allows in a transaction block instead of "
               "committing it (for a single statement: later ones would not see its effect)");
  if (auto code = ParseArgs(app, args)) return *code;

  Result<Project> project = LoadProject(paths, project_flags);
  if (!project.ok()) {
    std::fprintf(stderr, "lockstep trace: %s\n", project.status().ToString().c_str());
    return exit_code::kUsage;
  }
  LoadedMigrations loaded_migrations = LoadDiscovered(std::move(project->discovered), nullptr);
  LoadedMigrations* loaded = &loaded_migrations;
  std::optional<db::ConnInfo> server;
  if (!url.empty()) {
    db::DbResult<db::ConnInfo> info = db::ParseUrl(url);
    if (!info.ok()) {
      std::fprintf(stderr, "lockstep trace: --database: %s\n", info.error().OneLine().c_str());
      return exit_code::kUsage;
    }
    server = *info;
  }
  Result<std::unique_ptr<trace::Scratch>> scratch =
      server ? trace::Scratch::OnServer(*server) : trace::Scratch::Embedded(pg_version);
  if (!scratch.ok()) {
    std::fprintf(stderr, "lockstep trace: %s\n", scratch.status().ToString().c_str());
    return exit_code::kDatabase;
  }
  std::fprintf(stderr, "lockstep trace: %s\n", (*scratch)->description().c_str());

  trace::Options options;
  options.rollback = rollback;
  options.hold_commits = (*scratch)->hold_commits();
  options.analysis.locks.pg_version = pg_version;
  Result<std::vector<trace::Observed>> observed = trace::Run(
      (*scratch)->conninfo(), std::move(loaded->migrations), loaded->history_count, options);
  scratch->reset();  // drop the scratch database (and stop the server) before printing
  if (!observed.ok()) {
    std::fprintf(stderr, "%s\n", observed.status().ToString().c_str());
    return exit_code::kDatabase;
  }
  if (format == "json") {
    std::printf("%s\n", trace::ToJson(*observed).dump(2).c_str());
  } else {
    const bool color = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
    std::fputs(plan::RenderText(trace::Entries(*observed), color).c_str(), stdout);
  }
  return exit_code::kOk;
}

}  // namespace lockstep::cli
