// `lockstep lint`, `lockstep rules`, `lockstep explain`: the migration linter's commands. The
// work is done by lint/ (runner, config) and report/ (formats); this file finds what to lint,
// decides what is history, and maps the outcome to an exit code. See docs/lint.md.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "analysis/history.h"
#include "analysis/parse_ahead.h"
#include "base/exit_codes.h"
#include "base/keep_until_exit.h"
#include "base/parallel.h"
#include "base/paths.h"
#include "base/printable.h"
#include "base/process.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/load.h"
#include "db/connection.h"
#include "db/datasource.h"
#include "db/url.h"
#include "lint/config.h"
#include "lint/rule_docs.h"
#include "lint/rule_info.h"
#include "lint/runner.h"
#include "locks/lock_model.h"
#include "migrations/layout.h"
#include "plan/plan.h"
#include "report/report.h"
#include "stats/target.h"

namespace lockstep::cli {
namespace {

namespace fs = std::filesystem;

int Fail(const std::string& message, int code = exit_code::kUsage) {
  std::fprintf(stderr, "lockstep lint: %s\n", message.c_str());
  return code;
}

// How a file is named in reports: as reached from the PATH given, without "./" detours.
std::string DisplayPath(const fs::path& p) { return LexicallyNormal(p).generic_string(); }

std::string Canonical(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return (ec ? fs::absolute(p, ec) : c).lexically_normal().string();
}

// Runs a program (no shell, found in PATH) and returns its standard output; stderr passes
// through.
Result<std::string> Capture(const std::vector<std::string>& argv) {
  RunOptions options;
  options.process.search_path = true;
  options.capture_stdout = true;
  Result<RunResult> r = RunProcess(argv, options);
  if (!r.ok() || r->exit.code != 0) {
    std::string cmd;
    for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
    return Status::Error("`" + cmd + "` failed" + (r.ok() ? "" : " (not installed?)"));
  }
  return std::move(r->stdout_text);
}

std::vector<std::string> SplitNul(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find('\0', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// Canonical paths of the files added since `ref` in the git repository holding `start` (and of
// untracked files, which are new as well).
Result<std::set<std::string>> FilesAddedSince(const std::string& ref, const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::is_directory(start, ec) ? start : start.parent_path();
  if (dir.empty()) dir = ".";
  Result<std::string> top = Capture({"git", "-C", dir.string(), "rev-parse", "--show-toplevel"});
  if (!top.ok())
    return Status::Error("--since needs a git repository: " + top.status().message(), dir.string());
  std::string root = *top;
  while (!root.empty() && (root.back() == '\n' || root.back() == '\r')) root.pop_back();
  Result<std::string> added =
      Capture({"git", "-C", root, "diff", "--name-only", "-z", "--diff-filter=A", ref, "--"});
  if (!added.ok())
    return Status::Error("cannot diff against '" + ref + "': " + added.status().message());
  Result<std::string> untracked =
      Capture({"git", "-C", root, "ls-files", "-z", "--others", "--exclude-standard"});
  if (!untracked.ok()) return untracked.status();
  std::set<std::string> out;
  for (const std::string* s : {&*added, &*untracked})
    for (const std::string& p : SplitNul(*s)) out.insert(Canonical(fs::path(root) / p));
  return out;
}

// What the database at `url` records as applied (ReadAppliedState). Also sets `server_major` to
// the server's PostgreSQL major.
db::DbResult<ledger::AppliedState> AppliedMigrations(const std::string& url, int& server_major) {
  db::DbResult<db::ConnInfo> info = db::ParseUrl(url);
  if (!info.ok()) return info.error();
  db::DbResult<db::Connection> conn = db::Connect(*info);
  if (!conn.ok()) return conn.error();
  server_major = conn->server_version_num() / 10000;
  return ledger::ReadAppliedState(*conn, ledger::TablesFor(*info));
}

struct Candidate {
  migrations::Migration migration;
  bool lint = true;
};

// The migrations of one directory, in execution order, each flagged lint or history.
struct Group {
  std::string directory;
  std::vector<Candidate> items;
};

// Prisma 8: the packages up to the one whose migration.json `to` is the contract hash of the
// database's marker are applied, the rest pending (AppliedPrefix). A hash no package leads to (the
// database was signed or updated outside the packages) is said in a warning, and every package is
// linted.
void SkipAppliedPackages(Group& g, const ledger::AppliedState& applied) {
  if (!applied.marker_hash) return;
  std::vector<const migrations::Migration*> items;
  for (const Candidate& c : g.items) items.push_back(&c.migration);
  bool unknown = false;
  const size_t applied_count = AppliedPrefix(items, applied, &unknown);
  if (unknown) {
    std::fprintf(stderr,
                 "%s: warning: the database's prisma_contract.marker is at contract %s, which no "
                 "package's migration.json names as its \"to\": linting every package\n",
                 EscapeControl(g.directory).c_str(), EscapeControl(*applied.marker_hash).c_str());
    return;
  }
  for (size_t i = 0; i < applied_count; ++i) g.items[i].lint = false;
}

// Turns the discovered migrations into groups: a migrations directory is linted whole; a single
// migration folder is linted with the earlier folders of its directory as history; plain files
// are linted as they are. Each directory is replayed on its own.
Result<std::vector<Group>> Select(migrations::MigrationSet& set) {
  std::vector<Group> groups;
  std::map<std::string, size_t> group_of;
  std::map<std::string, std::pair<size_t, size_t>> seen;  // canonical path -> (group, item)
  auto add = [&](const std::string& dir, migrations::Migration m, bool lint) {
    const std::string key = m.canonical_path.empty() ? Canonical(m.sql_path)
                                                     : LexicallyNormal(m.canonical_path).string();
    if (auto it = seen.find(key); it != seen.end()) {
      groups[it->second.first].items[it->second.second].lint |= lint;
      return;
    }
    auto [git, inserted] = group_of.try_emplace(dir, groups.size());
    if (inserted) groups.push_back({dir, {}});
    Group& g = groups[git->second];
    seen[key] = {git->second, g.items.size()};
    g.items.push_back({std::move(m), lint});
  };
  for (size_t si = 0; si < set.sources.size(); ++si) {
    const migrations::Source& src = set.sources[si];
    const std::string dir = Canonical(src.directory);
    if (src.kind == migrations::LayoutKind::kPrismaFolder ||
        src.kind == migrations::LayoutKind::kPrisma8Package) {
      Result<migrations::MigrationSet> siblings = migrations::Discover(src.directory.string());
      if (siblings.ok()) {
        for (const migrations::Migration& target : set.migrations) {
          if (target.source != si) continue;
          for (migrations::Migration& m : siblings->migrations) {
            if (m.name >= target.name) break;
            add(dir, m, false);
          }
        }
      }
    }
    for (migrations::Migration& m : set.migrations)
      if (m.source == si) add(dir, std::move(m), true);
  }
  // Folders reached through several arguments may interleave: restore execution order.
  for (Group& g : groups) {
    bool prisma = std::all_of(g.items.begin(), g.items.end(), [](const Candidate& c) {
      return c.migration.kind == migrations::MigrationKind::kPrismaFolder;
    });
    prisma = prisma || std::all_of(g.items.begin(), g.items.end(), [](const Candidate& c) {
               return c.migration.kind == migrations::MigrationKind::kPrisma8Package;
             });
    if (prisma)
      std::stable_sort(g.items.begin(), g.items.end(), [](const Candidate& a, const Candidate& b) {
        return a.migration.name < b.migration.name;
      });
  }
  return groups;
}

struct LintFlags {
  std::vector<std::string> paths;
  std::string format;
  std::string fail_on;
  int pg_version = 0;
  std::string config;
  std::string schema;  // --schema: Prisma's schema file (or folder)
  std::string since;
  std::string database;
  bool all = false;
  bool hints = false;
};

// The markdown comment's blocking locks of the linted migrations, from the lock model's plan of
// the replayed history: locks on live tables (not created in the same migration) that block
// application traffic.
void AddBlockingLocks(const analysis::History& h, std::vector<report::MigrationSummary>& out) {
  std::map<std::string, report::MigrationSummary*> by_path;
  for (report::MigrationSummary& m : out) by_path[m.path] = &m;
  for (const plan::Entry& e : plan::FromHistory(h)) {
    auto it = by_path.find(e.file);
    if (it == by_path.end()) continue;
    auto blocks = [](const locks::RelationLock& l) {
      return l.origin != schema::Origin::kThisMigration && !locks::BlocksTraffic(l.mode).empty();
    };
    // An index's lock beside its table's says nothing more (a rewrite locks every index of the
    // table); an index alone (DROP INDEX, REINDEX) gets its row.
    const bool table_row = std::any_of(e.locks.begin(), e.locks.end(),
                                       [&](const auto& l) { return !l.is_index && blocks(l); });
    for (const locks::RelationLock& l : e.locks) {
      if (!blocks(l) || (l.is_index && table_row)) continue;
      report::BlockingLock b;
      b.begin = e.byte_begin;
      b.end = e.byte_end;
      b.statement = plan::Excerpt(e.statement, 60);  // a table cell, not a listing
      b.lock = std::string(locks::LockModeName(l.mode));
      b.table = (l.is_index ? "index " : "") + l.relation.ToString();
      b.blocks_reads = locks::BlocksReads(l.mode);
      b.blocks_writes = locks::BlocksWrites(l.mode);
      b.rewrites = std::find(e.rewrites.begin(), e.rewrites.end(), l.relation) != e.rewrites.end();
      b.scans = std::find(e.scans.begin(), e.scans.end(), l.relation) != e.scans.end();
      it->second->blocking.push_back(std::move(b));
    }
  }
}

// A finding in a Prisma 8 ops.json names the operation it is about; its quick fix would edit
// the SQL that lockstep builds from ops.json, not the file (the hash check refuses hand-edited
// SQL anyway), so it is dropped.
void NameOperation(const std::vector<migrations::Prisma8Operation>& operations, Diagnostic& d) {
  if (const migrations::Prisma8Operation* op =
          migrations::OperationAt(operations, static_cast<size_t>(d.begin))) {
    d.message = "operation \"" + op->id + "\": " + d.message;
  }
  d.fixable = false;
  d.edits.clear();
}

bool UseColor() {
  const char* no_color = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) && (no_color == nullptr || *no_color == '\0');
}

// What lint works with once its flags are read: lockstep.toml (flags over it over defaults), the
// project's Prisma 7 config, the severity that fails the run and the output format.
struct LintSettings {
  lint::Config config;
  std::optional<migrations::PrismaConfig> prisma_config;
  lint::FailOn fail_on = lint::FailOn::kError;
  report::Format format = report::Format::kGcc;
};

// Settles the PATHs (f.paths, as Prisma's CLI decides without any) and `out`. Returns an exit
// code when it cannot.
std::optional<int> ResolveSettings(LintFlags& f, LintSettings& out) {
  // --config names lockstep's own lockstep.toml, or like Prisma's CLI its prisma.config.ts.
  const bool lockstep_config = f.config.empty() || f.config.ends_with(".toml");
  const std::string prisma_config_flag = lockstep_config ? "" : f.config;
  Result<std::optional<migrations::PrismaConfig>> prisma_config =
      FindProjectConfig(prisma_config_flag, f.paths.empty() ? "." : f.paths[0]);
  if (!prisma_config.ok()) {
    // Found rather than named, an unreadable config only matters for what it would have said.
    if (!prisma_config_flag.empty() || f.paths.empty())
      return Fail(prisma_config.status().ToString());
    prisma_config = std::optional<migrations::PrismaConfig>();
  }
  out.prisma_config = std::move(*prisma_config);
  if (Result<std::vector<std::string>> chosen =
          PathsOrConfigured(f.paths, f.schema, out.prisma_config, ".");
      chosen.ok()) {
    f.paths = std::move(*chosen);
  } else {
    return Fail(chosen.status().ToString());
  }
  std::string config_path = lockstep_config ? f.config : "";
  if (config_path.empty()) config_path = lint::FindConfig(f.paths[0]).value_or("");
  if (!config_path.empty()) {
    Result<lint::Config> loaded = lint::LoadConfig(config_path);
    if (!loaded.ok()) return Fail(loaded.status().ToString());
    out.config = std::move(*loaded);
  }
  if (f.pg_version) out.config.options.settings.pg_version = f.pg_version;
  if (!f.fail_on.empty()) {
    out.fail_on = *lint::ParseFailOn(f.fail_on);
  } else if (out.config.fail_on) {
    out.fail_on = *out.config.fail_on;
  }
  out.format = isatty(STDOUT_FILENO) ? report::Format::kText : report::Format::kGcc;
  if (!f.format.empty()) out.format = *report::ParseFormat(f.format);
  return std::nullopt;
}

// Narrows what is linted (Candidate::lint) to the files added since --since, the migrations the
// database (--database, else the project's) has not applied, and what lockstep.toml does not
// exclude. Sets `target` to the database when one is named (for estimates), and the PostgreSQL
// version to its major when neither --pg-version nor lockstep.toml says. Returns an exit code
// when it cannot.
std::optional<int> KeepPending(const LintFlags& f, LintSettings& st, std::vector<Group>& groups,
                               std::optional<db::ConnInfo>& target) {
  if (!f.since.empty()) {
    Result<std::set<std::string>> added = FilesAddedSince(f.since, f.paths[0]);
    if (!added.ok()) return Fail(added.status().ToString());
    for (Group& g : groups)
      for (Candidate& c : g.items) c.lint = c.lint && added->count(Canonical(c.migration.sql_path));
  }
  std::string url = f.database;
  if (url.empty() && !f.all) {
    // prisma.config.ts's datasource, else schema.prisma's: directUrl, else url (DATABASE_URL),
    // as `prisma migrate`.
    Result<std::optional<db::ConfiguredDatasource>> configured =
        ConfiguredDatasourceOf(st.prisma_config);
    if (!configured.ok()) {
      // Linting needs no database: without its URL every migration is linted, as with --all.
      std::fprintf(stderr, "%s: warning: %s, or --all; linting every migration\n",
                   configured.status().where().c_str(), configured.status().message().c_str());
    } else {
      Result<std::optional<db::MigrationUrl>> found =
          db::FindMigrationUrl(f.paths[0], {}, {}, *configured ? &**configured : nullptr);
      if (!found.ok()) return Fail(found.status().ToString());
      if (*found) url = (*found)->url;
    }
  }
  if (!url.empty()) {
    int server_major = 0;
    db::DbResult<ledger::AppliedState> applied = AppliedMigrations(url, server_major);
    if (!applied.ok()) {
      const db::DbError& e = applied.error();
      return Fail("cannot read applied migrations: " + e.OneLine(),
                  e.kind == db::ErrorKind::kInvalidUrl ? exit_code::kUsage : exit_code::kDatabase);
    }
    for (Group& g : groups) {
      for (Candidate& c : g.items) c.lint = c.lint && !applied->names.count(c.migration.name);
      SkipAppliedPackages(g, *applied);
    }
    target = *db::ParseUrl(url);  // parsed by AppliedMigrations already
    // Neither --pg-version nor lockstep.toml: a server newer than the default is the target (up
    // to the newest major lockstep models), so its syntax and locks are what is checked.
    int& pg = st.config.options.settings.pg_version;
    if (!f.pg_version && !st.config.pg_version_set && server_major > pg)
      pg = std::min(server_major, 18);
  }
  for (Group& g : groups)
    for (Candidate& c : g.items)
      c.lint = c.lint && !lint::Excluded(st.config, c.migration.sql_path.string());
  return std::nullopt;
}

// One directory's replay and its findings (the unit of parallel work).
struct Job {
  std::vector<analysis::MigrationText> texts;
  size_t history = 0;
  std::set<std::string> linted;
  // Prisma 8 packages: the operations of each ops.json (by path), to name them in findings.
  std::map<std::string, std::vector<migrations::Prisma8Operation>> operations;
  analysis::History h;
  report::Report part;  // this directory's findings on linted files, and those files
  // Markdown only: the linted migrations (and their blocking locks, after the replay).
  std::vector<report::MigrationSummary> summaries;
  std::string rendered;      // RenderPart of `part`, when the format renders in parts
  std::string no_estimates;  // why statistics could not be read, when they could not
};

// A job per directory with something to lint: its history (up to the first linted migration)
// and its migrations up to the last linted one.
std::vector<std::unique_ptr<Job>> MakeJobs(std::vector<Group>& groups) {
  std::vector<std::unique_ptr<Job>> jobs;
  for (Group& g : groups) {
    size_t last = g.items.size();
    while (last > 0 && !g.items[last - 1].lint) --last;
    if (last == 0) continue;
    auto job = std::make_unique<Job>();
    while (job->history < last && !g.items[job->history].lint) ++job->history;
    // Everything after the history is pending: Prisma 8 runs it in one transaction.
    std::vector<migrations::Migration*> pending;
    for (size_t i = job->history; i < last; ++i) pending.push_back(&g.items[i].migration);
    const std::vector<bool> continues = migrations::PlaceInOneRun(pending);
    for (size_t i = 0; i < last; ++i) {
      Candidate& c = g.items[i];
      const std::string path = DisplayPath(c.migration.sql_path);
      if (c.lint) {
        job->linted.insert(path);
        const bool folder = c.migration.kind == migrations::MigrationKind::kPrismaFolder;
        job->summaries.push_back(
            {path, c.migration.name, folder ? DisplayPath(c.migration.folder) : path, {}});
      }
      if (c.migration.kind == migrations::MigrationKind::kPrisma8Package)
        job->operations[path] = std::move(c.migration.operations);
      job->texts.push_back({c.migration.name, path, std::move(c.migration.sql),
                            i >= job->history && continues[i - job->history]});
    }
    jobs.push_back(std::move(job));
  }
  return jobs;
}

// Replays one directory, lints it, scales its findings by the target's estimates, and renders
// its part when the format renders in parts.
void RunJob(Job& j, const LintSettings& st, const std::optional<db::ConnInfo>& target,
            const report::TextOptions& text, analysis::ParseAhead& ahead) {
  // Estimates and the markdown comment read the History's analysis (plan::FromHistory): no
  // streaming for them.
  const bool needs_analysis = target || st.format == report::Format::kMarkdown;
  j.h = lint::ReplayForLint(std::move(j.texts), j.history, st.config.options.settings, &ahead,
                            needs_analysis ? SIZE_MAX : lint::kStreamAboveBytes);
  for (const analysis::AnalyzedMigration& m : j.h.migrations)
    if (j.linted.count(m.source.path())) j.part.sources[m.source.path()] = &m.source;
  lint::Options options = st.config.options;
  // Text and gcc without --hints print only how many hints there are; keeping them would cost
  // more memory than the rest of a long file's lint. Not when estimates may raise a hint's
  // severity afterwards.
  const bool count_hints_only =
      (st.format == report::Format::kText || st.format == report::Format::kGcc) &&
      !text.show_hints && !target;
  std::map<std::string, size_t> dropped_hints;
  if (count_hints_only) options.dropped_hints = &dropped_hints;
  for (Diagnostic& d : lint::Run(j.h, options)) {
    if (!j.part.sources.count(d.path)) continue;
    if (auto ops = j.operations.find(d.path); ops != j.operations.end()) {
      NameOperation(ops->second, d);
    }
    j.part.diagnostics.push_back(std::move(d));
  }
  for (const auto& [path, n] : dropped_hints)
    if (j.part.sources.count(path)) j.part.hidden_hints += n;
  j.part.files_linted = j.linted.size();
  if (target) {
    std::vector<plan::Entry> entries = plan::FromHistory(j.h);
    db::DbResult<size_t> read = stats::AddEstimates(j.h, *target, entries);
    if (read.ok()) {
      std::vector<lint::StatementBlocking> blocking;
      for (const plan::Entry& e : entries)
        if (e.estimate)
          blocking.push_back({e.file, e.byte_begin, e.byte_end, e.estimate->blocking_seconds});
      lint::ScaleBySize(j.part.diagnostics, blocking, st.config.sizes, st.config.options);
    } else {
      j.no_estimates = read.error().OneLine();
    }
  }
  if (st.format == report::Format::kMarkdown) AddBlockingLocks(j.h, j.summaries);
  if (report::RendersInParts(st.format)) j.rendered = report::RenderPart(st.format, j.part, text);
}

// Prints every job's findings in the chosen format, in directory order, then returns the exit
// code: 2 on a syntax error, 1 on a finding at or above --fail-on, else 0.
int PrintAndExit(std::vector<std::unique_ptr<Job>> jobs, const LintSettings& st,
                 const report::TextOptions& text) {
  const report::Format format = st.format;
  const bool in_parts = report::RendersInParts(format);
  for (const auto& j : jobs)
    if (!j->no_estimates.empty())
      std::fprintf(stderr, "lockstep lint: note: findings not scaled by size: %s\n",
                   j->no_estimates.c_str());
  report::Counts counts;
  size_t files_linted = 0;
  for (const auto& j : jobs) {
    counts += report::Count(j->part);
    files_linted += j->part.files_linted;
  }
  if (in_parts) {
    for (const auto& j : jobs) std::fwrite(j->rendered.data(), 1, j->rendered.size(), stdout);
    const std::string trailer = report::RenderTrailer(format, counts, files_linted, text);
    std::fwrite(trailer.data(), 1, trailer.size(), stdout);
  } else {
    report::Report rep;
    rep.rules = lint::DescribeRules();
    rep.files_linted = files_linted;
    for (const auto& j : jobs) {
      rep.sources.insert(j->part.sources.begin(), j->part.sources.end());
      rep.diagnostics.insert(rep.diagnostics.end(), j->part.diagnostics.begin(),
                             j->part.diagnostics.end());
      rep.hidden_hints += j->part.hidden_hints;
      rep.migrations.insert(rep.migrations.end(), j->summaries.begin(), j->summaries.end());
    }
    const std::string out = report::Render(format, rep, text);
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  std::fflush(stdout);

  bool syntax = false, failing = false;
  for (const auto& j : jobs) {
    for (const Diagnostic& d : j->part.diagnostics) {
      syntax = syntax || d.rule == lint::kSyntaxError;
      failing = failing || lint::Fails(st.fail_on, d.severity);
    }
    failing = failing || (j->part.hidden_hints > 0 && lint::Fails(st.fail_on, Severity::kHint));
  }
  // The parse trees of every migration: the process's exit frees them faster than their
  // destructors would.
  KeepUntilExit(std::move(jobs));
  if (syntax) return exit_code::kUsage;
  return failing ? exit_code::kFindings : exit_code::kOk;
}

}  // namespace

int Lint(const Args& args) {
  CLI::App app{
      "Check migrations for statements that block production traffic (locks, rewrites, scans)\n"
      "and for what fails under Prisma's engine. PATH: .sql files, migration folders, a\n"
      "migrations directory or a project root (default: the current directory). Earlier\n"
      "migrations of a directory are replayed as history, so the linter knows which tables are\n"
      "live. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage/IO/syntax errors,\n"
      "4 database unreachable. See docs/lint.md; for CI and pull-request comments (--format\n"
      "markdown, the GitHub Action), docs/ci.md.",
      args[0]};
  LintFlags f;
  app.add_option("PATH", f.paths, "what to lint");
  app.add_option("--format", f.format,
                 "text (default on a terminal), gcc (default otherwise), json, sarif, github, "
                 "markdown (a pull-request comment)")
      ->check(CLI::IsMember({"text", "gcc", "json", "sarif", "github", "markdown"}));
  app.add_option("--fail-on", f.fail_on,
                 "lowest severity that makes the exit code 1 (default: error)")
      ->check(CLI::IsMember({"hint", "warning", "error", "none"}));
  app.add_option("--pg-version", f.pg_version,
                 "target PostgreSQL major version (default: lockstep.toml's, else the "
                 "database's major when newer than 15, else 15)")
      ->check(CLI::Range(11, 18));
  app.add_option("--config", f.config,
                 "lockstep.toml to use (default: the nearest one above PATH); or, any other "
                 "name than *.toml, Prisma 7's prisma.config.ts (default: the project's)");
  app.add_option("--schema", f.schema,
                 "a Prisma schema file (or folder), as Prisma's --schema: without PATH, the "
                 "migrations/ beside it");
  app.add_option("--since", f.since,
                 "lint only migrations whose files were added since this git ref");
  app.add_option("--database", f.database,
                 "lint only migrations not yet applied there per _prisma_migrations (Prisma 8: "
                 "the packages after prisma_contract.marker's contract), and scale "
                 "size-dependent findings by the estimate of how long they block traffic there "
                 "(read-only; thresholds in lockstep.toml [estimates]) (default: schema.prisma's "
                 "directUrl, else $DATABASE_URL)");
  app.add_flag("--all", f.all, "lint every given migration, even when DATABASE_URL is set");
  app.add_flag("--hints", f.hints,
               "show hints in text and gcc output (by default one line counts them; json, "
               "sarif and github always include them)");
  if (auto code = ParseArgs(app, args)) return *code;
  LintSettings st;
  if (std::optional<int> code = ResolveSettings(f, st)) return *code;

  // Files are parsed as soon as discovery has read them, on the other cores: discovering a large
  // project is mostly system calls on this thread, which keeps its core busy (one more thread
  // than cores measured slower). Declared first, so that it outlives the jobs.
  analysis::ParseAhead ahead(lint::ParseOptionsForLint(),
                             std::max(2u, std::thread::hardware_concurrency()) - 1);
  Result<migrations::MigrationSet> set =
      migrations::Discover(f.paths, [&ahead](const migrations::Migration& m) {
        // A large file is left to its job, which streams it when it is linted: a whole parse
        // here would be held until then.
        if (m.sql.size() <= lint::kStreamAboveBytes) ahead.Submit(DisplayPath(m.sql_path), m.sql);
      });
  ahead.Flush();
  if (!set.ok()) return Fail(set.status().ToString());
  for (const migrations::Note& n : set->notes) std::fprintf(stderr, "%s\n", n.ToString().c_str());
  Result<std::vector<Group>> groups = Select(*set);
  if (!groups.ok()) return Fail(groups.status().ToString());

  std::optional<db::ConnInfo> target;  // where statistics are read, when a database is named
  if (std::optional<int> code = KeepPending(f, st, *groups, target)) return *code;

  // Replay each directory (independently, so on as many threads as there are cores); only what
  // is flagged lint is reported, in directory order. Formats printed finding by finding are
  // rendered on the same threads, each directory's part printed in order at the end.
  report::TextOptions text;
  text.color = st.format == report::Format::kText && UseColor();
  text.show_hints = f.hints;
  std::vector<std::unique_ptr<Job>> jobs = MakeJobs(*groups);
  ParallelFor(jobs.size(), std::max(1u, std::thread::hardware_concurrency()),
              [&](size_t, size_t i) { RunJob(*jobs[i], st, target, text, ahead); });
  return PrintAndExit(std::move(jobs), st, text);
}

int Rules(const Args& args) {
  CLI::App app{
      "List the lint rules: id, default severity, whether `lockstep fix` rewrites what it "
      "finds, and a summary. `lockstep explain <rule>` prints a rule's page.",
      args[0]};
  std::string format = "text";
  app.add_option("--format", format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  if (auto code = ParseArgs(app, args)) return *code;
  const std::vector<report::RuleInfo> infos = lint::DescribeRules();
  if (format == "json") {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const auto& r : infos)
      a.push_back({{"id", r.id},
                   {"severity", SeverityName(r.severity)},
                   {"fixable", r.fixable},
                   {"summary", r.summary},
                   {"help_uri", report::RuleDocUrl(r.id)}});
    std::printf("%s\n", a.dump(2).c_str());
    return exit_code::kOk;
  }
  size_t width = 0;
  for (const auto& r : infos) width = std::max(width, r.id.size());
  std::printf("%-*s  %-8s  %-3s  %s\n", static_cast<int>(width), "RULE", "SEVERITY", "FIX",
              "SUMMARY");
  for (const auto& r : infos)
    std::printf("%-*s  %-8s  %-3s  %s\n", static_cast<int>(width), r.id.c_str(),
                std::string(SeverityName(r.severity)).c_str(), r.fixable ? "yes" : "",
                r.summary.c_str());
  return exit_code::kOk;
}

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

int Explain(const Args& args) {
  CLI::App app{
      "Print a rule's documentation page: the problem, the lock and what it blocks, the safe "
      "alternative, and whether `lockstep fix` rewrites it.",
      args[0]};
  std::string id;
  app.add_option("RULE", id, "rule id (see `lockstep rules`)")->required();
  if (auto code = ParseArgs(app, args)) return *code;
  if (std::optional<std::string_view> doc = lint::RuleDoc(id)) {
    std::fwrite(doc->data(), 1, doc->size(), stdout);
    if (!doc->empty() && doc->back() != '\n') std::fputc('\n', stdout);
    return exit_code::kOk;
  }
  const std::vector<report::RuleInfo> infos = lint::DescribeRules();
  for (const auto& r : infos) {
    if (r.id == id) {
      std::printf("# %s\n\n%s\n\n(severity: %s%s; no page docs/rules/%s.md in this build)\n",
                  r.id.c_str(), r.summary.c_str(), std::string(SeverityName(r.severity)).c_str(),
                  r.fixable ? ", `lockstep fix` rewrites it" : "", r.id.c_str());
      return exit_code::kOk;
    }
  }
  std::string suggestions;
  for (const auto& r : infos)
    if (EditDistance(r.id, id) <= 3 || (id.size() >= 4 && r.id.find(id) != std::string::npos))
      suggestions += "\n  " + r.id;
  std::fprintf(stderr, "lockstep explain: unknown rule '%s'%s%s\n", id.c_str(),
               suggestions.empty() ? " (`lockstep rules` lists them)" : "; did you mean:",
               suggestions.c_str());
  return exit_code::kUsage;
}

}  // namespace lockstep::cli
