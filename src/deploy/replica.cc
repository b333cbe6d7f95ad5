#include "deploy/replica.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <thread>

#include "base/quote.h"
#include "deploy/options.h"
#include "deploy/runner.h"

namespace lockstep::deploy {
namespace {

using Clock = std::chrono::steady_clock;

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
                                                 const std::string& database,
                                                 int64_t query_timeout_ms) {
  std::unique_ptr<Replicas> out(new Replicas());
  for (const db::ConnInfo& info : replicas) {
    const std::string name = info.Redacted();
    db::ConnectOptions options;
    options.application_name = "lockstep deploy (replica check)";
    db::DbResult<db::Connection> conn = db::Connect(info, options);
    if (!conn.ok()) {
      return Status::WithCode(ConnectFailureCode(conn.error()),
                              "replica " + name + " is unreachable: " + conn.error().OneLine());
    }
    // Read-only and bounded: lockstep only looks at a replica.
    db::DbResult<db::Rows> setup =
        conn->Exec("SET statement_timeout = " + PgDuration(query_timeout_ms) +
                   "; SET default_transaction_read_only = on");
    if (!setup.ok()) return Status::Database("replica " + name + ": " + setup.error().OneLine());
    db::DbResult<db::Rows> r = conn->Exec("SELECT pg_catalog.pg_is_in_recovery()::text");
    if (!r.ok() || r->empty())
      return Status::Database("replica " + name + ": " +
                              (r.ok() ? "no answer" : r.error().OneLine()));
    if (r->rows[0][0] != std::optional<std::string>("true")) {
      return Status::Error(
          "replica " + name +
          " is not a standby (pg_is_in_recovery() is false): --replica takes the URL "
          "of a hot standby of the database being migrated");
    }
    db::DbResult<db::Rows> db_name = conn->Exec("SELECT pg_catalog.current_database()");
    if (!db_name.ok() || db_name->empty())
      return Status::Database(
          "replica " + name + ": " +
          (db_name.ok() ? std::string("no answer") : db_name.error().OneLine()));
    if (db_name->rows[0][0].value_or("") != database) {
      return Status::Error("replica " + name +
                           " is not the database being migrated (it is connected to \"" +
                           db_name->rows[0][0].value_or("") + "\", the primary to \"" + database +
                           "\"): --replica takes the URL of the standby's copy of that database");
    }
    db::DbResult<SessionVisibility> visibility = ReadSessionVisibility(*conn);
    if (!visibility.ok())
      return Status::Database("replica " + name + ": " + visibility.error().OneLine());
    if (!visibility->sees_others) {
      const std::string& role = visibility->role;
      return Status::Error(
          "replica " + name + ": role \"" + role +
          "\" cannot see other sessions' locks and queries there; grant it pg_monitor "
          "on the primary (GRANT pg_monitor TO " +
          QuoteIdent(role) + ") or use a role that has it");
    }
    db::DbResult<db::Rows> feedback = conn->Exec("SHOW hot_standby_feedback");
    if (!feedback.ok() || feedback->empty())
      return Status::Database(
          "replica " + name + ": " +
          (feedback.ok() ? std::string("no answer") : feedback.error().OneLine()));
    out->replicas_.push_back(
        {name, std::move(conn).value(), feedback->rows[0][0] == std::optional<std::string>("on")});
  }
  return out;
}

Result<std::vector<ReplicaBlocker>> Replicas::Blockers(const std::vector<sql::QName>& relations,
                                                       const std::string& default_schema) {
  std::vector<ReplicaBlocker> out;
  if (relations.empty()) return out;
  std::vector<std::string> names;
  for (const sql::QName& q : relations) names.push_back(Qualified(q, default_schema));
  for (Replica& r : replicas_) {
    db::DbResult<std::vector<Blocker>> sessions = SessionsLocking(r.conn, names);
    if (!sessions.ok())
      return Status::Database("replica " + r.name +
                              ": looking for readers: " + sessions.error().OneLine());
    for (Blocker& b : *sessions) out.push_back({r.name, std::move(b)});
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
      return Status::Database("replica " + r.name + ": reading its replay lag: " +
                              (rows.ok() ? std::string("no answer") : rows.error().OneLine()));
    out.push_back(std::max<int64_t>(0, std::atoll(rows->rows[0][0].value_or("0").c_str())));
  }
  return out;
}

Result<std::optional<std::pair<size_t, int64_t>>> Replicas::NotReplayed(const std::string& lsn) {
  for (size_t i = 0; i < replicas_.size(); ++i) {
    db::DbResult<db::Rows> rows = replicas_[i].conn.Exec(
        "SELECT (pg_catalog.pg_last_wal_replay_lsn() >= $1::pg_lsn)::text, "
        "coalesce((extract(epoch FROM now() - pg_catalog.pg_last_xact_replay_timestamp()) * "
        "1000)::bigint, 1)::text",
        {lsn});
    if (!rows.ok() || rows->empty())
      return Status::Database("replica " + replicas_[i].name + ": reading its replay position: " +
                              (rows.ok() ? std::string("no answer") : rows.error().OneLine()));
    if (rows->rows[0][0] != std::optional<std::string>("true"))
      return std::optional<std::pair<size_t, int64_t>>(std::make_pair(
          i, std::max<int64_t>(1, std::atoll(rows->rows[0][1].value_or("1").c_str()))));
  }
  return std::optional<std::pair<size_t, int64_t>>();
}

std::vector<std::string> Replicas::WithoutFeedback() const {
  std::vector<std::string> out;
  for (const Replica& r : replicas_)
    if (!r.feedback) out.push_back(r.name);
  return out;
}

Result<std::unique_ptr<SnapshotHold>> SnapshotHold::Take(const db::ConnInfo& primary,
                                                         int64_t idle_timeout_ms,
                                                         int64_t query_timeout_ms) {
  db::ConnectOptions options;
  options.application_name = "lockstep deploy (snapshot for replicas)";
  options.idle_in_transaction_timeout_ms =
      static_cast<int>(std::min<int64_t>(idle_timeout_ms, std::numeric_limits<int>::max()));
  db::DbResult<db::Connection> conn = db::Connect(primary, options);
  if (!conn.ok()) return Status::Error(conn.error().OneLine());
  // `SELECT 1` reads no relation, so the transaction takes its snapshot and no table lock.
  db::DbResult<db::Rows> r =
      conn->Exec("SET statement_timeout = " + PgDuration(query_timeout_ms) +
                 "; BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT 1");
  if (!r.ok()) return Status::Error(r.error().OneLine());
  return std::unique_ptr<SnapshotHold>(new SnapshotHold(std::move(conn).value()));
}

Status SnapshotHold::Renew() {
  if (released_) return Status::Error("the snapshot was released");
  db::DbResult<db::Rows> r = conn_.Exec("SELECT 1");
  if (!r.ok()) return Status::Error(r.error().OneLine());
  return Status::Ok();
}

void SnapshotHold::Release() {
  if (released_) return;
  released_ = true;
  if (conn_.is_open()) conn_.Exec("ROLLBACK");
  conn_.Close();
}

Result<std::string> PrimaryLsn(db::Connection& primary) {
  db::DbResult<db::Rows> r = primary.Exec("SELECT pg_catalog.pg_current_wal_insert_lsn()::text");
  if (!r.ok() || r->empty())
    return Status::Database("reading the primary's WAL position: " +
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
      return Status::TimedOut(lag + ", above --max-replica-lag " + FormatDuration(max_lag_ms) +
                              ", after waiting " + FormatDuration(waited));
    }
    if (!told) {
      out.Line("  pausing: " + lag + " (--max-replica-lag " + FormatDuration(max_lag_ms) + ")");
      told = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Status WaitForReplay(Replicas& replicas, const std::string& lsn, int64_t quiet_ms,
                     int64_t deadline_ms, Printer& out) {
  const Clock::time_point start = Clock::now();
  bool told = false;
  while (true) {
    Result<std::optional<std::pair<size_t, int64_t>>> behind = replicas.NotReplayed(lsn);
    if (!behind.ok()) return behind.status();
    const int64_t waited =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    if (!*behind) {
      if (told) out.Line("  replicas caught up after " + FormatDuration(waited));
      return Status::Ok();
    }
    const std::string what = "replica " + replicas.name((*behind)->first) +
                             " has not replayed the last batch (" +
                             FormatDuration((*behind)->second) + " behind the primary)";
    if (waited >= deadline_ms) {
      return Status::TimedOut(what + " after waiting " + FormatDuration(waited));
    }
    if (!told && waited >= quiet_ms) {
      out.Line("  pausing: " + what);
      told = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace lockstep::deploy
