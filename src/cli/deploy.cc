// `lockstep deploy`, `lockstep status`, `lockstep resolve`: a drop-in for `prisma migrate deploy`,
// `migrate status` and `migrate resolve` that never makes the application wait longer than
// lock_timeout. See docs/deploy.md.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "base/exit_codes.h"
#include "cli/commands.h"
#include "db/datasource.h"
#include "db/dotenv.h"
#include "db/interrupt.h"
#include "db/url.h"
#include "deploy/load.h"
#include "deploy/options.h"
#include "deploy/output.h"
#include "deploy/runner.h"

namespace lockstep::cli {
namespace {

constexpr const char* kDeployUsage =
    "usage: lockstep deploy [PATH] [--database URL] [--dry-run] [--lock-timeout D]\n"
    "                       [--statement-timeout D] [--max-attempts N] [--retry-deadline D]\n"
    "                       [--retry-delay D] [--max-retry-delay D] [--lock-wait D]\n"
    "                       [--progress-interval D]\n"
    "\n"
    "Applies the pending migrations of PATH (default prisma/migrations) like `prisma migrate\n"
    "deploy` (same _prisma_migrations rows, same advisory lock), but every statement runs under\n"
    "lock_timeout and lock timeouts are retried with backoff, so the application never waits\n"
    "behind a migration for longer than the lock timeout. Statements that cannot run in a\n"
    "transaction (CREATE INDEX CONCURRENTLY, ...) run alone; a crashed or interrupted deploy\n"
    "resumes where it stopped. The database is --database, else schema.prisma's directUrl (as\n"
    "`prisma migrate`), else its url (DATABASE_URL), from the environment or .env (Prisma's URL,\n"
    "?schema= included); a transaction-mode pooler is refused. Connecting gives up after its\n"
    "connect_timeout, 5 s when absent or 0 (LOCKSTEP_CONNECT_TIMEOUT=none waits forever).\n"
    "A frozen network ends the run (exit 4, run again) once the server has been silent for\n"
    "10 s and does not answer a new connection; the server ends lockstep's sessions left idle\n"
    "in a transaction after 5 s, releasing their locks (see docs/deploy.md).\n"
    "Durations: 100ms, 2s, 5min.\n"
    "\n"
    "  --dry-run              print the exact commands, timeouts and transactions; no database\n"
    "  --lock-timeout D       longest wait for a lock, i.e. the longest any query of the\n"
    "                         application waits behind lockstep (default 100ms)\n"
    "  --statement-timeout D  for statements that block traffic (0: none; default: the role's\n"
    "                         or database's own); concurrent builds, VALIDATE, VACUUM always\n"
    "                         run without one\n"
    "  --max-attempts N       attempts per step on lock timeouts (default 30)\n"
    "  --retry-deadline D     give up retrying a step after this long (default 10min); also\n"
    "                         bounds a concurrent build's wait for older transactions\n"
    "  --retry-delay D        first wait between attempts, doubled each time (default 200ms)\n"
    "  --max-retry-delay D    longest wait between attempts (default 10s)\n"
    "  --lock-wait D          how long to wait for another deployer's lock (default 10s)\n"
    "  --progress-interval D  how often to print progress when not on a terminal (default 10s)\n"
    "\n"
    "exit codes: 0 applied (or nothing to do), 2 usage, unusable file (NUL byte, UTF-16,\n"
    "another provider's lock file) or SQL syntax error, 4 database error,\n"
    "5 a migration failed, 6 blocked by a failed migration (P3009) or a non-empty schema (P3005),\n"
    "8 authentication failed, 9 no such directory, 10 no migrations, 11 folder without\n"
    "migration.sql, 12 another deployer holds the lock, 13 lock timeout retries or\n"
    "statement_timeout ran out (nothing recorded: run again), 14 interrupted by SIGINT or\n"
    "SIGTERM (the running statement canceled on the server, nothing recorded: run again).\n";

constexpr const char* kStatusUsage =
    "usage: lockstep status [PATH] [--database URL]\n"
    "\n"
    "Compares the migrations of PATH (default prisma/migrations) with _prisma_migrations:\n"
    "applied, pending, failed, partial (split migration lockstep will resume), modified after\n"
    "apply (checksum mismatch), missing from disk.\n"
    "\n"
    "exit codes: 0 up to date, 1 pending, 6 a migration failed, 7 modified or missing from\n"
    "disk, 4/8 database or authentication errors, 9/10/11 as for deploy.\n";

constexpr const char* kResolveUsage =
    "usage: lockstep resolve (--applied NAME | --rolled-back NAME) [PATH] [--database URL]\n"
    "\n"
    "As `prisma migrate resolve`: --applied records NAME as applied without running it (a\n"
    "baseline, or a failed migration completed by hand); --rolled-back marks its failed attempt\n"
    "rolled back (after you undid it) so that deploy runs it again. Both also clear lockstep's\n"
    "progress on NAME.\n";

struct Flags {
  std::string path = "prisma/migrations";
  bool path_given = false;
  std::string database;
  bool dry_run = false;
  std::string applied;
  std::string rolled_back;
  deploy::Options options;
};

int UsageError(const std::string& command, const std::string& message, const char* usage) {
  std::fprintf(stderr, "lockstep %s: %s\n\n%s", command.c_str(), message.c_str(), usage);
  return exit_code::kUsage;
}

// Parses the flags `command` accepts. Returns -1 to go on, else an exit code.
int ParseFlags(const std::string& command, const Args& args, const char* usage, Flags& f) {
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    auto duration = [&](int64_t& out) -> std::optional<std::string> {
      std::optional<std::string> v = value();
      if (!v) return a + " needs a duration";
      Result<int64_t> ms = deploy::ParseDurationMs(*v);
      if (!ms.ok()) return a + ": " + ms.status().message();
      out = *ms;
      return std::nullopt;
    };
    std::optional<std::string> problem;
    const bool is_deploy = command == "deploy";
    if (a == "--help" || a == "-h") {
      std::printf("%s", usage);
      return exit_code::kOk;
    } else if (a == "--database") {
      std::optional<std::string> v = value();
      if (!v || v->empty()) return UsageError(command, "--database needs a URL", usage);
      f.database = *v;
    } else if (is_deploy && a == "--dry-run") {
      f.dry_run = true;
    } else if (is_deploy && a == "--lock-timeout") {
      problem = duration(f.options.lock_timeout_ms);
      if (!problem && f.options.lock_timeout_ms <= 0)
        problem = "--lock-timeout must be positive: without it nothing bounds the app's waits";
    } else if (is_deploy && a == "--statement-timeout") {
      int64_t ms = 0;
      problem = duration(ms);
      f.options.statement_timeout_ms = ms;
    } else if (is_deploy && a == "--retry-deadline") {
      problem = duration(f.options.retry_deadline_ms);
    } else if (is_deploy && a == "--retry-delay") {
      problem = duration(f.options.retry_base_ms);
    } else if (is_deploy && a == "--max-retry-delay") {
      problem = duration(f.options.retry_max_ms);
    } else if ((is_deploy || command == "resolve") && a == "--lock-wait") {
      problem = duration(f.options.advisory_lock_wait_ms);
    } else if (is_deploy && a == "--progress-interval") {
      problem = duration(f.options.progress_interval_ms);
      if (!problem && f.options.progress_interval_ms <= 0) problem = a + " must be positive";
    } else if (is_deploy && a == "--max-attempts") {
      std::optional<std::string> v = value();
      char* end = nullptr;
      const long n = v ? std::strtol(v->c_str(), &end, 10) : 0;
      if (!v || *end != '\0' || n < 1 || n > 1000000)
        problem = "--max-attempts needs a number of attempts (at least 1)";
      else
        f.options.max_attempts = static_cast<int>(n);
    } else if (command == "resolve" && (a == "--applied" || a == "--rolled-back")) {
      std::optional<std::string> v = value();
      if (!v || v->empty()) return UsageError(command, a + " needs a migration name", usage);
      (a == "--applied" ? f.applied : f.rolled_back) = *v;
    } else if (!a.empty() && a[0] == '-') {
      return UsageError(command, "unknown option " + a, usage);
    } else if (!f.path_given) {
      f.path = a;
      f.path_given = true;
    } else {
      return UsageError(command, "one migrations directory at a time", usage);
    }
    if (problem) return UsageError(command, *problem, usage);
  }
  if (std::getenv("PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK")) f.options.use_advisory_lock = false;
  return -1;
}

struct Database {
  int exit_code = -1;  // -1: found
  db::ConnInfo info;
  std::string source;
};

// --database, else schema.prisma's directUrl or url (DATABASE_URL without a schema) from the
// environment or a .env file (Prisma's places: the working directory and its prisma/, then next
// to the migrations directory).
Database FindDatabase(const std::string& command, const Flags& f, const std::string& directory,
                      bool required) {
  Database out;
  std::string url = f.database;
  out.source = "--database";
  if (url.empty()) {
    namespace fs = std::filesystem;
    std::vector<fs::path> places = {fs::current_path()};
    if (!directory.empty()) {
      const fs::path dir = fs::absolute(directory).lexically_normal();
      places.push_back(dir.parent_path());
      places.push_back(dir.parent_path().parent_path());
    }
    // schema.prisma's directUrl when it has one, as `prisma migrate` (db/datasource.h).
    Result<std::optional<db::MigrationUrl>> found = db::FindMigrationUrl(directory, places);
    if (!found.ok()) {
      std::fprintf(stderr, "lockstep %s: %s\n", command.c_str(), found.status().ToString().c_str());
      out.exit_code = exit_code::kUsage;
      return out;
    }
    if (*found) {
      url = (*found)->url;
      out.source = (*found)->source;
    }
  }
  if (url.empty()) {
    if (required) {
      std::fprintf(stderr,
                   "lockstep %s: error: no database: set DATABASE_URL (environment or .env) or "
                   "pass --database URL\n",
                   command.c_str());
      out.exit_code = exit_code::kUsage;
    }
    return out;
  }
  db::DbResult<db::ConnInfo> info = db::ParseUrl(url);
  if (!info.ok()) {
    std::fprintf(stderr, "lockstep %s: error: %s: %s\n", command.c_str(), out.source.c_str(),
                 info.error().OneLine().c_str());
    out.exit_code = exit_code::kUsage;
    return out;
  }
  out.info = *info;
  return out;
}

// Loads the migrations; prints notes, or the error. -1 to go on, else an exit code.
int Load(const std::string& command, const Flags& f, deploy::Loaded& loaded) {
  loaded = deploy::LoadMigrations(f.path);
  if (loaded.exit_code != exit_code::kOk) {
    std::fprintf(stderr, "lockstep %s: %s\n", command.c_str(), loaded.error.c_str());
    return loaded.exit_code;
  }
  for (const migrations::Note& n : loaded.set.notes)
    std::fprintf(stderr, "%s\n", n.ToString().c_str());
  return -1;
}

}  // namespace

int Deploy(const Args& args) {
  Flags f;
  if (int code = ParseFlags("deploy", args, kDeployUsage, f); code >= 0) return code;
  deploy::Loaded loaded;
  if (int code = Load("deploy", f, loaded); code >= 0) return code;
  // Every file is read, checksummed and parsed before anything is sent.
  const std::vector<deploy::MigrationPlan> plans = deploy::PlanAll(loaded.set, f.options);
  Database database = FindDatabase("deploy", f, loaded.directory, !f.dry_run);
  if (database.exit_code >= 0) return database.exit_code;
  const deploy::Target target = deploy::TargetFor(database.info);
  deploy::Printer out = deploy::Printer::Standard();
  if (f.dry_run) return deploy::PrintDryRun(plans, target, f.options, out);
  out.Line(std::to_string(plans.size()) + " migration" + (plans.size() == 1 ? "" : "s") +
           " found in " + loaded.directory);
  out.Line("Datasource: " + target.conn.Redacted() + " (" + database.source + "), schema \"" +
           target.tables.schema + "\"");
  // Ctrl-C, or a supervisor's SIGTERM, would otherwise end lockstep at once and leave its
  // statement running on the server (a concurrent build runs on to its end or an INVALID index).
  db::CancelAndExitOnInterrupt([](const db::Interruption& i) {
    std::string what;
    for (const std::string& sql : i.canceled) what += (what.empty() ? "" : "; ") + sql;
    std::fprintf(
        stderr,
        "lockstep deploy: interrupted by %s: %s; the connection is closed, so the server "
        "rolls back an open transaction, as after a crash. Nothing is recorded as "
        "failed: run `lockstep deploy` again to resume (it drops an INVALID index left "
        "by a canceled concurrent build and builds it again).\n",
        i.signal_name,
        what.empty() ? "no statement was running" : ("canceled on the server: " + what).c_str());
  });
  return deploy::Deploy(plans, target, f.options, out);
}

int Status(const Args& args) {
  Flags f;
  if (int code = ParseFlags("status", args, kStatusUsage, f); code >= 0) return code;
  deploy::Loaded loaded;
  if (int code = Load("status", f, loaded); code >= 0) return code;
  Database database = FindDatabase("status", f, loaded.directory, true);
  if (database.exit_code >= 0) return database.exit_code;
  const deploy::Target target = deploy::TargetFor(database.info);
  deploy::Printer out = deploy::Printer::Standard();
  out.Line(std::to_string(loaded.set.migrations.size()) + " migration" +
           (loaded.set.migrations.size() == 1 ? "" : "s") + " found in " + loaded.directory +
           "; datasource " + target.conn.Redacted() + ", schema \"" + target.tables.schema + "\"");
  return deploy::ShowStatus(deploy::DiskMigrations(loaded.set), target, out);
}

int Resolve(const Args& args) {
  Flags f;
  if (int code = ParseFlags("resolve", args, kResolveUsage, f); code >= 0) return code;
  if (f.applied.empty() == f.rolled_back.empty())
    return UsageError("resolve", "give exactly one of --applied NAME and --rolled-back NAME",
                      kResolveUsage);
  deploy::Loaded loaded;
  if (int code = Load("resolve", f, loaded); code >= 0) return code;
  Database database = FindDatabase("resolve", f, loaded.directory, true);
  if (database.exit_code >= 0) return database.exit_code;
  const deploy::Target target = deploy::TargetFor(database.info);
  deploy::Printer out = deploy::Printer::Standard();
  const bool applied = !f.applied.empty();
  return deploy::Resolve(deploy::DiskMigrations(loaded.set), applied ? f.applied : f.rolled_back,
                         applied ? deploy::ResolveAs::kApplied : deploy::ResolveAs::kRolledBack,
                         target, f.options, out);
}

}  // namespace lockstep::cli
