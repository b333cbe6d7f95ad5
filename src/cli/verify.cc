// `lockstep verify`: measure what the application feels while the pending migrations run, the
// naive way and the lockstep way, on a scratch server. See docs/verify.md.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "base/exit_codes.h"
#include "cli/commands.h"
#include "db/interrupt.h"
#include "verify/report.h"
#include "verify/runner.h"

namespace lockstep::cli {
namespace {

constexpr const char* kUsage =
    "usage: lockstep verify [PATH] [--rows N] [--clients C] [--duration S]\n"
    "                       [--long-transaction S] [--pending N | --from NAME]\n"
    "                       [--database URL [--i-know-this-is-scratch]] [--pg-version N]\n"
    "                       [--replica [URL]] [--replica-long-transaction S]\n"
    "                       [--format text|json] [--chart FILE.svg]\n"
    "\n"
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
    "requests, the longest stall and how long each table was blocked for writes and reads.\n"
    "\n"
    "  PATH                   migrations (project root, migrations dir, folder, .sql); default .\n"
    "  --rows N               rows per loaded table (default 100000)\n"
    "  --clients C            concurrent workload connections (default 8)\n"
    "  --rate R               requests per second per client (default 100)\n"
    "  --duration S           seconds of workload per run, at least (default 10)\n"
    "  --long-transaction S   hold a read transaction (a report) on the table the migration\n"
    "                         locks hardest for S seconds, started before the migration\n"
    "  --pending N            the last N migrations are pending (default 1)\n"
    "  --from NAME            the migrations from NAME on are pending\n"
    "  --database URL         use this server instead of the embedded one: verify creates and\n"
    "                         drops its own databases there and never writes to URL's database;\n"
    "                         no database there may hold user tables unless\n"
    "                         --i-know-this-is-scratch\n"
    "  --pg-version N         embedded server's major version (default 16)\n"
    "  --replica [URL]        also run the reads on a hot standby and report its stalls and\n"
    "                         replay lag; lockstep's deploy gets --replica. URL: a standby of\n"
    "                         the --database server; none: verify starts an embedded primary\n"
    "                         and a streaming standby (pg_basebackup: --pg-version 15 with\n"
    "                         Debian's PostgreSQL)\n"
    "  --replica-long-transaction S\n"
    "                         with --replica: the report held S seconds on the standby\n"
    "  --lock-timeout MS      lockstep deploy's lock timeout (default 100)\n"
    "  --threshold MS         a request slower than this counts as blocked (default 50)\n"
    "  --timeout S            cancel a migration run after S seconds (default 600)\n"
    "  --format text|json     the report's format on stdout (default text)\n"
    "  --chart FILE           write an SVG chart of latency over time for both runs\n"
    "  --keep                 keep the work directory (fixed migrations, fix and deploy logs)\n"
    "  --quiet                no progress lines on stderr\n"
    "\n"
    "Exit status: 0 when lockstep's run applied the migrations within the stall budget (the\n"
    "baseline's longest request + the lock timeout + 50 ms), with no failed request, and (its\n"
    "contract phase included) to the same schema and rows as the naive run, 1 when it did not,\n"
    "2 on bad arguments or input, 4 when the database cannot be used, 14 when interrupted\n"
    "(SIGINT, SIGTERM): verify then drops the databases it created and\n"
    "removes its work directory; a later verify removes what a killed one left on this host.\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "lockstep verify: %s\n\n%s", message.c_str(), kUsage);
  return exit_code::kUsage;
}

std::optional<double> Number(const std::string& s) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0') return std::nullopt;
  return v;
}

std::string SelfPath() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  buf[n] = '\0';
  return buf;
}

}  // namespace

int Verify(const Args& args) {
  verify::VerifyOptions o;
  std::string format = "text", chart;
  bool quiet = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    auto number = [&](double min, double max) -> std::optional<double> {
      std::optional<std::string> v = value();
      if (!v) return std::nullopt;
      std::optional<double> n = Number(*v);
      if (!n || *n < min || *n > max) return std::nullopt;
      return n;
    };
    if (a == "--help" || a == "-h") {
      std::printf("%s", kUsage);
      return exit_code::kOk;
    } else if (a == "--rows") {
      std::optional<double> n = number(1, 1e9);
      if (!n) return UsageError("--rows needs a number of rows from 1 to 1000000000");
      o.rows = static_cast<int64_t>(*n);
    } else if (a == "--clients") {
      std::optional<double> n = number(1, 64);
      if (!n) return UsageError("--clients needs a number from 1 to 64");
      o.clients = static_cast<int>(*n);
    } else if (a == "--rate") {
      std::optional<double> n = number(0.1, 100000);
      if (!n) return UsageError("--rate needs requests per second per client (0.1 to 100000)");
      o.rate_per_client = *n;
    } else if (a == "--duration") {
      std::optional<double> n = number(0.1, 3600);
      if (!n) return UsageError("--duration needs seconds (0.1 to 3600)");
      o.duration_s = *n;
    } else if (a == "--long-transaction") {
      std::optional<double> n = number(0, 3600);
      if (!n) return UsageError("--long-transaction needs seconds (0 to 3600)");
      o.long_transaction_s = *n;
    } else if (a == "--pending") {
      std::optional<double> n = number(1, 100000);
      if (!n) return UsageError("--pending needs a number of migrations");
      o.pending = static_cast<int>(*n);
    } else if (a == "--from") {
      std::optional<std::string> v = value();
      if (!v || v->empty()) return UsageError("--from needs a migration name");
      o.from = *v;
    } else if (a == "--database") {
      std::optional<std::string> v = value();
      if (!v || v->empty()) return UsageError("--database needs a URL");
      o.database_url = *v;
    } else if (a == "--replica") {
      o.replica = true;
      // The URL is optional: the next argument is taken as one when it has a scheme (`://`); a
      // PATH never does.
      if (i + 1 < args.size() && args[i + 1].find("://") != std::string::npos)
        o.replica_url = args[++i];
    } else if (a == "--replica-long-transaction") {
      std::optional<double> n = number(0, 3600);
      if (!n) return UsageError("--replica-long-transaction needs seconds (0 to 3600)");
      o.replica_long_transaction_s = *n;
    } else if (a == "--i-know-this-is-scratch") {
      o.scratch_ok = true;
    } else if (a == "--pg-version") {
      std::optional<double> n = number(11, 18);
      if (!n) return UsageError("--pg-version needs a major version from 11 to 18");
      o.pg_major = static_cast<int>(*n);
    } else if (a == "--lock-timeout") {
      std::optional<double> n = number(1, 600000);
      if (!n) return UsageError("--lock-timeout needs milliseconds");
      o.lock_timeout_ms = static_cast<int>(*n);
    } else if (a == "--threshold") {
      std::optional<double> n = number(1, 600000);
      if (!n) return UsageError("--threshold needs milliseconds");
      o.threshold_ms = *n;
    } else if (a == "--timeout") {
      std::optional<double> n = number(1, 86400);
      if (!n) return UsageError("--timeout needs seconds");
      o.timeout_s = *n;
    } else if (a == "--format") {
      std::optional<std::string> v = value();
      if (!v || (*v != "text" && *v != "json")) return UsageError("--format is text or json");
      format = *v;
    } else if (a == "--chart") {
      std::optional<std::string> v = value();
      if (!v || v->empty()) return UsageError("--chart needs a file name");
      chart = *v;
    } else if (a == "--keep") {
      o.keep = true;
    } else if (a == "--quiet") {
      quiet = true;
    } else if (!a.empty() && a[0] == '-') {
      return UsageError("unknown option " + a);
    } else {
      o.paths.push_back(a);
    }
  }
  if (o.replica_long_transaction_s > 0 && !o.replica)
    return UsageError("--replica-long-transaction needs --replica");
  if (!o.from.empty() && o.pending != 1)
    return UsageError("--pending and --from exclude each other");
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
