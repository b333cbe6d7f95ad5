#include "trace/trace.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "trace/observer.h"

namespace lockstep::trace {
namespace {

using locks::LockMode;

// User relations: not the catalogs, not toast tables, not temporary objects (invisible to others).
constexpr char kUserRelations[] =
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
    "AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%' "
    "AND c.relkind <> 't'";

constexpr char kOwnLocks[] =
    "SELECT relation::int8, mode FROM pg_locks WHERE pid = pg_backend_pid() "
    "AND locktype = 'relation' "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";

struct Rel {
  sql::QName name;
  char relkind = 'r';
  int64_t filenode = 0;
  int64_t table = 0;  // an index's table
  bool is_index() const { return relkind == 'i' || relkind == 'I'; }
  bool is_table() const { return relkind == 'r' || relkind == 'm'; }
};
using Snapshot = std::map<int64_t, Rel>;
using Counters = std::map<int64_t, int64_t>;
using Modes = std::map<int64_t, LockMode>;

db::DbResult<Snapshot> TakeSnapshot(db::Connection& c) {
  db::DbResult<db::Rows> r = c.Exec(
      std::string(
          "SELECT c.oid::int8, n.nspname, c.relname, c.relkind, c.relfilenode::int8, "
          "COALESCE((SELECT i.indrelid FROM pg_index i WHERE i.indexrelid = c.oid), 0)::int8 ") +
      kUserRelations);
  if (!r.ok()) return r.error();
  Snapshot s;
  for (const auto& row : r->rows) {
    Rel rel;
    rel.name = sql::QName{*row[1], *row[2]};
    rel.relkind = (*row[3])[0];
    rel.filenode = std::stoll(*row[4]);
    rel.table = std::stoll(*row[5]);
    s[std::stoll(*row[0])] = std::move(rel);
  }
  return s;
}

// Sequential scans per user table: of this transaction (`xact`), or the server's cumulative count.
db::DbResult<Counters> ScanCounters(db::Connection& c, bool xact) {
  db::DbResult<db::Rows> r = c.Exec(std::string("SELECT c.oid::int8, ") +
                                    (xact ? "pg_stat_get_xact_numscans" : "pg_stat_get_numscans") +
                                    "(c.oid) " + kUserRelations + " AND c.relkind IN ('r', 'm')");
  if (!r.ok()) return r.error();
  Counters out;
  for (const auto& row : r->rows) out[std::stoll(*row[0])] = row[1] ? std::stoll(*row[1]) : 0;
  return out;
}

db::DbResult<std::vector<std::pair<int64_t, LockMode>>> OwnLocks(db::Connection& c) {
  db::DbResult<db::Rows> r = c.Exec(kOwnLocks);
  if (!r.ok()) return r.error();
  std::vector<std::pair<int64_t, LockMode>> out;
  for (const auto& row : r->rows)
    if (row[0] && row[1]) out.emplace_back(std::stoll(*row[0]), locks::ParseLockMode(*row[1]));
  return out;
}

void Strongest(Modes& m, int64_t oid, LockMode mode) {
  LockMode& have = m[oid];
  have = std::max(have, mode);
}

// The session's own backend cannot see a flushed count of its own before PG15.
bool CanFlushStats(int server_version_num) { return server_version_num >= 150000; }

class Tracer {
 public:
  Tracer(db::Connection& conn, const db::ConnInfo& info, const Options& options)
      : conn_(conn), info_(info), options_(options) {}

  Status Replay(const analysis::AnalyzedMigration& m) {
    for (const sql::Statement& s : m.parsed.statements) {
      const std::string_view text = sql::StatementText(m.source.text(), s);
      db::DbResult<db::Rows> r = conn_.Exec(text);
      if (!r.ok()) return Failure(m, s, text, r.error());
    }
    conn_.TakeNotices();
    return Status::Ok();
  }

  // Called once the history is in place: relations that exist now are "existing".
  Status StartMigrations() {
    db::DbResult<Snapshot> s = TakeSnapshot(conn_);
    if (!s.ok()) return s.error().ToStatus();
    start_ = std::move(*s);
    return Status::Ok();
  }

  Result<Observed> Trace(const analysis::AnalyzedMigration& m, const sql::Statement& s,
                         plan::Entry entry);

 private:
  struct Raw {
    Modes locks;
    Counters scans_before, scans_after;
    bool scans_observed = true;
    Snapshot after;
  };

  Status Failure(const analysis::AnalyzedMigration& m, const sql::Statement& s,
                 std::string_view text, const db::DbError& e) const {
    size_t at = s.begin;
    if (e.position > 0) at += CharIndexToByteOffset(text, e.position);
    return e.ToStatus(m.source.Where(at));
  }

  db::DbResult<db::Connection*> Observer() {
    if (!observer_) {
      db::ConnectOptions o;
      o.application_name = "lockstep trace observer";
      db::DbResult<db::Connection> c = db::Connect(info_, o);
      if (!c.ok()) return c.error();
      observer_.emplace(std::move(*c));
    }
    return &*observer_;
  }

  // BEGIN; statement; read locks, scan counters and pg_class; COMMIT (or ROLLBACK). nullopt when
  // PostgreSQL refused to run it in a block (SQLSTATE 25001).
  db::DbResult<std::optional<Raw>> InBlock(std::string_view text);
  // Inside the migration's own BEGIN … COMMIT: only what the statement added.
  db::DbResult<Raw> InMigrationBlock(std::string_view text);
  // The statement's own backend, still in its block: scan counters and pg_class after it.
  std::optional<db::DbError> ReadAfterInBlock(Raw& raw);
  db::DbResult<Raw> OutsideBlock(std::string_view text, Observed& o);

  db::Connection& conn_;
  db::ConnInfo info_;
  Options options_;
  std::optional<db::Connection> observer_;
  Snapshot start_;
  bool migration_block_ = false;
  // A migration's SET TRANSACTION … outside its own BEGIN: both deployers run it first in the
  // transaction of the statements that follow (up to a statement that must run outside a
  // block), so trace runs it right after each of their BEGINs, before its own queries (after
  // any query PostgreSQL refuses it: "must be called before any query").
  std::string transaction_characteristics_;
  const analysis::AnalyzedMigration* characteristics_of_ = nullptr;
};

std::optional<db::DbError> Tracer::ReadAfterInBlock(Raw& raw) {
  db::DbResult<Counters> after = ScanCounters(conn_, true);
  if (!after.ok()) return after.error();
  raw.scans_after = std::move(*after);
  db::DbResult<Snapshot> snap = TakeSnapshot(conn_);
  if (!snap.ok()) return snap.error();
  raw.after = std::move(*snap);
  return std::nullopt;
}

db::DbResult<std::optional<Tracer::Raw>> Tracer::InBlock(std::string_view text) {
  Raw raw;
  if (db::DbResult<db::Rows> b = conn_.Exec("BEGIN"); !b.ok()) return b.error();
  if (!transaction_characteristics_.empty()) {
    if (db::DbResult<db::Rows> c = conn_.Exec(transaction_characteristics_); !c.ok()) {
      conn_.Exec("ROLLBACK");
      return c.error();
    }
  }
  db::DbResult<Counters> before = ScanCounters(conn_, true);
  if (!before.ok()) return before.error();
  raw.scans_before = std::move(*before);
  db::DbResult<db::Rows> r = conn_.Exec(text);
  if (!r.ok()) {
    conn_.Exec("ROLLBACK");
    if (r.error().sqlstate == "25001") return std::optional<Raw>();
    return r.error();
  }
  db::DbResult<std::vector<std::pair<int64_t, LockMode>>> held = OwnLocks(conn_);
  if (!held.ok()) return held.error();
  for (const auto& [oid, mode] : *held) Strongest(raw.locks, oid, mode);
  if (std::optional<db::DbError> e = ReadAfterInBlock(raw)) return *e;
  db::DbResult<db::Rows> end = conn_.Exec(options_.rollback ? "ROLLBACK" : "COMMIT");
  if (!end.ok()) return end.error();
  return std::optional<Raw>(std::move(raw));
}

db::DbResult<Tracer::Raw> Tracer::InMigrationBlock(std::string_view text) {
  Raw raw;
  db::DbResult<std::vector<std::pair<int64_t, LockMode>>> held_before = OwnLocks(conn_);
  if (!held_before.ok()) return held_before.error();
  db::DbResult<Counters> before = ScanCounters(conn_, true);
  if (!before.ok()) return before.error();
  raw.scans_before = std::move(*before);
  db::DbResult<db::Rows> r = conn_.Exec(text);
  if (!r.ok()) return r.error();
  db::DbResult<std::vector<std::pair<int64_t, LockMode>>> held = OwnLocks(conn_);
  if (!held.ok()) return held.error();
  const std::set<std::pair<int64_t, LockMode>> had(held_before->begin(), held_before->end());
  for (const auto& l : *held)
    if (!had.count(l)) Strongest(raw.locks, l.first, l.second);
  if (std::optional<db::DbError> e = ReadAfterInBlock(raw)) return *e;
  return raw;
}

db::DbResult<Tracer::Raw> Tracer::OutsideBlock(std::string_view text, Observed& o) {
  Raw raw;
  db::DbResult<db::Connection*> observer = Observer();
  if (!observer.ok()) return observer.error();
  db::Connection& obs = **observer;
  // Cumulative counters, flushed by the traced backend on purpose before and after (PG15+).
  raw.scans_observed = CanFlushStats(conn_.server_version_num());
  if (raw.scans_observed) {
    if (auto f = conn_.Exec("SELECT pg_stat_force_next_flush()"); !f.ok()) return f.error();
    db::DbResult<Counters> before = ScanCounters(obs, false);
    if (!before.ok()) return before.error();
    raw.scans_before = std::move(*before);
  }
  // VACUUM commits without a transaction id, so no commit is ever held: slow it down instead
  // (it sleeps in its cost-based delay points, with its locks held, and nothing else does).
  if (auto v = conn_.Exec("SET vacuum_cost_delay = '5ms'; SET vacuum_cost_limit = 1"); !v.ok())
    return v.error();
  internal::Sighting seen;
  db::DbResult<db::Rows> r = internal::RunObserved(conn_, obs, text, options_.hold_commits, &seen);
  conn_.Exec("RESET vacuum_cost_delay; RESET vacuum_cost_limit");
  if (!r.ok()) return r.error();
  raw.locks = std::move(seen.modes);
  if (raw.scans_observed) {
    if (auto f = conn_.Exec("SELECT pg_stat_force_next_flush()"); !f.ok()) return f.error();
    db::DbResult<Counters> after = ScanCounters(obs, false);
    if (!after.ok()) return after.error();
    raw.scans_after = std::move(*after);
  }
  db::DbResult<Snapshot> snap = TakeSnapshot(conn_);
  if (!snap.ok()) return snap.error();
  raw.after = std::move(*snap);
  o.entry.notes.push_back(options_.hold_commits ? "observed from a second connection; " +
                                                      std::to_string(seen.commit_points) +
                                                      " internal commit(s) held and read"
                                                : "observed from a second connection by polling (" +
                                                      std::to_string(seen.polls) +
                                                      " polls): short phases may be missed");
  return raw;
}

Result<Observed> Tracer::Trace(const analysis::AnalyzedMigration& m, const sql::Statement& s,
                               plan::Entry entry) {
  Observed o;
  o.entry = std::move(entry);
  plan::Entry& e = o.entry;
  e.locks.clear();
  e.rewrites.clear();
  e.scans.clear();
  e.notes.clear();
  e.transactional = true;
  e.fails_if_rows = false;
  const std::string_view text = sql::StatementText(m.source.text(), s);
  if (characteristics_of_ != &m) {
    transaction_characteristics_.clear();
    characteristics_of_ = &m;
  }

  const bool set_transaction = s.kind == sql::Kind::kSet && s.setting->name == "transaction";
  if (set_transaction && !migration_block_) {
    transaction_characteristics_ = std::string(text);
    e.notes.push_back(
        "applies to the transaction of the statements that follow (as deploy runs them): trace "
        "runs it first in each of their transactions");
    return o;
  }
  if (s.kind == sql::Kind::kTransaction || set_transaction ||
      (s.kind == sql::Kind::kSet && !migration_block_)) {
    db::DbResult<db::Rows> r = conn_.Exec(text);
    if (!r.ok()) return Failure(m, s, text, r.error());
    if (s.kind == sql::Kind::kTransaction) {
      switch (s.transaction) {
        case sql::TransactionKind::kBegin:
          migration_block_ = true;
          break;
        case sql::TransactionKind::kCommit:
        case sql::TransactionKind::kRollback:
        case sql::TransactionKind::kPrepare:
          migration_block_ = false;
          transaction_characteristics_.clear();
          break;
        default:
          break;
      }
    }
    return o;
  }

  db::DbResult<Snapshot> before = TakeSnapshot(conn_);
  if (!before.ok()) return before.error().ToStatus();
  std::optional<Raw> raw;
  if (migration_block_) {
    db::DbResult<Raw> r = InMigrationBlock(text);
    if (!r.ok()) return Failure(m, s, text, r.error());
    raw = std::move(*r);
    e.notes.push_back(
        "inside the migration's transaction block: modes already held by earlier statements of "
        "the block are not shown again");
  } else {
    db::DbResult<std::optional<Raw>> r = InBlock(text);
    if (!r.ok()) return Failure(m, s, text, r.error());
    raw = std::move(*r);
    if (!raw) {
      e.transactional = false;
      o.outside_block = true;
      transaction_characteristics_.clear();  // ends the deployers' transaction group
      db::DbResult<Raw> out = OutsideBlock(text, o);
      if (!out.ok()) return Failure(m, s, text, out.error());
      raw = std::move(*out);
    } else if (options_.rollback) {
      e.notes.push_back("rolled back");
    }
  }
  conn_.TakeNotices();

  const Snapshot& pre = *before;
  // Existing: there before the analysed migrations began (an index counts by its table).
  auto origin = [&](int64_t oid, const Rel& r) {
    return start_.count(r.is_index() ? r.table : oid) ? schema::Origin::kExisting
                                                      : schema::Origin::kThisMigration;
  };
  for (const auto& [oid, mode] : raw->locks) {
    auto it = pre.find(oid);
    if (it == pre.end() || mode == LockMode::kNone) continue;
    e.locks.push_back({it->second.name, mode, it->second.is_index(), origin(oid, it->second)});
  }
  std::set<int64_t> rewritten;
  for (const auto& [oid, rel] : pre) {
    if (rel.filenode == 0) continue;
    auto same = raw->after.find(oid);
    const Rel* now = same != raw->after.end() ? &same->second : nullptr;
    if (!now) {
      // REINDEX CONCURRENTLY swaps in a new index under the old name and drops the old one.
      for (const auto& [new_oid, r] : raw->after)
        if (!pre.count(new_oid) && r.name == rel.name && r.relkind == rel.relkind) now = &r;
    }
    if (now && now->filenode != 0 && now->filenode != rel.filenode) {
      e.rewrites.push_back(rel.name);
      rewritten.insert(oid);
    }
  }
  if (raw->scans_observed) {
    for (const auto& [oid, n] : raw->scans_after) {
      auto was = raw->scans_before.find(oid);
      const int64_t delta = n - (was == raw->scans_before.end() ? 0 : was->second);
      auto it = pre.find(oid);
      if (delta > 0 && it != pre.end() && it->second.is_table() && !rewritten.count(oid))
        e.scans.push_back(it->second.name);
    }
  } else {
    o.scans_observed = false;
    e.notes.push_back("sequential scans not observable here (needs PostgreSQL 15+)");
  }
  // A relation re-created under a name that existed before (an index rebuilt by ALTER COLUMN
  // TYPE, REINDEX CONCURRENTLY) is reported under that name above, not as created.
  for (const auto& [oid, r] : raw->after) {
    const bool replaces = std::any_of(pre.begin(), pre.end(),
                                      [&](const auto& kv) { return kv.second.name == r.name; });
    if (!pre.count(oid) && !replaces) o.created.push_back(r.name);
  }
  if (!s.table.name.empty()) {
    const sql::QName t{s.table.schema.empty() ? options_.analysis.default_schema : s.table.schema,
                       s.table.name};
    e.new_table = std::none_of(start_.begin(), start_.end(),
                               [&](const auto& kv) { return kv.second.name == t; });
  }
  if (!e.transactional) e.notes.push_back("cannot run inside a transaction block");
  return o;
}

}  // namespace

Result<std::vector<Observed>> Run(const db::ConnInfo& scratch,
                                  std::vector<analysis::MigrationText> migrations,
                                  size_t history_count, const Options& options) {
  analysis::Options ao = options.analysis;
  ao.parse.tokens = true;  // statement spans exactly as `plan` cuts them
  const analysis::History h = analysis::Replay(std::move(migrations), history_count, ao);
  for (const analysis::AnalyzedMigration& m : h.migrations) {
    std::vector<std::string> errors = sql::FormatErrors(m.source, m.parsed);
    if (!errors.empty()) return Status::Error(errors.front());
  }
  db::ConnectOptions co;
  co.application_name = "lockstep trace";
  db::DbResult<db::Connection> conn = db::Connect(scratch, co);
  if (!conn.ok()) return conn.error().ToStatus();
  Tracer tracer(*conn, scratch, options);
  for (const analysis::AnalyzedMigration& m : h.migrations) {
    if (m.analyzed) break;
    if (Status st = tracer.Replay(m); !st.ok()) return st;
  }
  if (Status st = tracer.StartMigrations(); !st.ok()) return st;
  const std::vector<plan::Entry> planned = plan::FromHistory(h);
  std::vector<Observed> out;
  size_t next = 0;
  for (const analysis::AnalyzedMigration& m : h.migrations) {
    if (!m.analyzed) continue;
    for (const analysis::AnalyzedStatement& as : m.statements) {
      Result<Observed> o = tracer.Trace(m, *as.statement, planned[next++]);
      if (!o.ok()) return o.status();
      out.push_back(std::move(*o));
    }
  }
  return out;
}

std::vector<plan::Entry> Entries(const std::vector<Observed>& observed) {
  std::vector<plan::Entry> out;
  out.reserve(observed.size());
  for (const Observed& o : observed) out.push_back(o.entry);
  return out;
}

nlohmann::json ToJson(const std::vector<Observed>& observed) {
  nlohmann::json arr = plan::ToJson(Entries(observed));
  for (size_t i = 0; i < observed.size(); ++i) {
    nlohmann::json created = nlohmann::json::array();
    for (const sql::QName& q : observed[i].created) created.push_back(q.ToString());
    arr[i]["created"] = std::move(created);
    arr[i]["scans_observed"] = observed[i].scans_observed;
  }
  return arr;
}

Status PrepareServer(const db::ConnInfo& admin) {
  db::DbResult<db::Connection> conn = db::Connect(admin);
  if (!conn.ok()) return conn.error().ToStatus();
  for (const char* sql : {"ALTER SYSTEM SET synchronous_standby_names = 'lockstep_trace_hold'",
                          "ALTER SYSTEM SET timezone = 'UTC'", "SELECT pg_reload_conf()",
                          "DROP TABLE IF EXISTS lockstep_trace_probe"}) {
    if (auto r = conn->Exec(sql); !r.ok()) return r.error().ToStatus("preparing the trace server");
  }
  // The reload reaches new sessions (TimeZone) and the checkpointer (which publishes that a
  // synchronous standby is wanted) asynchronously: probe until a commit is really held.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    db::DbResult<db::Connection> probe = db::Connect(admin);
    if (!probe.ok()) return probe.error().ToStatus();
    db::DbResult<db::Rows> tz = probe->Exec("SHOW TimeZone");
    if (!tz.ok()) return tz.error().ToStatus();
    if (tz->Value(0, "TimeZone") == "UTC") {
      internal::Sighting seen;
      db::DbResult<db::Rows> r =
          internal::RunObserved(*probe, *conn, "CREATE TABLE lockstep_trace_probe ()", true, &seen);
      if (!r.ok()) return r.error().ToStatus("probing the trace server");
      if (auto d = conn->Exec("DROP TABLE lockstep_trace_probe"); !d.ok())
        return d.error().ToStatus();
      if (seen.commit_points > 0) return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Status::Error("the trace server did not take its settings (TimeZone UTC, held commits)");
}

}  // namespace lockstep::trace
