// `lockstep deploy`, `lockstep status`, `lockstep resolve`: a drop-in for `prisma migrate deploy`,
// `migrate status` and `migrate resolve` that never makes the application wait longer than
// lock_timeout (docs/deploy.md); and `lockstep contract`, which lists and releases the held
// contract phase (docs/expand-contract.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include "base/exit_codes.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/exit.h"
#include "cli/load.h"
#include "db/datasource.h"
#include "db/dotenv.h"
#include "db/interrupt.h"
#include "db/url.h"
#include "deploy/load.h"
#include "deploy/options.h"
#include "deploy/output.h"
#include "deploy/runner.h"
#include "fleet/runner.h"
#include "fleet/targets.h"
#include "ledger/ledger.h"
#include "migrations/contract.h"

namespace lockstep::cli {
namespace {

constexpr const char* kDeployUsage =
    "usage: lockstep deploy [PATH] [--database URL] [--dry-run] [--lock-timeout D]\n"
    "                       [--statement-timeout D] [--max-attempts N] [--retry-deadline D]\n"
    "                       [--retry-delay D] [--max-retry-delay D] [--lock-wait D]\n"
    "                       [--progress-interval D] [--replica URL]... [--max-replica-lag D]\n"
    "                       [--backfill-batch-time D] [--backfill-pause D]\n"
    "                       [--preflight off|warn|strict] [--preflight-age D]\n"
    "                       [--preflight-slot-wal SIZE]\n"
    "       lockstep deploy [PATH] (--fleet FILE | --fleet-query SQL --database URL)\n"
    "                       [--parallel N] [--canary N] [--on-error stop|continue]\n"
    "                       [--format text|json] [the options above]\n"
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
    "A migration that is one UPDATE (and SETs) runs as a batched backfill: short transactions\n"
    "over the primary key (or a unique NOT NULL key), each recording its position, so a re-run\n"
    "resumes without updating a row twice; refused when the table has no such key. Wrap it in\n"
    "BEGIN; ... COMMIT; to run it as one transaction instead (docs/backfill.md).\n"
    "Durations: 100ms, 2s, 5min.\n"
    "\n"
    "  --config FILE          Prisma 7's prisma.config.ts (default: the project's, found from\n"
    "                         PATH or the working directory): without PATH its migrations.path\n"
    "                         (or its schema's migrations/), and its datasource\n"
    "  --schema FILE          a Prisma schema file (or folder), as Prisma's --schema: without\n"
    "                         PATH, the migrations/ beside it\n"
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
    "  --replica URL          a hot standby whose readers to protect (repeatable; default: the\n"
    "                         whitespace-separated URLs of LOCKSTEP_REPLICA_URLS). Before each\n"
    "                         step that locks a table beyond ROW EXCLUSIVE, lockstep waits and\n"
    "                         retries (as for lock timeouts) while a standby session holds or\n"
    "                         waits for a lock on it, so that the replayed lock never queues the\n"
    "                         standby's readers. URL: the standby's copy of the migrated\n"
    "                         database; its role needs pg_monitor. An unreachable replica, or\n"
    "                         one that is not a standby or names another database, stops the\n"
    "                         deploy before it starts (see docs/replicas.md)\n"
    "  --max-replica-lag D    before each concurrent index build and each batch of a batched\n"
    "                         backfill, pause while a replica replays further behind than this\n"
    "                         (default 1s); each batch also waits until every replica has\n"
    "                         replayed the one before. With a replica whose\n"
    "                         hot_standby_feedback is off, a batched backfill holds a snapshot\n"
    "                         on the primary while it runs (its dead rows stay until it ends),\n"
    "                         so that their cleanup never holds the replay behind a standby\n"
    "                         reader\n"
    "  --backfill-batch-time D  batched backfills: size each batch to last about D\n"
    "                         (default 100ms; its statement_timeout is 10 x D, at least 1s)\n"
    "  --backfill-pause D     batched backfills: pause between batches (default 0ms)\n"
    "  --preflight MODE       before the first statement, a read-only look for what would hurt\n"
    "                         the deploy: transactions open --preflight-age or more on the\n"
    "                         tables it locks (and anywhere in the database before a concurrent\n"
    "                         build), replication slots retaining WAL, replicas lagging beyond\n"
    "                         --max-replica-lag, a role without pg_monitor. warn (default)\n"
    "                         prints them and goes on; strict refuses to start (exit 16); off\n"
    "                         skips it (see docs/deploy.md, \"Preflight\")\n"
    "  --preflight-age D      report transactions open this long or more (default 5s)\n"
    "  --preflight-slot-wal SIZE  report an active replication slot retaining more WAL than\n"
    "                         this (default 1GB; an inactive one whenever it retains any)\n"
    "\n"
    "Fleets (one history, many tenant databases or schemas; see docs/fleet.md):\n"
    "  --fleet FILE           the targets: one PostgreSQL URL per line (?schema= for a schema\n"
    "                         per tenant; '#' comments and blank lines allowed)\n"
    "  --fleet-query SQL      the targets from a tenants table: SQL runs read-only on\n"
    "                         --database; each row's first column is a schema name of that\n"
    "                         database or a URL\n"
    "  --parallel N           targets deployed at once, in all (default 4)\n"
    "  --canary N             deploy the first N targets first; stop if one of them fails\n"
    "  --on-error stop|continue  after a failed target, start no more (default) or go on\n"
    "  --format text|json     the summary as text (default) or one JSON document on stdout\n"
    "Each target gets the whole deploy above (its own lock, timeouts, retries, resume); a fleet\n"
    "deploy killed at any point is finished by running the same command again.\n"
    "\n"
    "exit codes: 0 applied (or nothing to do), 2 usage, unusable file (NUL byte, UTF-16,\n"
    "another provider's lock file) or SQL syntax error, 4 database error,\n"
    "5 a migration failed (a backfill's batch failed: committed batches kept, run again after\n"
    "fixing the row), 6 blocked by a failed migration (P3009), a non-empty schema (P3005) or a\n"
    "backfill without a usable key,\n"
    "8 authentication failed, 9 no such directory, 10 no migrations, 11 folder without\n"
    "migration.sql, 12 another deployer holds the lock, 13 lock timeout retries or\n"
    "statement_timeout ran out (nothing recorded: run again), 14 interrupted by SIGINT or\n"
    "SIGTERM (the running statement canceled on the server, nothing recorded: run again),\n"
    "15 a fleet target failed or was not started (the summary names them), 16 refused by\n"
    "--preflight strict (nothing applied).\n";

constexpr const char* kStatusUsage =
    "usage: lockstep status [PATH] [--database URL]\n"
    "       lockstep status [PATH] (--fleet FILE | --fleet-query SQL --database URL)\n"
    "                       [--parallel N] [--format text|json]\n"
    "\n"
    "Compares the migrations of PATH (default prisma/migrations) with _prisma_migrations:\n"
    "applied, pending, failed, partial (split migration lockstep will resume), modified after\n"
    "apply (checksum mismatch), missing from disk; then the contract migrations waiting for\n"
    "rollout in lockstep-contract/ beside PATH (`lockstep contract --help`).\n"
    "\n"
    "With --fleet or --fleet-query (as for deploy): one line per target (up to date, behind,\n"
    "failed, ahead, modified, unreachable) and the counts.\n"
    "\n"
    "exit codes: 0 up to date, 1 pending, 6 a migration failed, 7 modified or missing from\n"
    "disk, 4/8 database or authentication errors, 9/10/11 as for deploy. With a fleet: 0 when\n"
    "every target is up to date, else 1.\n";

constexpr const char* kResolveUsage =
    "usage: lockstep resolve (--applied NAME | --rolled-back NAME) [PATH] [--database URL]\n"
    "\n"
    "As `prisma migrate resolve`: --applied records NAME as applied without running it (a\n"
    "baseline, or a failed migration completed by hand); --rolled-back marks its failed attempt\n"
    "rolled back (after you undid it) so that deploy runs it again. Both also clear lockstep's\n"
    "progress on NAME.\n";

constexpr const char* kContractUsage =
    "usage: lockstep contract list [PATH]\n"
    "       lockstep contract release [PATH] (NAME... | --all) [--database URL | --no-database]\n"
    "\n"
    "The contract phase of an expand/contract rewrite (docs/expand-contract.md): `lockstep fix`\n"
    "writes the migrations that drop the old shape (the old column, the sync trigger, the\n"
    "compatibility view) into lockstep-contract/ beside the migrations directory (PATH, default\n"
    "prisma/migrations), where neither `lockstep deploy` nor `prisma migrate deploy` looks.\n"
    "\n"
    "  list            the held migrations, in release order: what each drops and the expand\n"
    "                  migration it waits for\n"
    "  release         once no running application uses the old shape: moves them into the\n"
    "                  migrations directory, renamed to sort after every migration there, so\n"
    "                  that either deployer applies them next (the file is not changed)\n"
    "  --all           release every held migration\n"
    "  --database URL  where the expand migrations must be applied (default: the project's\n"
    "                  database as deploy finds it, when there is one)\n"
    "  --no-database   check only that the expand migrations are in the migrations directory\n"
    "Release refuses a name that is not held, one whose earlier held migrations would stay\n"
    "held, and one whose expand migration is missing from the migrations directory or not\n"
    "applied in the database.\n"
    "\n"
    "exit codes: 0 done, 2 usage or not held or out of order, 6 expand migration missing or not\n"
    "applied, 4/8 database or authentication errors, 9/10/11 as for deploy.\n";

struct Flags {
  std::string path = "prisma/migrations";
  bool path_given = false;
  std::string prisma_config;  // --config: Prisma 7's prisma.config.ts
  std::string schema;         // --schema: Prisma's schema file (or folder)
  // The project's Prisma 7 config (--config, else found from PATH or the working directory).
  std::optional<migrations::PrismaConfig> config;
  std::string database;
  bool dry_run = false;
  std::string applied;
  std::string rolled_back;
  deploy::Options options;
  std::string fleet_file;
  std::string fleet_query;
  fleet::FleetOptions fleet;
  bool replica_given = false;  // --replica: LOCKSTEP_REPLICA_URLS is not read
  bool is_fleet() const { return !fleet_file.empty() || !fleet_query.empty(); }
};

int UsageError(const std::string& command, const std::string& message, const char* usage) {
  std::fprintf(stderr, "lockstep %s: %s\n\n%s", command.c_str(), message.c_str(), usage);
  return exit_code::kUsage;
}

// --help prints the command's usage text above (the one the docs describe), not one CLI11 composes.
void PrintUsageOnHelp(CLI::App& app, const char* usage) {
  app.formatter_fn([usage](const CLI::App*, const std::string&, CLI::AppFormatMode) {
    return std::string(usage);
  });
}

// Checks one value of a flag and stores it: "" when good, else the message, naming the flag.
using StoreValue = std::function<std::string(const std::string&)>;

// `name VALUE`. VALUE is the next argument, whatever it looks like (`--lock-timeout -1s` is a bad
// duration, not an unknown flag). A flag may be repeated: each value is checked, the last wins.
CLI::Option* AddValue(CLI::App& app, const std::string& name, const std::string& type,
                      StoreValue store) {
  CLI::callback_t each = [store](const CLI::results_t& values) {
    for (const std::string& v : values)
      if (std::string problem = store(v); !problem.empty()) throw CLI::ValidationError(problem);
    return true;
  };
  return app.add_option(name, each)
      ->type_name(type)
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

// `name VALUE` that must not be empty: "--config needs a file".
CLI::Option* AddText(CLI::App& app, const std::string& name, const std::string& type,
                     const std::string& needs, std::string& into) {
  return AddValue(app, name, type, [name, needs, &into](const std::string& v) {
    if (v.empty()) return name + " needs " + needs;
    into = v;
    return std::string();
  });
}

// `name D`, a duration (deploy::ParseDurationMs) kept in milliseconds. A zero that would disable
// what the flag bounds is refused, saying `why` after "must be positive".
enum class Zero { kAllowed, kRefused };
template <typename Ms>
CLI::Option* AddDuration(CLI::App& app, const std::string& name, Ms& ms, Zero zero = Zero::kAllowed,
                         const std::string& why = "") {
  return AddValue(app, name, "D", [name, zero, why, &ms](const std::string& v) {
    Result<int64_t> parsed = deploy::ParseDurationMs(v);
    if (!parsed.ok()) return name + ": " + parsed.status().message();
    if (zero == Zero::kRefused && *parsed <= 0) return name + " must be positive" + why;
    ms = *parsed;
    return std::string();
  });
}

// `name N`: a whole number from `low` to `high`, else `problem`.
CLI::Option* AddNumber(CLI::App& app, const std::string& name, long low, long high,
                       const std::string& problem, int& into) {
  return AddValue(app, name, "N", [low, high, problem, &into](const std::string& v) {
    char* end = nullptr;
    const long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || n < low || n > high) return problem;
    into = static_cast<int>(n);
    return std::string();
  });
}

// PATH, Prisma's --config and --schema, and --database: every command here takes them.
void AddProjectFlags(CLI::App& app, Flags& f) {
  app.add_option_function<std::string>("PATH", [&f](const std::string& path) {
    f.path = path;
    f.path_given = true;
  });
  AddText(app, "--config", "FILE", "a file", f.prisma_config);
  AddText(app, "--schema", "FILE", "a file", f.schema);
  AddText(app, "--database", "URL", "a URL", f.database);
}

// How deploy runs each step: timeouts, retries, progress, backfills.
void AddStepFlags(CLI::App& app, deploy::Options& o) {
  AddDuration(app, "--lock-timeout", o.lock_timeout_ms, Zero::kRefused,
              ": without it nothing bounds the app's waits");
  AddDuration(app, "--statement-timeout", o.statement_timeout_ms);
  AddNumber(app, "--max-attempts", 1, 1000000,
            "--max-attempts needs a number of attempts (at least 1)", o.max_attempts);
  AddDuration(app, "--retry-deadline", o.retry_deadline_ms);
  AddDuration(app, "--retry-delay", o.retry_base_ms);
  AddDuration(app, "--max-retry-delay", o.retry_max_ms);
  AddDuration(app, "--progress-interval", o.progress_interval_ms, Zero::kRefused);
  AddDuration(app, "--backfill-batch-time", o.backfill_batch_ms, Zero::kRefused);
  AddDuration(app, "--backfill-pause", o.backfill_pause_ms);
}

// What deploy protects and looks at before it starts: replicas and the preflight.
void AddGuardFlags(CLI::App& app, Flags& f) {
  deploy::Options& o = f.options;
  AddValue(app, "--replica", "URL", [&f](const std::string& v) {
    if (v.empty()) return std::string("--replica needs a URL");
    db::DbResult<db::ConnInfo> info = db::ParseUrl(v);
    if (!info.ok()) return "--replica: " + info.error().OneLine();
    f.options.replicas.push_back(*info);
    f.replica_given = true;
    return std::string();
  });
  AddDuration(app, "--max-replica-lag", o.max_replica_lag_ms);
  AddValue(app, "--preflight", "off|warn|strict", [&o](const std::string& v) {
    Result<deploy::PreflightMode> mode = deploy::ParsePreflightMode(v);
    if (!mode.ok()) return mode.status().message();
    o.preflight = *mode;
    return std::string();
  });
  AddDuration(app, "--preflight-age", o.preflight_transaction_age_ms);
  AddValue(app, "--preflight-slot-wal", "SIZE", [&o](const std::string& v) {
    Result<int64_t> bytes = deploy::ParseBytes(v);
    if (!bytes.ok()) return "--preflight-slot-wal: " + bytes.status().message();
    o.preflight_slot_wal_bytes = *bytes;
    return std::string();
  });
}

// The targets of a fleet and how they run (docs/fleet.md); --on-error only when `deploying`.
void AddFleetFlags(CLI::App& app, Flags& f, bool deploying) {
  AddText(app, "--fleet", "FILE", "a file", f.fleet_file);
  AddText(app, "--fleet-query", "SQL", "SQL", f.fleet_query);
  AddNumber(app, "--parallel", 1, 256, "--parallel needs a number from 1 to 256", f.fleet.parallel);
  AddNumber(app, "--canary", 0, 256, "--canary needs a number from 0 to 256", f.fleet.canary);
  if (deploying) {
    AddValue(app, "--on-error", "stop|continue", [&f](const std::string& v) {
      if (v != "stop" && v != "continue") return std::string("--on-error is stop or continue");
      f.fleet.on_error = v == "stop" ? fleet::OnError::kStop : fleet::OnError::kContinue;
      return std::string();
    });
  }
  AddValue(app, "--format", "text|json", [&f](const std::string& v) {
    if (v != "text" && v != "json") return std::string("--format is text or json");
    f.fleet.json = v == "json";
    return std::string();
  });
}

// What goes together, once every flag is read (and LOCKSTEP_REPLICA_URLS without --replica).
// -1 to go on, else an exit code.
int CheckFlags(const std::string& command, const char* usage, Flags& f) {
  if (std::getenv("PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK")) f.options.use_advisory_lock = false;
  if (const char* env = std::getenv("LOCKSTEP_REPLICA_URLS");
      command == "deploy" && !f.replica_given && env != nullptr) {
    std::istringstream urls(env);
    for (std::string url; urls >> url;) {
      db::DbResult<db::ConnInfo> info = db::ParseUrl(url);
      if (!info.ok())
        return UsageError(command, "LOCKSTEP_REPLICA_URLS: " + info.error().OneLine(), usage);
      f.options.replicas.push_back(*info);
    }
  }
  if (f.is_fleet() && !f.options.replicas.empty())
    return UsageError(command,
                      "--replica (or LOCKSTEP_REPLICA_URLS) protects the standbys of one "
                      "database: run it without a fleet",
                      usage);
  if (!f.fleet_file.empty() && !f.fleet_query.empty())
    return UsageError(command, "give --fleet FILE or --fleet-query SQL, not both", usage);
  if (!f.fleet_file.empty() && !f.database.empty())
    return UsageError(command,
                      "--database names the tenants database of --fleet-query; with --fleet "
                      "FILE the targets are the file's URLs",
                      usage);
  if (!f.fleet_query.empty() && f.database.empty())
    return UsageError(command, "--fleet-query needs --database URL (where the tenants table is)",
                      usage);
  if (!f.is_fleet() && (f.fleet.json || f.fleet.canary > 0))
    return UsageError(command, "--format and --canary go with --fleet or --fleet-query", usage);
  if (f.is_fleet() && f.dry_run)
    return UsageError(command, "--dry-run prints one target's commands: run it without a fleet",
                      usage);
  return -1;
}

// Parses the flags `command` takes: deploy all of them; status PATH, the project's and the
// fleet's (--canary included); resolve PATH, the project's, --lock-wait and its two modes.
// -1 to go on, else an exit code.
int ParseFlags(const std::string& command, const Args& args, const char* usage, Flags& f) {
  CLI::App app{"", args[0]};
  PrintUsageOnHelp(app, usage);
  AddProjectFlags(app, f);
  if (command == "deploy") {
    app.add_flag("--dry-run", f.dry_run);
    AddStepFlags(app, f.options);
    AddGuardFlags(app, f);
  }
  if (command != "status") AddDuration(app, "--lock-wait", f.options.advisory_lock_wait_ms);
  if (command != "resolve") AddFleetFlags(app, f, command == "deploy");
  if (command == "resolve") {
    AddText(app, "--applied", "NAME", "a migration name", f.applied);
    AddText(app, "--rolled-back", "NAME", "a migration name", f.rolled_back);
  }
  if (std::optional<int> code = ParseArgs(app, args)) return *code;
  return CheckFlags(command, usage, f);
}

// The fleet's targets, all read and checked before any is touched. -1 to go on, else an exit code.
int FleetTargets(const std::string& command, const Flags& f,
                 std::vector<fleet::FleetTarget>& targets) {
  Result<std::vector<fleet::FleetTarget>> read = Status::Error("");
  if (!f.fleet_file.empty()) {
    read = fleet::ReadFleetFile(f.fleet_file);
  } else {
    db::DbResult<db::ConnInfo> tenants = db::ParseUrl(f.database);
    if (!tenants.ok()) {
      std::fprintf(stderr, "lockstep %s: error: --database: %s\n", command.c_str(),
                   tenants.error().OneLine().c_str());
      return exit_code::kUsage;
    }
    read = fleet::TargetsFromQuery(*tenants, f.fleet_query);
  }
  if (!read.ok()) {
    std::fprintf(stderr, "lockstep %s: error: %s\n", command.c_str(),
                 read.status().ToString().c_str());
    return f.fleet_file.empty() ? exit_code::kDatabase : exit_code::kUsage;
  }
  targets = std::move(read).value();
  return -1;
}

// Ctrl-C, or a supervisor's SIGTERM, would otherwise end lockstep at once and leave its
// statements running on the server (a concurrent build runs on to its end or an INVALID index).
void CancelOnInterrupt(bool fleet) {
  db::CancelAndExitOnInterrupt([fleet](const db::Interruption& i) {
    std::string what;
    for (const std::string& sql : i.canceled) what += (what.empty() ? "" : "; ") + sql;
    std::fprintf(
        stderr,
        "lockstep deploy: interrupted by %s: %s; the connection%s closed, so the server "
        "rolls back an open transaction, as after a crash. Nothing is recorded as "
        "failed: run `lockstep deploy` again to resume%s (it drops an INVALID index left "
        "by a canceled concurrent build and builds it again).\n",
        i.signal_name,
        what.empty() ? "no statement was running" : ("canceled on the server: " + what).c_str(),
        fleet ? "s are" : " is",
        fleet ? ", with the same targets: those already migrated are skipped" : "");
  });
}

struct Database {
  int exit_code = -1;  // -1: no error (found, or not required)
  bool found = false;  // `info` names a database
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
    // prisma.config.ts's datasource, else schema.prisma's: directUrl when there is one, as
    // `prisma migrate` (db/datasource.h).
    Result<std::optional<db::ConfiguredDatasource>> configured = ConfiguredDatasourceOf(f.config);
    if (!configured.ok()) {
      std::fprintf(stderr, "lockstep %s: %s\n", command.c_str(),
                   configured.status().ToString().c_str());
      out.exit_code = exit_code::kUsage;
      return out;
    }
    Result<std::optional<db::MigrationUrl>> found = FindProjectDatabase(directory, *configured);
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
  out.found = true;
  return out;
}

// Loads the migrations; prints notes, or the error. -1 to go on, else an exit code.
int Load(const std::string& command, Flags& f, deploy::Loaded& loaded) {
  Result<std::optional<migrations::PrismaConfig>> config =
      FindProjectConfig(f.prisma_config, f.path_given ? f.path : ".");
  if (!config.ok()) {
    std::fprintf(stderr, "lockstep %s: %s\n", command.c_str(), config.status().ToString().c_str());
    return exit_code::kUsage;
  }
  f.config = std::move(*config);
  if (!f.path_given) {
    Result<std::vector<std::string>> chosen = PathsOrConfigured({}, f.schema, f.config, f.path);
    if (!chosen.ok()) {
      std::fprintf(stderr, "lockstep %s: %s\n", command.c_str(),
                   chosen.status().ToString().c_str());
      return exit_code::kUsage;
    }
    f.path = chosen->front();
  }
  loaded = deploy::LoadMigrations(f.path);
  if (!loaded.status.ok()) {
    std::fprintf(stderr, "lockstep %s: %s\n", command.c_str(), loaded.status.message().c_str());
    return ExitCodeOf(loaded.status);
  }
  for (const migrations::Note& n : loaded.set.notes)
    std::fprintf(stderr, "%s\n", n.ToString().c_str());
  return -1;
}

// The held contract migrations of the loaded migrations directory (an error is printed).
std::optional<std::vector<migrations::HeldMigration>> Held(const std::string& command,
                                                           const deploy::Loaded& loaded) {
  if (loaded.set.sources.empty()) return std::vector<migrations::HeldMigration>{};
  Result<std::vector<migrations::HeldMigration>> held =
      migrations::ListHeld(loaded.set.sources.front().directory);
  if (!held.ok()) {
    std::fprintf(stderr, "lockstep %s: %s\n", command.c_str(), held.status().ToString().c_str());
    return std::nullopt;
  }
  return std::move(held).value();
}

std::string HeldLine(const migrations::HeldMigration& h) {
  if (!h.header) return h.name + "  (written by hand: no expand migration recorded)";
  return h.name + "  (drops " + h.header->what + "; after " + h.header->expand + ")";
}

int ContractRelease(Flags& f, const std::vector<std::string>& names, bool all, bool no_database) {
  deploy::Loaded loaded;
  if (int code = Load("contract", f, loaded); code >= 0) return code;
  std::optional<std::vector<migrations::HeldMigration>> held = Held("contract", loaded);
  if (!held) return exit_code::kUsage;
  if (held->empty()) {
    std::printf(
        "nothing held in %s\n",
        migrations::HoldingDirectory(loaded.set.sources.front().directory).string().c_str());
    return names.empty() ? exit_code::kOk : exit_code::kUsage;
  }
  (void)all;
  std::optional<std::vector<std::string>> applied;
  if (!no_database) {
    Database database = FindDatabase("contract", f, loaded.directory, false);
    if (database.exit_code >= 0) return database.exit_code;
    if (database.found) {
      const deploy::Target target = deploy::TargetFor(database.info);
      db::ConnectOptions connect_options;
      connect_options.application_name = "lockstep contract";
      db::DbResult<db::Connection> conn = db::Connect(target.conn, connect_options);
      if (!conn.ok()) {
        std::fprintf(stderr, "lockstep contract: error: %s\n", conn.error().OneLine().c_str());
        return ExitCodeOf(deploy::ConnectFailureCode(conn.error()));
      }
      db::DbResult<std::optional<std::vector<ledger::MigrationRow>>> rows =
          ledger::ReadMigrationRows(*conn, target.tables);
      if (!rows.ok()) {
        std::fprintf(stderr, "lockstep contract: error: reading _prisma_migrations: %s\n",
                     rows.error().OneLine().c_str());
        return exit_code::kDatabase;
      }
      applied = ledger::AppliedNames(rows->value_or(std::vector<ledger::MigrationRow>{}));
      std::printf("Datasource: %s (%s), schema \"%s\"\n", target.conn.Redacted().c_str(),
                  database.source.c_str(), target.tables.schema.c_str());
    }
  }
  const migrations::Source& source = loaded.set.sources.front();
  // A released folder must sort after every migration folder, not after the files beside them:
  // `migration_lock.toml`, in every Prisma migrations directory, sorts after any timestamp.
  std::vector<std::string> folders;
  for (const std::string& n : source.existing_names) {
    std::error_code ec;
    if (std::filesystem::is_directory(source.directory / n, ec)) folders.push_back(n);
  }
  Result<std::vector<migrations::Release>> plan =
      migrations::PlanRelease(*held, names, folders, applied, migrations::UtcNow());
  if (!plan.ok()) {
    std::fprintf(stderr, "lockstep contract: error: %s\n", plan.status().message().c_str());
    // A missing or unapplied expand is a state to wait out, not a typo.
    return plan.status().message().find("expand migration") != std::string::npos
               ? exit_code::kBlocked
               : exit_code::kUsage;
  }
  if (lockstep::Status s = migrations::ApplyRelease(source.directory, *plan); !s.ok()) {
    std::fprintf(stderr, "lockstep contract: %s\n", s.ToString().c_str());
    return exit_code::kUsage;
  }
  for (const migrations::Release& r : *plan)
    std::printf("released %s as %s\n", r.held.c_str(), (source.directory / r.released).c_str());
  std::printf(
      "`lockstep deploy` (or `prisma migrate deploy`) applies %s next; remove what the old shape "
      "needed from schema.prisma (docs/expand-contract.md)\n",
      plan->size() == 1 ? "it" : "them");
  return exit_code::kOk;
}

}  // namespace

int Contract(const Args& args) {
  CLI::App app{"", args[0]};
  PrintUsageOnHelp(app, kContractUsage);  // before the verbs: they copy it
  Flags f;
  std::vector<std::string> names;  // release's operands: [PATH] NAME... (PATH taken off below)
  bool all = false, no_database = false;
  CLI::App* list = app.add_subcommand("list");
  CLI::App* release = app.add_subcommand("release");
  for (CLI::App* verb : {list, release}) {
    AddText(*verb, "--database", "URL", "a URL", f.database);
    AddText(*verb, "--config", "FILE", "a file", f.prisma_config);
    AddText(*verb, "--schema", "FILE", "a file", f.schema);
  }
  list->add_option_function<std::string>("PATH", [&f](const std::string& path) {
    f.path = path;
    f.path_given = true;
  });
  release->add_option("NAME", names);
  release->add_flag("--all", all);
  release->add_flag("--no-database", no_database);
  if (std::optional<int> code = ParseArgs(app, args)) return *code;
  if (!list->parsed() && !release->parsed())
    return UsageError("contract", "the commands are list and release", kContractUsage);
  // PATH comes first, and only when it exists: held names are not paths.
  if (!names.empty() && std::filesystem::exists(names.front())) {
    f.path = names.front();
    f.path_given = true;
    names.erase(names.begin());
  }
  if (list->parsed()) {
    deploy::Loaded loaded;
    if (int code = Load("contract", f, loaded); code >= 0) return code;
    std::optional<std::vector<migrations::HeldMigration>> held = Held("contract", loaded);
    if (!held) return exit_code::kUsage;
    const std::filesystem::path dir =
        migrations::HoldingDirectory(loaded.set.sources.front().directory);
    if (held->empty()) {
      std::printf("nothing held in %s\n", dir.string().c_str());
      return exit_code::kOk;
    }
    std::printf("%zu contract migration%s waiting for rollout in %s, in release order:\n",
                held->size(), held->size() == 1 ? "" : "s", dir.string().c_str());
    for (const migrations::HeldMigration& h : *held) std::printf("  %s\n", HeldLine(h).c_str());
    return exit_code::kOk;
  }
  if (all == !names.empty())
    return UsageError("contract", "release needs the names of held migrations, or --all",
                      kContractUsage);
  if (no_database && !f.database.empty())
    return UsageError("contract", "--database and --no-database exclude each other",
                      kContractUsage);
  return ContractRelease(f, names, all, no_database);
}

int Deploy(const Args& args) {
  Flags f;
  if (int code = ParseFlags("deploy", args, kDeployUsage, f); code >= 0) return code;
  deploy::Loaded loaded;
  if (int code = Load("deploy", f, loaded); code >= 0) return code;
  // Every file is read, checksummed and parsed before anything is sent. The plans keep the texts.
  const std::vector<deploy::MigrationPlan> plans =
      deploy::PlanAll(std::move(loaded.set.migrations), f.options);
  if (f.is_fleet()) {
    std::vector<fleet::FleetTarget> targets;
    if (int code = FleetTargets("deploy", f, targets); code >= 0) return code;
    deploy::Printer out =
        f.fleet.json ? deploy::Printer(stderr, stderr, false) : deploy::Printer::Standard();
    CancelOnInterrupt(true);
    return ExitCodeOf(fleet::DeployFleet(plans, targets, f.options, f.fleet, out));
  }
  Database database = FindDatabase("deploy", f, loaded.directory, !f.dry_run);
  if (database.exit_code >= 0) return database.exit_code;
  const deploy::Target target = deploy::TargetFor(database.info);
  deploy::Printer out = deploy::Printer::Standard();
  if (f.dry_run) return ExitCodeOf(deploy::PrintDryRun(plans, target, f.options, out));
  out.Line(std::to_string(plans.size()) + " migration" + (plans.size() == 1 ? "" : "s") +
           " found in " + loaded.directory);
  out.Line("Datasource: " + target.conn.Redacted() + " (" + database.source + "), schema \"" +
           target.tables.schema + "\"");
  CancelOnInterrupt(false);
  return ExitCodeOf(deploy::Deploy(plans, target, f.options, out));
}

int Status(const Args& args) {
  Flags f;
  if (int code = ParseFlags("status", args, kStatusUsage, f); code >= 0) return code;
  deploy::Loaded loaded;
  if (int code = Load("status", f, loaded); code >= 0) return code;
  if (f.is_fleet()) {
    std::vector<fleet::FleetTarget> targets;
    if (int code = FleetTargets("status", f, targets); code >= 0) return code;
    deploy::Printer out =
        f.fleet.json ? deploy::Printer(stderr, stderr, false) : deploy::Printer::Standard();
    return ExitCodeOf(
        fleet::FleetStatus(deploy::DiskMigrations(loaded.set), targets, f.fleet, out));
  }
  Database database = FindDatabase("status", f, loaded.directory, true);
  if (database.exit_code >= 0) return database.exit_code;
  const deploy::Target target = deploy::TargetFor(database.info);
  deploy::Printer out = deploy::Printer::Standard();
  out.Line(std::to_string(loaded.set.migrations.size()) + " migration" +
           (loaded.set.migrations.size() == 1 ? "" : "s") + " found in " + loaded.directory +
           "; datasource " + target.conn.Redacted() + ", schema \"" + target.tables.schema + "\"");
  const int code = ExitCodeOf(deploy::ShowStatus(deploy::DiskMigrations(loaded.set), target, out));
  // What `prisma migrate status` cannot show: the contract phase held back.
  std::optional<std::vector<migrations::HeldMigration>> held = Held("status", loaded);
  if (held && !held->empty()) {
    out.Line(std::to_string(held->size()) + " contract migration" + (held->size() == 1 ? "" : "s") +
             " waiting for rollout (`lockstep contract release` once no running application "
             "uses the old shape):");
    for (const migrations::HeldMigration& h : *held) out.Line("  waiting  " + HeldLine(h));
  }
  return code;
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
  return ExitCodeOf(
      deploy::Resolve(deploy::DiskMigrations(loaded.set), applied ? f.applied : f.rolled_back,
                      applied ? deploy::ResolveAs::kApplied : deploy::ResolveAs::kRolledBack,
                      target, f.options, out));
}

}  // namespace lockstep::cli
