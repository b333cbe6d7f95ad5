// `lockstep plan`: for every statement of a migration, the locks PostgreSQL will take on which
// relation, whether it rewrites or scans, whether it may run in a transaction, and what that
// blocks. Pure analysis, unless a database is named (--database, DATABASE_URL): then what it
// records as applied is history, and each statement also gets its tables' sizes there and a
// duration estimate (read-only, stats/).
#include "plan/plan.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/history.h"
#include "base/exit_codes.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/load.h"
#include "db/connection.h"
#include "db/url.h"
#include "fix/planner.h"
#include "migrations/contract.h"
#include "stats/target.h"

namespace lockstep::cli {
namespace {

// True when `e` locks, more than to read, a relation that existed before its migration: a
// statement fix may rewrite (a backfill UPDATE takes only ROW EXCLUSIVE).
bool WorksOnALiveTable(const plan::Entry& e) {
  for (const locks::RelationLock& l : e.locks)
    if (l.origin != schema::Origin::kThisMigration && l.mode >= locks::LockMode::kRowExclusive)
      return true;
  return false;
}

// The positions in `items` of those whose offset (`offset_of`) falls in [begin, end), in order:
// looked up in an index sorted by offset. Scanning every item for every entry was quadratic (plan
// of 80k CREATE INDEX spent 85% of its time doing it).
class ByOffset {
 public:
  template <typename T, typename OffsetOf>
  ByOffset(const std::vector<T>& items, OffsetOf offset_of) {
    sorted_.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) sorted_.emplace_back(offset_of(items[i]), i);
    std::sort(sorted_.begin(), sorted_.end());
  }

  std::vector<size_t> In(int begin, int end) const {
    std::vector<size_t> out;
    for (auto it =
             std::lower_bound(sorted_.begin(), sorted_.end(), std::make_pair(begin, size_t{0}));
         it != sorted_.end() && it->first < end; ++it)
      out.push_back(it->second);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::vector<std::pair<int, size_t>> sorted_;  // (offset, position in items)
};

// Asks fix what it would do with each statement of the analysed migrations that works on a live
// table (issue 13 item 4): the steps of its rewrite and the contract migrations held for it, or
// why fix leaves it unchanged. Fix walks each migration from the catalog before it, so the
// history is replayed a second time; a migration with no such statement is only replayed.
void AddFixExplanations(const analysis::History& h, size_t history_count, int pg_version,
                        std::vector<plan::Entry>& entries) {
  // The entries of each migration that work on a live table.
  std::unordered_map<std::string, std::vector<plan::Entry*>> live;
  for (plan::Entry& e : entries)
    if (WorksOnALiveTable(e)) live[e.migration].push_back(&e);
  if (live.empty()) return;
  fix::Options options;
  options.pg_version = pg_version;
  fix::HistoryPlanner planner(options);
  for (size_t i = 0; i < h.migrations.size(); ++i) {
    // Replay keeps every migration's text (it frees only the history's parse).
    const analysis::AnalyzedMigration& m = h.migrations[i];
    const analysis::MigrationText text{m.name, m.source.path(), m.source.text()};
    auto here_entries = live.find(m.name);
    // fix refuses Prisma 8 packages (it cannot write ops.json): nothing to explain there.
    if (i < history_count || here_entries == live.end() ||
        std::filesystem::path(m.source.path()).filename() == "ops.json") {
      planner.Add(text);
      continue;
    }
    Result<fix::Plan> p = planner.PlanAndAdd(text);
    if (!p.ok()) continue;  // a syntax error: reported with the plan already
    const ByOffset rewrites(p->rewrites, [](const fix::Note& n) { return n.offset; });
    const ByOffset contracts(p->contract, [](const fix::NewMigration& c) { return c.contract_of; });
    const ByOffset unsafe(p->unsafe, [](const fix::Unsafe& u) { return u.offset; });
    for (plan::Entry* e : here_entries->second) {
      // The last rewrite (or else the last reason) fix gave within the statement says it.
      if (std::vector<size_t> r = rewrites.In(e->byte_begin, e->byte_end); !r.empty()) {
        plan::FixExplanation x;
        x.fixable = true;
        x.how = p->rewrites[r.back()].how;
        x.contract_directory = std::string(migrations::kHoldingDirectoryName);
        for (size_t c : contracts.In(e->byte_begin, e->byte_end))
          x.contract.push_back(p->contract[c].purpose);
        e->fix = std::move(x);
      } else if (std::vector<size_t> u = unsafe.In(e->byte_begin, e->byte_end); !u.empty()) {
        plan::FixExplanation x;
        x.how = p->unsafe[u.back()].why;
        e->fix = std::move(x);
      }
    }
  }
}

}  // namespace

int Plan(const Args& args) {
  CLI::App app{
      "Show, for every statement, the locks PostgreSQL will take and what they block.\n"
      "PATH: a project root, a prisma/migrations directory, one migration folder, .sql files,\n"
      "or Prisma 8 ops.json packages (docs/prisma.md)\n"
      "(default: the project in the current directory, found as lint and verify find it).\n"
      "Earlier migrations of the same directory are replayed as history, so statements on\n"
      "tables created in the same migration are told apart from live tables.\n"
      "With a database (--database, else schema.prisma's directUrl/url or DATABASE_URL, as\n"
      "deploy finds it), each statement also shows the rows and bytes of the live tables it\n"
      "locks there and an estimate of its duration and of how long it blocks traffic, measured\n"
      "read-only (docs/estimates.md), and the migrations it records as applied\n"
      "(_prisma_migrations; Prisma 8: prisma_contract.marker) are history, not planned.\n"
      "--no-database keeps plan offline.",
      args[0]};
  std::vector<std::string> paths;
  int pg_version = 15;
  std::string format = "text";
  std::string database;
  bool no_database = false;
  ProjectFlags project_flags;
  app.add_option("PATH", paths, "migrations to plan (default: .)");
  AddProjectOptions(app, project_flags);
  app.add_option("--pg-version", pg_version,
                 "target PostgreSQL major version (11-18; default 15, or the database's major "
                 "when it is newer)")
      ->check(CLI::Range(11, 18))
      ->capture_default_str();
  app.add_option("--format", format, "output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--database", database,
                 "read table sizes and throughput there, read-only, for estimates (default: "
                 "schema.prisma's directUrl/url, else $DATABASE_URL)");
  app.add_flag("--no-database", no_database,
               "no statistics, no estimates, even if DATABASE_URL is set")
      ->excludes("--database");
  if (auto code = ParseArgs(app, args)) return *code;
  Result<Project> project = LoadProject(paths, project_flags);
  if (!project.ok()) {
    std::fprintf(stderr, "lockstep plan: %s\n", project.status().ToString().c_str());
    return exit_code::kUsage;
  }
  // A database named on the command line must answer; one found in the project's configuration
  // (a production URL in .env, unreachable from here) must not stop an offline plan.
  const bool explicit_database = !database.empty();
  std::string source = "--database";
  if (!no_database && database.empty()) {
    // prisma.config.ts's datasource when there is a config, as deploy. A config or datasource
    // lockstep cannot read only costs the estimates, as an unreachable database found in the
    // project does (below).
    Result<std::optional<db::ConfiguredDatasource>> configured =
        project->config_error.ok()
            ? ConfiguredDatasourceOf(project->config)
            : Result<std::optional<db::ConfiguredDatasource>>(project->config_error);
    Result<std::optional<db::MigrationUrl>> found =
        configured.ok() ? FindProjectDatabase(project->directory, *configured)
                        : Result<std::optional<db::MigrationUrl>>(std::nullopt);
    if (!configured.ok())
      std::fprintf(stderr, "lockstep plan: note: no estimates: %s (--no-database skips this)\n",
                   configured.status().ToString().c_str());
    if (!found.ok()) {
      std::fprintf(stderr, "lockstep plan: %s\n", found.status().ToString().c_str());
      return exit_code::kUsage;
    }
    if (*found) {
      database = (*found)->url;
      source = (*found)->source;
    }
  }
  // What the database records as applied is history, not planned (as lint --database): Prisma
  // 5-7 folders in _prisma_migrations, Prisma 8 packages up to prisma_contract.marker's. Without
  // --pg-version, a database newer than the default also says which PostgreSQL to plan for (its
  // major, up to the newest lockstep models): a PostgreSQL 18 server gets 18's lock model. A
  // database that cannot be read here is reported with the statistics below.
  std::optional<ledger::AppliedState> applied;
  if (!no_database && !database.empty()) {
    if (db::DbResult<db::ConnInfo> info = db::ParseUrl(database); info.ok()) {
      if (db::DbResult<db::Connection> conn = db::Connect(*info); conn.ok()) {
        const int major = conn->server_version_num() / 10000;
        if (major > pg_version && app.count("--pg-version") == 0) pg_version = std::min(major, 18);
        if (db::DbResult<ledger::AppliedState> state =
                ledger::ReadAppliedState(*conn, ledger::TablesFor(*info));
            state.ok()) {
          applied = std::move(*state);
        } else {
          std::fprintf(stderr,
                       "lockstep plan: note: cannot read the applied migrations (%s): planning "
                       "every migration\n",
                       state.error().OneLine().c_str());
        }
      }
    }
  }
  LoadedMigrations loaded_migrations =
      LoadDiscovered(std::move(project->discovered), applied ? &*applied : nullptr);
  LoadedMigrations* loaded = &loaded_migrations;
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
  std::vector<plan::Entry> entries = plan::FromHistory(h);
  if (!no_database && !database.empty()) {
    db::DbResult<db::ConnInfo> info = db::ParseUrl(database);
    db::DbResult<size_t> read =
        info.ok() ? stats::AddEstimates(h, *info, entries) : db::DbResult<size_t>(info.error());
    if (!read.ok()) {
      const std::string where = info.ok() ? info->Redacted() : source;
      if (explicit_database) {
        std::fprintf(stderr, "lockstep plan: cannot read statistics from %s: %s\n", where.c_str(),
                     read.error().OneLine().c_str());
        return read.error().kind == db::ErrorKind::kInvalidUrl ? exit_code::kUsage
                                                               : exit_code::kDatabase;
      }
      std::fprintf(stderr,
                   "lockstep plan: note: no estimates: cannot read statistics from %s (%s): %s "
                   "(--no-database skips this)\n",
                   where.c_str(), source.c_str(), read.error().OneLine().c_str());
      for (plan::Entry& e : entries) {
        e.with_statistics = false;
        e.tables.clear();
        e.estimate.reset();
      }
    }
  }
  // From here on only the migrations' names and text are read: the analysed statements go
  // before fix parses and walks the same files again (as large, and a long file's are most of
  // plan's memory).
  for (analysis::AnalyzedMigration& m : h.migrations) {
    m.statements = std::vector<analysis::AnalyzedStatement>();
    m.parsed.statements = std::vector<sql::Statement>();
  }
  AddFixExplanations(h, loaded->history_count, pg_version, entries);
  if (format == "json") {
    plan::PrintJson(entries, stdout);
  } else {
    const bool color = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
    plan::PrintText(entries, color, stdout);
  }
  return status;
}

}  // namespace lockstep::cli
