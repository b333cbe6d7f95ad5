// `lockstep verify`: measure what the application feels while the pending migrations run, the
// naive way and the lockstep way, on a scratch server. See docs/verify.md.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "base/exit_codes.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "db/interrupt.h"
#include "verify/report.h"
#include "verify/runner.h"

namespace lockstep::cli {
namespace {

constexpr const char* kDescription =
    "Starts a throwaway PostgreSQL, applies the already-applied part of the migration history,\n"
    "fills the tables the pending migrations touch with synthetic rows, and runs a workload of\n"
    "concurrent reads and writes on them three times: with no migration (the baseline), while\n"
    "the pending migrations are applied the naive way (each file as one transaction, no\n"
    "timeouts: what `prisma migrate deploy` does), and while they are applied the lockstep way\n"
    "(`lockstep fix` + `lockstep deploy`), on identical copies. The workload is the application\n"
    "of before the pending migrations: it keeps the old names of what they rename. Once the\n"
    "lockstep run's workload has stopped (the rollout), the contract phase fix held back is\n"
    "released and deployed, and both schemas are compared (columns, indexes, constraints,\n"
    "triggers, views, functions), then their rows by primary key. Reports latency, failed\n"
    "requests, the longest stall and how long each table was blocked for writes and reads.";

constexpr const char* kExitStatus =
    "Exit status: 0 when lockstep's run applied the migrations within the stall budget (the\n"
    "baseline's longest request + the lock timeout + 50 ms), with no failed request, and (its\n"
    "contract phase included) to the same schema and rows as the naive run, 1 when it did not,\n"
    "2 on bad arguments or input, 4 when the database cannot be used, 14 when interrupted\n"
    "(SIGINT, SIGTERM): verify then drops the databases it created and\n"
    "removes its work directory; a later verify removes what a killed one left on this host.";

const CLI::Validator kNonEmpty(
    [](const std::string& v) {
      return v.empty() ? std::string("must not be empty") : std::string();
    },
    "NONEMPTY");

std::string SelfPath() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  buf[n] = '\0';
  return buf;
}

}  // namespace

int Verify(const Args& args) {
  CLI::App app{kDescription, args[0]};
  app.footer(kExitStatus);
  verify::VerifyOptions o;
  std::string format = "text", chart;
  bool quiet = false;
  std::vector<std::string> replica;  // [] or [URL]: --replica takes an optional value
  app.add_option("PATH", o.paths,
                 "migrations (project root, migrations dir, folder, .sql); default .");
  app.add_option("--rows", o.rows, "rows per loaded table")
      ->check(CLI::Range(int64_t{1}, int64_t{1000000000}))
      ->capture_default_str();
  app.add_option("--clients", o.clients, "concurrent workload connections")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--rate", o.rate_per_client, "requests per second per client")
      ->check(CLI::Range(0.1, 100000.0))
      ->capture_default_str();
  app.add_option("--duration", o.duration_s, "seconds of workload per run, at least")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  app.add_option("--long-transaction", o.long_transaction_s,
                 "hold a read transaction (a report) on the table the migration locks hardest "
                 "for S seconds, started before the migration")
      ->check(CLI::Range(0.0, 3600.0));
  CLI::Option* pending = app.add_option("--pending", o.pending, "the last N migrations are pending")
                             ->check(CLI::Range(1, 100000))
                             ->capture_default_str();
  app.add_option("--from", o.from, "the migrations from NAME on are pending")
      ->check(kNonEmpty)
      ->excludes(pending);
  app.add_option("--database", o.database_url,
                 "use this server instead of the embedded one: verify creates and drops its own "
                 "databases there and never writes to URL's database; no database there may "
                 "hold user tables unless --i-know-this-is-scratch");
  app.add_flag("--i-know-this-is-scratch", o.scratch_ok,
               "--database's server may hold user tables");
  app.add_option("--pg-version", o.pg_major, "embedded server's major version")
      ->check(CLI::Range(11, 18))
      ->capture_default_str();
  CLI::Option* replica_option =
      app.add_option("--replica", replica,
                     "also run the reads on a hot standby and report its stalls and replay lag; "
                     "lockstep's deploy gets --replica. URL: a standby of the --database server; "
                     "none: verify starts an embedded primary and a streaming standby "
                     "(pg_basebackup: --pg-version 15 with Debian's PostgreSQL)")
          ->expected(0, 1);
  app.add_option("--replica-long-transaction", o.replica_long_transaction_s,
                 "with --replica: the report held S seconds on the standby")
      ->check(CLI::Range(0.0, 3600.0))
      ->needs(replica_option);
  app.add_option("--lock-timeout", o.lock_timeout_ms, "lockstep deploy's lock timeout (ms)")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  app.add_option("--threshold", o.threshold_ms, "a request slower than this counts as blocked (ms)")
      ->check(CLI::Range(1.0, 600000.0))
      ->capture_default_str();
  app.add_option("--timeout", o.timeout_s, "cancel a migration run after S seconds")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
  app.add_option("--format", format, "the report's format on stdout")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--chart", chart, "write an SVG chart of latency over time for both runs")
      ->check(kNonEmpty);
  app.add_flag("--keep", o.keep, "keep the work directory (fixed migrations, fix and deploy logs)");
  app.add_flag("--quiet", quiet, "no progress lines on stderr");
  if (auto code = ParseArgs(app, args)) return *code;
  o.replica = replica_option->count() > 0;
  // The URL is optional: a value without a scheme (`://`) is a PATH that followed --replica.
  // (CLI11 gives a flag-like use, `--replica` with no value, as one empty value.)
  if (!replica.empty() && !replica[0].empty()) {
    if (replica[0].find("://") != std::string::npos)
      o.replica_url = replica[0];
    else
      o.paths.insert(o.paths.begin(), replica[0]);
  }
  o.lockstep_binary = SelfPath();
  const auto started = std::chrono::steady_clock::now();
  if (!quiet)
    o.progress = [started](const std::string& line) {
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::fprintf(stderr, "[%6.1fs] %s\n", s, line.c_str());
    };

  // Ctrl-C would otherwise leave three filled databases on the user's server (or an embedded
  // server's directory) and the work directory behind.
  db::CancelAndExitOnInterrupt([](const db::Interruption& i) {
    std::fprintf(stderr, "lockstep verify: interrupted by %s; cleaning up\n", i.signal_name);
    for (const std::string& line : verify::CleanUpAfterInterrupt())
      std::fprintf(stderr, "  %s\n", line.c_str());
  });
  bool database_error = false;
  Result<verify::VerifyReport> report = verify::RunVerify(o, &database_error);
  if (!report.ok()) {
    std::fprintf(stderr, "lockstep verify: %s\n", report.status().ToString().c_str());
    return database_error ? exit_code::kDatabase : exit_code::kUsage;
  }
  if (!chart.empty()) {
    std::ofstream out(chart, std::ios::binary);
    out << verify::RenderSvg(*report);
    if (!out) {
      std::fprintf(stderr, "lockstep verify: cannot write %s\n", chart.c_str());
      return exit_code::kUsage;
    }
  }
  if (format == "json") {
    nlohmann::json j = verify::ToJson(*report);
    j["chart"] = chart.empty() ? nlohmann::json(nullptr) : nlohmann::json(chart);
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("%s", verify::RenderText(*report).c_str());
    if (!chart.empty()) std::printf("  chart: %s\n", chart.c_str());
    if (!report->work_dir.empty()) std::printf("  work directory: %s\n", report->work_dir.c_str());
  }
  // Different schemas mean lockstep's rewrite changed what the migration produces; they only
  // count when the naive run applied (when it failed, the schemas differ for that reason).
  const bool same_result =
      (report->schemas_match && report->values_match) || !report->naive.migration_ok;
  // A request of the old application that fails during lockstep's expand phase is downtime too.
  const bool passed = report->lockstep.migration_ok && report->contract.ok &&
                      report->lockstep.stats.failed == 0 && verify::WithinBudget(*report) &&
                      same_result;
  return passed ? exit_code::kOk : exit_code::kFindings;
}

}  // namespace lockstep::cli
