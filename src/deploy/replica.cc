#include "deploy/replica.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/exit_codes.h"
#include "deploy/options.h"
#include "deploy/runner.h"

namespace lockstep::deploy {
namespace {

using Clock = std::chrono::steady_clock;

std::string Qualified(const sql::QName& q, const std::string& default_schema) {
  return db::QuoteIdent(q.schema.empty() ? default_schema : q.schema) + "." +
         db::QuoteIdent(q.name);
}

}  // namespace

std::string FormatReplicaBlockers(const std::vector<ReplicaBlocker>& blockers) {
  std::string out;
  for (size_t i = 0; i < blockers.size() && i < 3; ++i) {
    if (i) out += "; ";
    out += "replica " + blockers[i].replica + ": " + FormatBlockers({blockers[i].session});
  }
  if (blockers.size() > 3) out += "; and " + std::to_string(blockers.size() - 3) + " more";
  return out;
}

Result<std::unique_ptr<Replicas>> Replicas::Open(const std::vector<db::ConnInfo>& replicas,
                                                 int64_t query_timeout_ms, int* exit_code) {
  std::unique_ptr<Replicas> out(new Replicas());
  auto fail = [&](int code, const std::string& message) -> Status {
    if (exit_code) *exit_code = code;
    return Status::Error(message);
  };
  for (const db::ConnInfo& info : replicas) {
    const std::string name = info.Redacted();
    db::ConnectOptions options;
    options.application_name = "lockstep deploy (replica check)";
    db::DbResult<db::Connection> conn = db::Connect(info, options);
    if (!conn.ok()) {
      return fail(ExitCodeFor(conn.error()),
                  "replica " + name + " is unreachable: " + conn.error().OneLine());
    }
    // Read-only and bounded: lockstep only looks at a replica.
    db::DbResult<db::Rows> setup =
        conn->Exec("SET statement_timeout = " + PgDuration(query_timeout_ms) +
                   "; SET default_transaction_read_only = on");
    if (!setup.ok())
      return fail(exit_code::kDatabase, "replica " + name + ": " + setup.error().OneLine());
    db::DbResult<db::Rows> r = conn->Exec(
        "SELECT pg_catalog.pg_is_in_recovery()::text, current_user, "
        "pg_catalog.pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')::text");
    if (!r.ok() || r->empty())
      return fail(exit_code::kDatabase,
                  "replica " + name + ": " + (r.ok() ? "no answer" : r.error().OneLine()));
    const auto& row = r->rows[0];
    if (row[0] != std::optional<std::string>("true")) {
      return fail(exit_code::kUsage,
                  "replica " + name +
                      " is not a standby (pg_is_in_recovery() is false): --replica takes the URL "
                      "of a hot standby of the database being migrated");
    }
    if (row[2] != std::optional<std::string>("true")) {
      const std::string role = row[1].value_or("?");
      return fail(exit_code::kUsage,
                  "replica " + name + ": role \"" + role +
                      "\" cannot see other sessions' locks and queries there; grant it pg_monitor "
                      "on the primary (GRANT pg_monitor TO " +
                      db::QuoteIdent(role) + ") or use a role that has it");
    }
    out->replicas_.push_back({name, std::move(conn).value()});
  }
  return out;
}

Result<std::vector<ReplicaBlocker>> Replicas::Blockers(const std::vector<sql::QName>& relations,
                                                       const std::string& default_schema) {
  std::vector<ReplicaBlocker> out;
  if (relations.empty()) return out;
  nlohmann::json names = nlohmann::json::array();
  for (const sql::QName& q : relations) names.push_back(Qualified(q, default_schema));
  // A relation lock is held to the end of the transaction that took it, so an open transaction
  // that read the table shows here for as long as the replay would wait for it. Only client
  // sessions: the startup process holds the locks it is replaying.
  const std::string sql =
      "SELECT a.pid::text, coalesce(a.state, '') || CASE WHEN l.granted THEN '' ELSE "
      "', waiting for ' || l.mode || ' on ' || l.relation::regclass::text END, "
      "coalesce(a.application_name, ''), "
      "left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 100), "
      "extract(epoch FROM clock_timestamp() - coalesce(a.xact_start, a.query_start, "
      "a.backend_start))::float8::text, "
      "CASE WHEN l.granted THEN l.mode || ' on ' || l.relation::regclass::text ELSE '' END "
      "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'relation' AND a.backend_type = 'client backend' "
      "AND l.pid <> pg_catalog.pg_backend_pid() "
      "AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = "
      "current_database()) "
      "AND l.relation IN (SELECT pg_catalog.to_regclass(n) FROM "
      "pg_catalog.jsonb_array_elements_text($1::jsonb) n) "
      "ORDER BY 5::float8 DESC";
  for (Replica& r : replicas_) {
    db::DbResult<db::Rows> rows = r.conn.Exec(sql, {names.dump()});
    if (!rows.ok())
      return Status::Error("replica " + r.name +
                           ": looking for readers: " + rows.error().OneLine());
    for (const auto& row : rows->rows) {
      ReplicaBlocker b;
      b.replica = r.name;
      b.session.pid = std::atoi(row[0].value_or("0").c_str());
      b.session.state = row[1].value_or("");
      b.session.application = row[2].value_or("");
      b.session.query = row[3].value_or("");
      b.session.seconds = std::atof(row[4].value_or("0").c_str());
      b.session.lock = row[5].value_or("");
      out.push_back(std::move(b));
    }
  }
  return out;
}

Result<std::vector<int64_t>> Replicas::LagMs(const std::string& primary_lsn) {
  std::vector<int64_t> out;
  for (Replica& r : replicas_) {
    db::DbResult<db::Rows> rows = r.conn.Exec(
        "SELECT CASE WHEN pg_catalog.pg_last_wal_replay_lsn() >= $1::pg_lsn THEN 0 ELSE "
        "coalesce((extract(epoch FROM now() - pg_catalog.pg_last_xact_replay_timestamp()) * "
        "1000)::bigint, 1) END::text",
        {primary_lsn});
    if (!rows.ok() || rows->empty())
      return Status::Error("replica " + r.name + ": reading its replay lag: " +
                           (rows.ok() ? std::string("no answer") : rows.error().OneLine()));
    out.push_back(std::max<int64_t>(0, std::atoll(rows->rows[0][0].value_or("0").c_str())));
  }
  return out;
}

Result<std::string> PrimaryLsn(db::Connection& primary) {
  db::DbResult<db::Rows> r = primary.Exec("SELECT pg_catalog.pg_current_wal_insert_lsn()::text");
  if (!r.ok() || r->empty())
    return Status::Error("reading the primary's WAL position: " +
                         (r.ok() ? std::string("no answer") : r.error().OneLine()));
  return r->rows[0][0].value_or("0/0");
}

Status WaitForReplicas(Replicas& replicas, db::Connection& primary, int64_t max_lag_ms,
                       int64_t deadline_ms, Printer& out) {
  const Clock::time_point start = Clock::now();
  bool told = false;
  while (true) {
    Result<std::string> lsn = PrimaryLsn(primary);
    if (!lsn.ok()) return lsn.status();
    Result<std::vector<int64_t>> lags = replicas.LagMs(*lsn);
    if (!lags.ok()) return lags.status();
    size_t worst = 0;
    for (size_t i = 1; i < lags->size(); ++i)
      if ((*lags)[i] > (*lags)[worst]) worst = i;
    if (lags->empty() || (*lags)[worst] <= max_lag_ms) {
      if (told)
        out.Line("  replicas caught up after " +
                 FormatDuration(
                     std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start)
                         .count()));
      return Status::Ok();
    }
    const int64_t waited =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    const std::string lag = "replica " + replicas.name(worst) + " replays " +
                            FormatDuration((*lags)[worst]) + " behind the primary";
    if (waited >= deadline_ms) {
      return Status::Error(lag + ", above --max-replica-lag " + FormatDuration(max_lag_ms) +
                           ", after waiting " + FormatDuration(waited));
    }
    if (!told) {
      out.Line("  pausing: " + lag + " (--max-replica-lag " + FormatDuration(max_lag_ms) + ")");
      told = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace lockstep::deploy
