#include "deploy/preflight.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "base/quote.h"
#include "base/status.h"

namespace lockstep::deploy {
namespace {

// Each preflight query is a catalog read: a server that takes longer is too loaded to wait for.
constexpr int64_t kQueryTimeoutMs = 5000;
constexpr int64_t kLockTimeoutMs = 1000;
// Items listed per kind; the rest are counted.
constexpr size_t kShown = 10;

bool Contains(const std::vector<Blocker>& list, int pid) {
  return std::any_of(list.begin(), list.end(), [pid](const Blocker& b) { return b.pid == pid; });
}

int64_t ToInt(const std::optional<std::string>& v) { return v ? std::atoll(v->c_str()) : 0; }

}  // namespace

PreflightScope ScopeOf(const std::vector<const MigrationPlan*>& pending,
                       const std::string& default_schema) {
  PreflightScope scope;
  for (const MigrationPlan* plan : pending) {
    for (const Step& step : plan->steps) {
      scope.backfill = scope.backfill || step.kind == StepKind::kBackfill;
      for (const PlannedStatement& s : step.statements) {
        scope.waits_for_older_transactions =
            scope.waits_for_older_transactions || s.waits_for_older_transactions;
        for (const sql::QName& q : s.strong_locks()) {
          const std::string name = Qualified(q, default_schema);
          if (std::find(scope.tables.begin(), scope.tables.end(), name) == scope.tables.end())
            scope.tables.push_back(name);
        }
      }
    }
  }
  return scope;
}

PreflightReport RunPreflight(db::Connection& conn, const PreflightScope& scope, Replicas* replicas,
                             const Options& options) {
  PreflightReport report;
  // Tables a pending migration creates do not exist yet: SessionsLocking skips them.
  db::DbResult<db::Rows> begin =
      conn.Exec("BEGIN READ ONLY; SET LOCAL statement_timeout = " + PgDuration(kQueryTimeoutMs) +
                "; SET LOCAL lock_timeout = " + PgDuration(kLockTimeoutMs));
  if (!begin.ok()) {
    report.failed_checks.push_back("starting a read-only transaction: " + begin.error().OneLine());
    conn.Exec("ROLLBACK");
    return report;
  }
  if (db::DbResult<SessionVisibility> v = ReadSessionVisibility(conn); !v.ok()) {
    report.failed_checks.push_back("reading the role's privileges: " + v.error().OneLine());
  } else if (!v->sees_others) {
    report.blind_role = v->role;
  }
  const double min_age = options.preflight_transaction_age_ms / 1000.0;
  if (!scope.tables.empty()) {
    db::DbResult<std::vector<Blocker>> sessions = SessionsLocking(conn, scope.tables);
    if (!sessions.ok()) {
      report.failed_checks.push_back("sessions on the tables: " + sessions.error().OneLine());
    } else {
      // One line per session: its first lock row is its longest-held, enough to say why.
      for (const Blocker& b : *sessions)
        if (b.seconds >= min_age && !Contains(report.on_tables, b.pid))
          report.on_tables.push_back(b);
    }
  }
  if (scope.waits_for_older_transactions) {
    db::DbResult<std::vector<Blocker>> old =
        OldTransactions(conn, options.preflight_transaction_age_ms);
    if (!old.ok()) {
      report.failed_checks.push_back("old transactions: " + old.error().OneLine());
    } else {
      for (const Blocker& b : *old)
        if (!Contains(report.on_tables, b.pid)) report.old_transactions.push_back(b);
    }
  }
  // restart_lsn is the oldest WAL the slot keeps; NULL: it keeps none (never reserved, or lost).
  db::DbResult<db::Rows> slots = conn.Exec(
      "SELECT slot_name::text, slot_type, active::text, "
      "pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), restart_lsn)::bigint::text "
      "FROM pg_catalog.pg_replication_slots WHERE restart_lsn IS NOT NULL "
      "AND (NOT active OR pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), "
      "restart_lsn) > $1::bigint) ORDER BY 4::bigint DESC, 1",
      {std::to_string(options.preflight_slot_wal_bytes)});
  if (!slots.ok()) {
    report.failed_checks.push_back("replication slots: " + slots.error().OneLine());
  } else {
    for (const auto& row : slots->rows) {
      SlotRetainingWal s;
      s.name = row[0].value_or("");
      s.type = row[1].value_or("");
      s.active = row[2] == std::optional<std::string>("true");
      s.retained_bytes = ToInt(row[3]);
      report.slots.push_back(std::move(s));
    }
  }
  // Inside the transaction: the primary's WAL position is read under its statement_timeout too.
  if (replicas && replicas->size() > 0) {
    Result<std::string> lsn = PrimaryLsn(conn);
    Result<std::vector<int64_t>> lags =
        lsn.ok() ? replicas->LagMs(*lsn) : Result<std::vector<int64_t>>(lsn.status());
    if (!lags.ok()) {
      report.failed_checks.push_back(lags.status().message());
    } else {
      for (size_t i = 0; i < lags->size(); ++i)
        report.replica_lags.push_back({replicas->name(i), (*lags)[i]});
    }
  }
  conn.Exec("COMMIT");
  if (replicas && scope.backfill) report.replicas_without_feedback = replicas->WithoutFeedback();
  return report;
}

int PreflightProblems(const PreflightReport& report, const Options& options) {
  int n = static_cast<int>(report.on_tables.size() + report.old_transactions.size() +
                           report.slots.size() + report.failed_checks.size());
  for (const ReplicaLag& l : report.replica_lags)
    if (l.lag_ms > options.max_replica_lag_ms) ++n;
  if (report.blind_role) ++n;
  return n;
}

std::vector<std::string> FormatPreflight(const PreflightReport& report, const Options& options) {
  std::vector<std::string> lines;
  const std::string age = FormatDuration(options.preflight_transaction_age_ms);
  auto sessions = [&](const std::vector<Blocker>& list, const std::string& why) {
    for (size_t i = 0; i < list.size() && i < kShown; ++i)
      lines.push_back("  " + FormatBlockers({list[i]}) + why);
    if (list.size() > kShown)
      lines.push_back("  and " + std::to_string(list.size() - kShown) + " more");
  };
  sessions(report.on_tables,
           " -- its transaction (open " + age +
               " or more) holds or waits for a lock on a table the migrations lock: they wait "
               "for it to end");
  sessions(report.old_transactions,
           " -- open " + age +
               " or more: a concurrent index build waits for every older transaction of the "
               "database");
  for (const SlotRetainingWal& s : report.slots) {
    lines.push_back("  replication slot \"" + s.name + "\" (" + s.type + ", " +
                    (s.active ? "active" : "inactive") + ") retains " +
                    FormatBytes(s.retained_bytes) +
                    " of WAL: what the migrations write piles up on the primary's disk until "
                    "its consumer reads it" +
                    (s.active ? "" : " (no consumer connected: drop the slot if it is unused)"));
  }
  for (const ReplicaLag& l : report.replica_lags) {
    if (l.lag_ms > options.max_replica_lag_ms)
      lines.push_back("  replica " + l.replica + " replays " + FormatDuration(l.lag_ms) +
                      " behind the primary (--max-replica-lag " +
                      FormatDuration(options.max_replica_lag_ms) + ")");
  }
  for (const std::string& f : report.failed_checks) lines.push_back("  could not check: " + f);
  if (report.blind_role)
    lines.push_back("  role \"" + *report.blind_role +
                    "\" cannot see other roles' sessions (no pg_monitor / pg_read_all_stats): "
                    "their transactions are not checked; GRANT pg_monitor TO " +
                    QuoteIdent(*report.blind_role));
  return lines;
}

StatusCode Preflight(db::Connection& conn, const std::vector<const MigrationPlan*>& pending,
                     const std::string& default_schema, Replicas* replicas, const Options& options,
                     Printer& out) {
  if (options.preflight == PreflightMode::kOff) return StatusCode::kOk;
  const PreflightReport report =
      RunPreflight(conn, ScopeOf(pending, default_schema), replicas, options);
  for (const std::string& r : report.replicas_without_feedback)
    out.Line("Preflight note: replica " + r +
             " has hot_standby_feedback off: the batched backfill holds a snapshot on the "
             "primary while it runs, so the database's dead rows (the backfill's and the "
             "application's) stay until it ends (docs/replicas.md, \"The lag bound\")");
  const int problems = PreflightProblems(report, options);
  const bool strict = options.preflight == PreflightMode::kStrict;
  const std::string mode = strict ? "strict" : "warn";
  if (problems == 0) {
    std::string lags;
    for (const ReplicaLag& l : report.replica_lags)
      lags += (lags.empty() ? "; replica lag " : ", ") + FormatDuration(l.lag_ms);
    out.Line("Preflight: nothing in the way" + lags);
    return StatusCode::kOk;
  }
  out.Line("Preflight (--preflight " + mode + "): " + std::to_string(problems) +
           (problems == 1 ? " thing" : " things") + " would hurt this deploy:");
  for (const std::string& line : FormatPreflight(report, options)) out.Line(line);
  if (!strict) return StatusCode::kOk;
  out.Error("lockstep deploy: error: --preflight strict: refused to start (" +
            std::to_string(problems) + (problems == 1 ? " problem" : " problems") +
            " above). Nothing was applied: deal with them, or run with --preflight warn.");
  return StatusCode::kPreflightRefused;
}

std::vector<std::string> DescribePreflight(const std::vector<const MigrationPlan*>& plans,
                                           const std::string& default_schema,
                                           const Options& options) {
  if (options.preflight == PreflightMode::kOff) return {"-- preflight: off (--preflight off)"};
  const PreflightScope scope = ScopeOf(plans, default_schema);
  const std::string age = FormatDuration(options.preflight_transaction_age_ms);
  std::vector<std::string> lines;
  lines.push_back(std::string("-- preflight (--preflight ") +
                  (options.preflight == PreflightMode::kStrict ? "strict" : "warn") +
                  "), read-only, before the first statement of the pending migrations; it "
                  "reports:");
  std::string tables;
  for (const std::string& t : scope.tables) tables += (tables.empty() ? "" : ", ") + t;
  if (!tables.empty())
    lines.push_back("--   transactions open " + age + " or more holding or waiting for a lock on " +
                    tables + " (--preflight-age)");
  if (scope.waits_for_older_transactions)
    lines.push_back("--   transactions open " + age +
                    " or more anywhere in the database (a concurrent build waits for them)");
  lines.push_back("--   replication slots retaining WAL: inactive ones, active ones above " +
                  FormatBytes(options.preflight_slot_wal_bytes) + " (--preflight-slot-wal)");
  if (!options.replicas.empty())
    lines.push_back("--   replicas replaying more than " +
                    FormatDuration(options.max_replica_lag_ms) + " behind (--max-replica-lag)");
  lines.push_back("--   a role that cannot see other roles' sessions (no pg_monitor)");
  lines.push_back(options.preflight == PreflightMode::kStrict
                      ? "-- and refuses to start (exit 16) when it finds any of these."
                      : "-- and goes on (--preflight strict refuses to start instead).");
  return lines;
}

}  // namespace lockstep::deploy
