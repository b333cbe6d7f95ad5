#include "deploy/monitor.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/quote.h"

namespace lockstep::deploy {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kFirstLook{25};
constexpr milliseconds kFastPoll{25};   // while a lock wait of ~lock_timeout may be under way
constexpr milliseconds kSlowPoll{250};  // once the statement has run for a second
constexpr milliseconds kTtyRedraw{200};

// The columns of a Blocker, from pg_stat_activity a.
constexpr const char* kSessionColumns =
    "a.pid, coalesce(a.state, ''), coalesce(a.application_name, ''), "
    "left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 120), "
    "extract(epoch FROM clock_timestamp() - coalesce(a.xact_start, a.query_start, "
    "a.backend_start))::float8";

// An ungranted request of pg_locks w for the migration lock of this database (the lock a
// bigint key names: classid = high half, objid = low half, objsubid = 1).
const std::string kWaitsForMigrationLock =
    "NOT w.granted AND w.locktype = 'advisory' AND w.classid = 0 AND w.objid = " +
    std::to_string(kAdvisoryLockKey) +
    " AND w.objsubid = 1 AND w.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname "
    "= pg_catalog.current_database())";

// The sixth column: does the blocker wait for the migration lock (runner.cc holds it)?
const std::string kBlockersSql =
    std::string("SELECT ") + kSessionColumns +
    ", EXISTS (SELECT 1 FROM pg_catalog.pg_locks w WHERE w.pid = a.pid AND " +
    kWaitsForMigrationLock +
    ")::text FROM pg_catalog.pg_stat_activity a WHERE a.pid = ANY "
    "(pg_catalog.pg_blocking_pids($1)) ORDER BY 5 DESC";

// The lock the deployer's backend waits for (at most one), and for how long.
constexpr const char* kWaitSql =
    "SELECT locktype, coalesce(waitstart::text, ''), coalesce((extract(epoch FROM "
    "clock_timestamp() - waitstart) * 1000)::int8, 0)::text FROM pg_catalog.pg_locks "
    "WHERE pid = $1 AND NOT granted LIMIT 1";

double ToDouble(const std::optional<std::string>& v) { return v ? std::atof(v->c_str()) : 0; }
long long ToLong(const std::optional<std::string>& v) { return v ? std::atoll(v->c_str()) : 0; }

// The sixth column, when present, is Blocker::lock (LockHolders) or, for kBlockersSql,
// Blocker::waits_for_migration_lock.
enum class Sixth { kLock, kWaitsForMigrationLock };

std::vector<Blocker> ToBlockers(const db::Rows& rows, Sixth sixth) {
  std::vector<Blocker> out;
  for (const auto& r : rows.rows) {
    Blocker b;
    b.pid = static_cast<int>(ToLong(r[0]));
    b.state = r[1].value_or("");
    b.application = r[2].value_or("");
    b.query = MaskPasswords(r[3].value_or(""));
    b.seconds = ToDouble(r[4]);
    if (r.size() > 5 && sixth == Sixth::kLock) b.lock = r[5].value_or("");
    if (r.size() > 5 && sixth == Sixth::kWaitsForMigrationLock)
      b.waits_for_migration_lock = r[5] == std::optional<std::string>("true");
    out.push_back(std::move(b));
  }
  return out;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", s);
  return buf;
}

}  // namespace

std::string MaskPasswords(std::string query) {
  std::string lower = query;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  size_t at = 0;
  while ((at = lower.find("password", at)) != std::string::npos) {
    size_t q = at + 8;
    while (q < query.size() && (query[q] == ' ' || query[q] == '\t')) ++q;
    const bool literal =
        q < query.size() &&
        (query[q] == '\'' || query[q] == '$' ||
         ((query[q] == 'E' || query[q] == 'e') && q + 1 < query.size() && query[q + 1] == '\''));
    if (literal) {
      // A dollar-quoted literal's tag is not parsed: the rest of the query is masked.
      const size_t open = query[q] == '\'' ? q : q + 1;
      size_t close = query[q] == '$' ? std::string::npos : query.find('\'', open + 1);
      while (close != std::string::npos && close + 1 < query.size() && query[close + 1] == '\'')
        close = query.find('\'', close + 2);  // a doubled quote is part of the literal
      const size_t stop = close == std::string::npos ? query.size() : close + 1;
      query.replace(q, stop - q, "'****'");
      lower.replace(q, stop - q, "'****'");
      at = q + 6;
    } else {
      at = q;
    }
  }
  return query;
}

std::string FormatBlockers(const std::vector<Blocker>& blockers) {
  std::string out;
  for (size_t i = 0; i < blockers.size() && i < 3; ++i) {
    const Blocker& b = blockers[i];
    if (i) out += "; ";
    out += "pid " + std::to_string(b.pid) + " (";
    out += b.state.empty() ? std::string("session") : b.state;
    out += " for " + Seconds(b.seconds);
    if (!b.application.empty()) out += ", " + b.application;
    if (!b.lock.empty()) out += ", holds " + b.lock;
    out += ")";
    if (!b.query.empty()) out += ": " + b.query;
  }
  if (blockers.size() > 3) out += "; and " + std::to_string(blockers.size() - 3) + " more";
  return out;
}

db::DbResult<std::vector<Blocker>> LockHolders(db::Connection& conn,
                                               const std::vector<sql::QName>& relations) {
  std::string names = "{";
  for (size_t i = 0; i < relations.size(); ++i) {
    const std::string q = QuoteQualified(relations[i].schema, relations[i].name);
    std::string element = "\"";
    for (char c : q) {
      if (c == '"' || c == '\\') element += '\\';
      element += c;
    }
    names += (i ? "," : "") + element + "\"";
  }
  names += "}";
  db::DbResult<db::Rows> rows = conn.Exec(
      "SELECT DISTINCT ON (a.pid) a.pid, coalesce(a.state, ''), coalesce(a.application_name, ''), "
      "left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 120), "
      "extract(epoch FROM clock_timestamp() - coalesce(a.xact_start, a.query_start, "
      "a.backend_start))::float8, l.mode || ' on ' || l.relation::regclass::text "
      "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.granted AND l.pid <> pg_catalog.pg_backend_pid() AND l.relation IN "
      "(SELECT pg_catalog.to_regclass(x) FROM unnest($1::text[]) x) ORDER BY a.pid",
      {names});
  if (!rows.ok()) return rows.error();
  return ToBlockers(*rows, Sixth::kLock);
}

db::DbResult<std::vector<Blocker>> SessionsLocking(db::Connection& conn,
                                                   const std::vector<std::string>& qualified) {
  if (qualified.empty()) return std::vector<Blocker>();
  nlohmann::json names = nlohmann::json::array();
  for (const std::string& q : qualified) names.push_back(q);
  // A relation lock is held to the end of the transaction that took it, so an open transaction
  // that read the table shows here for as long as a lock request would wait for it. Only client
  // sessions: on a standby, the startup process holds the locks it is replaying.
  db::DbResult<db::Rows> rows = conn.Exec(
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
      "ORDER BY 5::float8 DESC",
      {names.dump()});
  if (!rows.ok()) return rows.error();
  return ToBlockers(*rows, Sixth::kLock);
}

db::DbResult<std::vector<Blocker>> OldTransactions(db::Connection& conn, int64_t min_age_ms) {
  db::DbResult<db::Rows> rows = conn.Exec(
      std::string("SELECT ") + kSessionColumns +
          " FROM pg_catalog.pg_stat_activity a WHERE a.datname = pg_catalog.current_database() "
          "AND a.backend_type = 'client backend' AND a.pid <> pg_catalog.pg_backend_pid() "
          "AND a.xact_start <= clock_timestamp() - $1::bigint * interval '1 millisecond' "
          "ORDER BY 5 DESC",
      {std::to_string(min_age_ms)});
  if (!rows.ok()) return rows.error();
  return ToBlockers(*rows, Sixth::kLock);
}

db::DbResult<SessionVisibility> ReadSessionVisibility(db::Connection& conn) {
  db::DbResult<db::Rows> r = conn.Exec(
      "SELECT current_user, "
      "pg_catalog.pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')::text");
  if (!r.ok()) return r.error();
  SessionVisibility v;
  if (r->empty()) return v;
  v.role = r->rows[0][0].value_or("?");
  v.sees_others = r->rows[0][1] == std::optional<std::string>("true");
  return v;
}

db::DbResult<std::vector<Blocker>> MigrationLockWaiters(db::Connection& conn) {
  db::DbResult<db::Rows> rows = conn.Exec(
      std::string("SELECT ") + kSessionColumns +
      ", 'true' FROM pg_catalog.pg_locks w JOIN pg_catalog.pg_stat_activity a ON a.pid "
      "= w.pid WHERE " +
      kWaitsForMigrationLock + " AND w.pid <> pg_catalog.pg_backend_pid() ORDER BY 5 DESC");
  if (!rows.ok()) return rows.error();
  return ToBlockers(*rows, Sixth::kWaitsForMigrationLock);
}

Monitor::Monitor(db::ConnInfo info, int deployer_pid, Printer& printer, const Options& options,
                 std::function<bool()> cancel)
    : info_(std::move(info)),
      deployer_pid_(deployer_pid),
      printer_(printer),
      options_(options),
      cancel_(std::move(cancel)) {
  thread_ = std::thread([this] { Loop(); });
}

Monitor::~Monitor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Monitor::Start(const PlannedStatement& s, std::optional<WaitBounds> bounds) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    current_ = s;
    started_ = Clock::now();
    ++generation_;
    active_ = true;
    blockers_.clear();
    bounds_ = bounds;
    verdict_ = Verdict{};
  }
  cv_.notify_all();
}

void Monitor::Finish() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    active_ = false;
    ++generation_;
  }
  cv_.notify_all();
  printer_.ClearProgress();
}

std::vector<Blocker> Monitor::Blockers() {
  std::lock_guard<std::mutex> lock(mu_);
  return blockers_;
}

bool Monitor::Connect() {
  std::unique_lock<std::mutex> lock(mu_);
  connect_requested_ = true;
  cv_.notify_all();
  cv_.wait(lock, [&] { return !connect_requested_; });
  return connected_;
}

Verdict Monitor::TakeVerdict() {
  std::lock_guard<std::mutex> lock(mu_);
  Verdict v = verdict_;
  verdict_ = Verdict{};
  return v;
}

bool Monitor::EnsureConnection() {
  if (conn_ && conn_->is_open()) return true;
  if (conn_failed_) return false;
  db::ConnectOptions options;
  options.apply_schema = false;
  options.application_name = "lockstep deploy (monitor)";
  options.observer = true;
  db::DbResult<db::Connection> c = db::Connect(info_, options);
  if (!c.ok()) {
    conn_failed_ = true;
    printer_.Line("  note: no progress or blocker reports: the monitor connection failed: " +
                  c.error().OneLine());
    return false;
  }
  conn_.emplace(std::move(*c));
  return true;
}

void Monitor::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  uint64_t seen_generation = 0;
  PlannedStatement statement;
  std::optional<WaitBounds> bounds;
  while (!stop_) {
    if (connect_requested_) {
      lock.unlock();
      const bool connected = EnsureConnection();
      lock.lock();
      connected_ = connected;
      connect_requested_ = false;
      cv_.notify_all();
      continue;
    }
    if (!active_) {
      cv_.wait(lock, [&] { return stop_ || active_ || connect_requested_; });
      continue;
    }
    const uint64_t generation = generation_;
    const Clock::duration elapsed = Clock::now() - started_;
    if (elapsed < kFirstLook) {
      cv_.wait_for(lock, kFirstLook - elapsed, [&] { return stop_ || generation_ != generation; });
      continue;
    }
    if (generation != seen_generation) {
      statement = current_;
      bounds = bounds_;
      seen_generation = generation;
      next_progress_ = started_ + (printer_.tty() ? milliseconds(300)
                                                  : milliseconds(options_.progress_interval_ms));
      transactions_done_ms_ = 0;
      wait_key_.clear();
      wait_ms_ = 0;
      reported_pid_ = 0;
    }
    lock.unlock();
    std::vector<Blocker> found;
    bool waits_for_lock = false;
    if (EnsureConnection()) {
      db::DbResult<db::Rows> rows = conn_->Exec(kBlockersSql, {std::to_string(deployer_pid_)});
      if (rows.ok()) found = ToBlockers(*rows, Sixth::kWaitsForMigrationLock);
      if (bounds) waits_for_lock = PollWaits(statement, *bounds, found, generation);
      if (Clock::now() >= next_progress_) {
        PlannedStatement copy = statement;
        std::string line;
        const double secs = std::chrono::duration<double>(Clock::now() - started_).count();
        if (copy.index_progress) {
          db::DbResult<db::Rows> p = conn_->Exec(
              "SELECT phase, coalesce(blocks_total, 0), coalesce(blocks_done, 0), "
              "coalesce(tuples_total, 0), coalesce(tuples_done, 0), coalesce(lockers_total, 0), "
              "coalesce(lockers_done, 0) FROM pg_catalog.pg_stat_progress_create_index "
              "WHERE pid = $1",
              {std::to_string(deployer_pid_)});
          if (p.ok() && !p->empty()) {
            const auto& r = p->rows[0];
            const std::string phase = r[0].value_or("");
            const long long bt = ToLong(r[1]), bd = ToLong(r[2]), tt = ToLong(r[3]),
                            td = ToLong(r[4]), lt = ToLong(r[5]), ld = ToLong(r[6]);
            std::string counts;
            double fraction = -1;
            if (bt > 0) {
              fraction = static_cast<double>(bd) / bt;
              counts = "blocks " + std::to_string(bd) + "/" + std::to_string(bt);
            } else if (tt > 0) {
              fraction = static_cast<double>(td) / tt;
              counts = "tuples " + std::to_string(td) + "/" + std::to_string(tt);
            } else if (lt > 0) {
              fraction = static_cast<double>(ld) / lt;
              counts = "waiting for " + std::to_string(lt - ld) + " of " + std::to_string(lt) +
                       " transactions";
            }
            line = "  " + phase + (fraction >= 0 ? "  " + Bar(fraction) : std::string()) +
                   (counts.empty() ? "" : "  " + counts) + "  " + Seconds(secs);
          }
        }
        if (line.empty() && (copy.long_running || secs * 1000 >= options_.long_statement_ms)) {
          line = printer_.tty() ? "  running " + Seconds(secs) + ": " + copy.summary()
                                : "  still running after " + Seconds(secs) + ": " + copy.summary();
        }
        if (!found.empty() && secs >= 1.0) line += "  (waiting for " + FormatBlockers(found) + ")";
        lock.lock();
        const bool current = generation_ == generation && active_;
        lock.unlock();
        if (current && !line.empty()) printer_.Progress(line);
        next_progress_ =
            Clock::now() +
            (printer_.tty() ? kTtyRedraw : milliseconds(options_.progress_interval_ms));
      }
    }
    lock.lock();
    if (generation_ == generation && !found.empty()) blockers_ = std::move(found);
    // A lock wait under WaitBounds is timed from its start (pg_locks.waitstart); polling fast
    // cancels it within kFastPoll of lock_timeout.
    const bool slow = Clock::now() - started_ > std::chrono::seconds(1) && !waits_for_lock;
    cv_.wait_for(lock, slow ? kSlowPoll : kFastPoll,
                 [&] { return stop_ || connect_requested_ || generation_ != generation; });
  }
}

bool Monitor::PollWaits(const PlannedStatement& statement, const WaitBounds& bounds,
                        const std::vector<Blocker>& found, uint64_t generation) {
  db::DbResult<db::Rows> r = conn_->Exec(kWaitSql, {std::to_string(deployer_pid_)});
  if (!r.ok()) return false;
  std::string locktype, key;
  int64_t ms = 0;
  if (!r->empty()) {
    locktype = r->rows[0][0].value_or("");
    key = r->rows[0][1].value_or("");
    ms = ToLong(r->rows[0][2]);
  }
  // A concurrent build waits for one transaction after another (each a virtualxid, or the
  // transactionid of an insert a unique index must check): only these waits block nobody.
  const bool on_transaction = locktype == "virtualxid" || locktype == "transactionid";
  const std::string current_key = on_transaction ? key : std::string();
  if (current_key != wait_key_) {
    transactions_done_ms_ += wait_ms_;
    wait_ms_ = 0;
    wait_key_ = current_key;
  }
  if (on_transaction) wait_ms_ = ms;
  const int64_t transactions_ms = transactions_done_ms_ + wait_ms_;

  Verdict v;
  if (on_transaction) {
    // Only a lock lockstep holds makes the waiter wait for lockstep.
    const auto waiter = std::find_if(found.begin(), found.end(), [&](const Blocker& b) {
      return options_.use_advisory_lock && b.waits_for_migration_lock;
    });
    if (waiter != found.end()) {
      v = {CancelReason::kMigrationLockWaiter, *waiter, transactions_ms};
    } else if (transactions_ms >= bounds.transactions_ms) {
      v = {CancelReason::kTransactionsTooLong, found.empty() ? Blocker{} : found.front(),
           transactions_ms};
    } else if (transactions_ms >= bounds.lock_ms && !found.empty() &&
               found.front().pid != reported_pid_) {
      // Where lock_timeout used to cut the build: say once per session waited for.
      reported_pid_ = found.front().pid;
      printer_.Line("  " + statement.where() + ": waiting for older transactions to end (" +
                    statement.summary() + " must; this blocks nobody), at most " +
                    FormatDuration(bounds.transactions_ms - transactions_ms) +
                    " more: " + FormatBlockers(found));
    }
  } else if (!locktype.empty() && ms >= bounds.lock_ms) {
    v = {CancelReason::kLockTimeout, found.empty() ? Blocker{} : found.front(), ms};
  }
  if (v.reason != CancelReason::kNone) {
    std::lock_guard<std::mutex> lock(mu_);
    // Under mu_: the deployer cannot have finished the statement (Finish() takes mu_), so the
    // cancel cannot hit a later one.
    if (generation_ == generation && active_ && verdict_.reason == CancelReason::kNone) {
      verdict_ = v;
      if (!found.empty()) blockers_ = found;
      cancel_();
    }
  }
  return !locktype.empty() && !on_transaction;
}

}  // namespace lockstep::deploy
