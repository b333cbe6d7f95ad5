#include "verify/workload.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <set>

#include "base/quote.h"

namespace lockstep::verify {
namespace {

struct Statement {
  uint16_t table = 0;
  Op op = Op::kRead;
  std::string sql;
  std::vector<size_t> params;  // columns whose values are bound (row-id dependent)
};

std::string KeyPredicate(const TablePlan& t, size_t first_param) {
  if (t.key.empty()) return "ctid = (SELECT ctid FROM " + QuotedName(t.name) + " LIMIT 1)";
  std::string out;
  for (size_t i = 0; i < t.key.size(); ++i) {
    if (i) out += " AND ";
    out += QuoteIdent(t.columns[t.key[i]].name) + " = $" + std::to_string(first_param + i);
  }
  return out;
}

std::vector<Statement> StatementsFor(const FillPlan& plan) {
  std::vector<Statement> out;
  for (size_t ti = 0; ti < plan.tables.size(); ++ti) {
    const TablePlan& t = plan.tables[ti];
    if (!t.workload) continue;
    const auto table = static_cast<uint16_t>(ti);
    const std::string name = QuotedName(t.name);
    out.push_back(
        {table, Op::kRead, "SELECT * FROM " + name + " WHERE " + KeyPredicate(t, 1), t.key});
    const std::string col = QuoteIdent(t.columns[t.update_column].name);
    out.push_back({table, Op::kUpdate,
                   "UPDATE " + name + " SET " + col + " = " + col + " WHERE " + KeyPredicate(t, 1),
                   t.key});
    if (!t.skip_reason.empty()) continue;  // its rows could not pass its CHECKs
    std::string cols, marks;
    // A column the pending migrations drop is left to its default or NULL, as the application
    // that no longer uses it does; one it cannot leave out (NOT NULL, no default) is still sent:
    // then the drop breaks any application, and the failed inserts say so.
    std::vector<size_t> loaded;
    for (size_t i : LoadedColumns(t)) {
      const ColumnPlan& c = t.columns[i];
      if (!c.dropped_by_pending || (c.not_null && !c.has_default)) loaded.push_back(i);
    }
    for (size_t k = 0; k < loaded.size(); ++k) {
      cols += (k ? ", " : "") + QuoteIdent(t.columns[loaded[k]].name);
      marks += (k ? ", $" : "$") + std::to_string(k + 1);
    }
    // A fresh row id gives fresh values in most columns, but not in those that wrap (a foreign
    // key points at parent row ((id - 1) mod parent rows) + 1, an enum cycles through its
    // values), so a unique index over such columns can see a duplicate. ON CONFLICT DO NOTHING
    // (no target: every unique index arbitrates) takes the same table lock as a plain INSERT
    // and makes such a request a no-op instead of a failure.
    out.push_back({table, Op::kInsert,
                   "INSERT INTO " + name + " (" + cols + ") OVERRIDING SYSTEM VALUE VALUES (" +
                       marks + ") ON CONFLICT DO NOTHING",
                   loaded});
  }
  return out;
}

}  // namespace

const char* OpName(Op op) {
  switch (op) {
    case Op::kRead:
      return "read";
    case Op::kUpdate:
      return "update";
    case Op::kInsert:
      return "insert";
  }
  return "?";
}

struct Workload::Client {
  std::optional<db::Connection> conn;
  std::vector<Statement> statements;
  std::vector<Request> requests;
  uint64_t rng = 0;
  mutable std::mutex mu;
  std::vector<std::string> errors;

  uint64_t Next() {  // xorshift64*
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
  }
};

Result<std::unique_ptr<Workload>> Workload::Start(const db::ConnInfo& info, const FillPlan& plan,
                                                  const WorkloadOptions& options,
                                                  Clock::time_point t0) {
  std::unique_ptr<Workload> w(new Workload());
  w->plan_ = &plan;
  w->options_ = options;
  w->t0_ = t0;
  w->next_insert_.reset(new std::atomic<int64_t>[plan.tables.size()]);
  for (size_t i = 0; i < plan.tables.size(); ++i) w->next_insert_[i] = plan.tables[i].rows + 1;
  std::vector<Statement> statements = StatementsFor(plan);
  if (options.reads_only)
    statements.erase(std::remove_if(statements.begin(), statements.end(),
                                    [](const Statement& st) { return IsWrite(st.op); }),
                     statements.end());
  if (statements.empty()) return Status::Error("the pending migrations touch no loaded table");
  db::ConnectOptions copts;
  copts.application_name = options.application_name;
  for (int i = 0; i < options.clients; ++i) {
    auto c = std::make_unique<Client>();
    db::DbResult<db::Connection> conn = db::Connect(info, copts);
    if (!conn.ok()) return conn.error().ToStatus();
    w->pids_.push_back(conn->backend_pid());
    c->conn.emplace(std::move(conn).value());
    // With three clients or more, each sends one kind of request (reads, updates, inserts by
    // turns), round robin over the tables: when a table's lock queue stalls, every kind of
    // request to it shows the stall at once. Clients rotating through all kinds showed only the
    // kinds they happened to be at, so a run could see no blocked read at all. With fewer
    // clients each rotates through every statement, starting at another point.
    for (size_t k = 0; k < statements.size(); ++k) {
      const Statement& st = statements[(k + static_cast<size_t>(i)) % statements.size()];
      if (options.clients < 3 || static_cast<int>(st.op) == i % 3) c->statements.push_back(st);
    }
    // No statement of its kind (no table takes inserts): it rotates through every kind.
    if (c->statements.empty()) c->statements = statements;
    c->rng = options.seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(i) + 1;
    c->requests.reserve(4096);
    w->clients_.push_back(std::move(c));
  }
  for (size_t i = 0; i < w->clients_.size(); ++i)
    w->threads_.emplace_back([p = w.get(), i] { p->RunClient(i); });
  return w;
}

Workload::~Workload() {
  if (!joined_) {
    StopAt(Clock::now());
    Join();
  }
}

void Workload::StopAt(Clock::time_point t) {
  stop_ns_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(t - t0_).count());
}

void Workload::RunClient(size_t index) {
  Client& c = *clients_[index];
  const auto interval = std::chrono::nanoseconds(
      static_cast<int64_t>(1e9 / std::max(options_.rate_per_client, 0.001)));
  // Spread the clients' first requests over one interval.
  Clock::time_point next = t0_ + interval * static_cast<int64_t>(index) / options_.clients;
  size_t k = 0;
  std::vector<std::optional<std::string>> values;
  for (;;) {
    const Clock::time_point stop = t0_ + std::chrono::nanoseconds(stop_ns_.load());
    Clock::time_point now = Clock::now();
    if (now >= stop) break;
    if (now < next) {
      // Sleep in short slices so that a StopAt() is noticed promptly.
      std::this_thread::sleep_until(std::min({next, stop, now + std::chrono::milliseconds(50)}));
      continue;
    }
    const Statement& s = c.statements[k++ % c.statements.size()];
    const TablePlan& t = plan_->tables[s.table];
    const int64_t rowid =
        s.op == Op::kInsert
            ? next_insert_[s.table].fetch_add(1)
            : static_cast<int64_t>(c.Next() % static_cast<uint64_t>(std::max<int64_t>(t.rows, 1))) +
                  1;
    values.clear();
    for (size_t col : s.params) values.push_back(Value(*plan_, s.table, col, rowid));
    const Clock::time_point start = Clock::now();
    db::DbResult<db::Rows> r = c.conn->Exec(s.sql, values);
    const Clock::time_point end = Clock::now();
    Request req;
    req.start_us = MicrosSince(t0_, start);
    req.latency_us = MicrosSince(start, end);
    req.table = s.table;
    req.op = s.op;
    req.ok = r.ok();
    c.requests.push_back(req);
    if (!r.ok()) {
      std::lock_guard<std::mutex> lock(c.mu);
      const std::string m = r.error().OneLine();
      if (c.errors.size() < 5 && std::find(c.errors.begin(), c.errors.end(), m) == c.errors.end())
        c.errors.push_back(m);
      if (!c.conn->is_open()) break;  // the server went away: nothing more to measure
    }
    next += interval;
    if (next < end) next = end;  // a blocked client does not burst to catch up
  }
}

std::vector<Request> Workload::Join() {
  for (std::thread& t : threads_)
    if (t.joinable()) t.join();
  joined_ = true;
  std::vector<Request> all;
  for (auto& c : clients_) all.insert(all.end(), c->requests.begin(), c->requests.end());
  std::sort(all.begin(), all.end(),
            [](const Request& a, const Request& b) { return a.start_us < b.start_us; });
  for (auto& c : clients_) c->conn.reset();
  return all;
}

std::vector<std::string> Workload::errors() const {
  std::vector<std::string> out;
  for (const auto& c : clients_) {
    std::lock_guard<std::mutex> lock(c->mu);
    for (const std::string& e : c->errors)
      if (out.size() < 5 && std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
  }
  return out;
}

namespace {

// `sql` without the white space and comments it starts with.
std::string_view SkipLeadingComments(std::string_view sql) {
  size_t i = 0;
  for (;;) {
    while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
    if (sql.substr(i, 2) == "--") {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (sql.substr(i, 2) == "/*") {
      const size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      return sql.substr(i);
    }
  }
}

}  // namespace

bool IsBookkeeping(std::string_view sql) {
  const std::string_view body = SkipLeadingComments(sql);
  std::string head;
  for (size_t j = 0; j < body.size() && head.size() < 24; ++j)
    head += static_cast<char>(std::tolower(static_cast<unsigned char>(body[j])));
  if (head.empty()) return true;
  // The tools' own tables: Prisma's, and lockstep deploy's (_lockstep_progress …).
  if (sql.find("_prisma_migrations") != std::string_view::npos ||
      sql.find("_lockstep_") != std::string_view::npos)
    return true;
  for (const char* p :
       {"set ", "reset ", "show ", "begin", "commit", "rollback", "start transaction", "end",
        "savepoint", "release", "select", "with", "discard", "listen", "unlisten", "notify"})
    if (head.rfind(p, 0) == 0) return true;
  return false;
}

Status InstallStatementMarks(db::Connection& conn) {
  // Payloads: S|epoch|statement epoch|tag at the start of a command, D|identities of what it
  // dropped, and E|epoch|tag|identities at its end. NOTIFY is delivered at commit, with these
  // timestamps. The statement's timestamp tells a nested command from a stale one.
  const char* kSql = R"sql(
    CREATE SCHEMA IF NOT EXISTS lockstep_verify;
    CREATE OR REPLACE FUNCTION lockstep_verify.mark_start() RETURNS event_trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('lockstep_verify',
                        'S|' || extract(epoch FROM clock_timestamp())::text || '|' ||
                        extract(epoch FROM statement_timestamp())::text || '|' || tg_tag);
    END $$;
    CREATE OR REPLACE FUNCTION lockstep_verify.mark_drop() RETURNS event_trigger
    LANGUAGE plpgsql AS $$
    DECLARE objects text;
    BEGIN
      SELECT string_agg(object_identity, ', ') INTO objects
      FROM pg_event_trigger_dropped_objects() WHERE original;
      PERFORM pg_notify('lockstep_verify', 'D|' || left(coalesce(objects, ''), 400));
    END $$;
    CREATE OR REPLACE FUNCTION lockstep_verify.mark_end() RETURNS event_trigger
    LANGUAGE plpgsql AS $$
    DECLARE objects text;
    BEGIN
      SELECT string_agg(DISTINCT object_identity, ', ') INTO objects
      FROM pg_event_trigger_ddl_commands();
      PERFORM pg_notify('lockstep_verify',
                        'E|' || extract(epoch FROM clock_timestamp())::text || '|' || tg_tag ||
                        '|' || left(coalesce(objects, ''), 400));
    END $$;
    DROP EVENT TRIGGER IF EXISTS lockstep_verify_start;
    DROP EVENT TRIGGER IF EXISTS lockstep_verify_drop;
    DROP EVENT TRIGGER IF EXISTS lockstep_verify_end;
    CREATE EVENT TRIGGER lockstep_verify_start ON ddl_command_start
      EXECUTE PROCEDURE lockstep_verify.mark_start();
    CREATE EVENT TRIGGER lockstep_verify_drop ON sql_drop
      EXECUTE PROCEDURE lockstep_verify.mark_drop();
    CREATE EVENT TRIGGER lockstep_verify_end ON ddl_command_end
      EXECUTE PROCEDURE lockstep_verify.mark_end();
  )sql";
  db::DbResult<db::Rows> r = conn.Exec(kSql);
  return r.ok() ? Status::Ok() : r.error().ToStatus();
}

Result<std::unique_ptr<Monitor>> Monitor::Start(const db::ConnInfo& info,
                                                std::vector<int> excluded_pids,
                                                Clock::time_point t0,
                                                std::chrono::milliseconds interval) {
  std::unique_ptr<Monitor> m(new Monitor());
  db::ConnectOptions copts;
  copts.application_name = "lockstep verify (monitor)";
  db::DbResult<db::Connection> conn = db::Connect(info, copts);
  if (!conn.ok()) return conn.error().ToStatus();
  excluded_pids.push_back(conn->backend_pid());
  m->conn_.emplace(std::move(conn).value());
  m->excluded_ = "{";
  for (size_t i = 0; i < excluded_pids.size(); ++i)
    m->excluded_ += (i ? "," : "") + std::to_string(excluded_pids[i]);
  m->excluded_ += "}";
  m->t0_ = t0;
  const auto sys_now = std::chrono::system_clock::now();
  const auto steady_now = Clock::now();
  m->t0_epoch_ = std::chrono::duration<double>(sys_now.time_since_epoch()).count() -
                 std::chrono::duration<double>(steady_now - t0).count();
  m->interval_ = interval;
  m->info_ = info;
  m->thread_ = std::thread([p = m.get()] { p->Loop(); });
  m->listener_ = std::thread([p = m.get()] { p->Listen(); });
  return m;
}

Monitor::~Monitor() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listener_.joinable()) listener_.join();
}

void Monitor::Listen() {
  db::ConnectOptions options;
  options.application_name = "lockstep verify (monitor)";
  options.apply_schema = false;
  db::DbResult<db::Connection> conn = db::Connect(info_, options);
  if (!conn.ok() || !conn->Exec("LISTEN lockstep_verify").ok()) return;
  struct Open {
    std::string tag;
    double t_ms = 0;
    std::string statement;  // statement_timestamp(), as sent
    std::string dropped;
  };
  std::map<int, std::vector<Open>> open;  // per backend: commands started, not yet ended
  auto to_ms = [&](const std::string& epoch) { return (std::stod(epoch) - t0_epoch_) * 1000.0; };
  for (;;) {
    const bool last_round = stop_;
    db::DbResult<std::vector<db::Notification>> received =
        conn->WaitForNotifications(std::chrono::milliseconds(20));
    if (!received.ok()) return;
    for (const db::Notification& n : *received) {
      const std::string& payload = n.payload;
      const int pid = n.backend_pid;
      std::vector<std::string> f;
      for (size_t b = 0;;) {
        const size_t e = payload.find('|', b);
        f.push_back(payload.substr(b, e == std::string::npos ? std::string::npos : e - b));
        if (e == std::string::npos || f.size() == 4) break;
        b = e + 1;
      }
      std::vector<Open>& stack = open[pid];
      if (f[0] == "S" && f.size() >= 4) {
        // Commands of an earlier statement that never ended failed (e.g. a concurrent build
        // that hit the lock timeout after its first transaction committed), or were skipped.
        // Dropped here: polling shows the long ones, and the skipped `CREATE ... IF NOT EXISTS`
        // of an existing object (which ends without an end event) is not worth a mark.
        if (!stack.empty() && stack.front().statement != f[2]) stack.clear();
        stack.push_back({f[3], to_ms(f[1]), f[2], ""});
      } else if (f[0] == "D" && f.size() >= 2 && !stack.empty()) {
        stack.back().dropped = f[1];
      } else if (f[0] == "E" && f.size() >= 3 && !stack.empty()) {
        const Open o = stack.back();
        stack.pop_back();
        std::string objects = f.size() >= 4 && !f[3].empty() ? f[3] : o.dropped;
        // Commands nested in another one are part of it; the tools' own tables are bookkeeping.
        const bool no_op = objects.empty() && o.tag.rfind("CREATE", 0) == 0;  // IF NOT EXISTS
        if (stack.empty() && !no_op && objects.find("_prisma_migrations") == std::string::npos &&
            objects.find("_lockstep_") == std::string::npos)
          marks_.push_back(
              {pid, o.t_ms, o.tag + (objects.empty() ? "" : " " + objects), to_ms(f[1])});
      }
    }
    if (last_round) break;
  }
}

void Monitor::Loop() {
  std::set<std::pair<std::string, std::string>> seen;  // (pid, query_start)
  std::map<std::string, double> waiting_since;         // pid -> start of its lock wait
  const std::string sql =
      "SELECT pid::text, to_char(query_start, 'YYYY-MM-DD HH24:MI:SS.US'), "
      "extract(epoch FROM query_start)::float8, state, coalesce(wait_event_type, ''), "
      "left(query, 400) FROM pg_stat_activity WHERE datname = current_database() "
      "AND backend_type = 'client backend' AND pid <> ALL($1::int[]) AND query_start IS NOT NULL";
  while (!stop_) {
    const Clock::time_point tick = Clock::now();
    const double now_ms = std::chrono::duration<double, std::milli>(tick - t0_).count();
    db::DbResult<db::Rows> rows = conn_->Exec(sql, {excluded_});
    if (rows.ok()) {
      std::set<std::string> still_waiting;
      for (const auto& row : rows->rows) {
        const std::string pid = row[0].value_or("");
        const std::string qtext = row[5].value_or("");
        if (IsBookkeeping(qtext)) continue;
        const bool active = row[3].value_or("") == "active";
        if (seen.insert({pid, row[1].value_or("")}).second) {
          const double start_ms = (std::stod(row[2].value_or("0")) - t0_epoch_) * 1000.0;
          std::string one_line;
          for (char ch : SkipLeadingComments(qtext)) {
            const char c = (ch == '\n' || ch == '\t' || ch == '\r') ? ' ' : ch;
            if (c == ' ' && !one_line.empty() && one_line.back() == ' ') continue;
            one_line += c;
          }
          while (!one_line.empty() && one_line.front() == ' ') one_line.erase(0, 1);
          polled_.push_back({std::stoi(pid), start_ms, one_line.substr(0, 160), std::nullopt});
        }
        if (active && row[4].value_or("") == "Lock") {
          still_waiting.insert(pid);
          waiting_since.try_emplace(pid, now_ms);
        }
      }
      for (auto it = waiting_since.begin(); it != waiting_since.end();) {
        if (still_waiting.count(it->first)) {
          ++it;
          continue;
        }
        waits_.push_back({it->second, now_ms});
        it = waiting_since.erase(it);
      }
    }
    std::this_thread::sleep_until(tick + interval_);
  }
  const double end_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0_).count();
  for (const auto& [pid, since] : waiting_since) waits_.push_back({since, end_ms});
}

void Monitor::Stop(std::vector<StatementStart>* statements, std::vector<LockWait>* waits) {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listener_.joinable()) listener_.join();
  // Every committed command comes with a mark; a polled statement adds what no mark covers: an
  // attempt that was rolled back, or everything when the marks are not installed. A statement's
  // query_start precedes its first mark by well under a polling interval.
  // A mark takes the SQL text of the polled statement it belongs to, when there is one (for a
  // file sent as one query, that is the file's start: its first statement).
  statements->clear();
  const double slack_ms = 5.0 + 2.0 * static_cast<double>(interval_.count());
  std::vector<bool> used(polled_.size(), false);
  for (const Mark& m : marks_) {
    // The statement running at the mark: the latest one of its backend that started before.
    std::optional<size_t> best;
    for (size_t i = 0; i < polled_.size(); ++i) {
      const Mark& p = polled_[i];
      if (used[i] || p.pid != m.pid || m.t_ms < p.t_ms - 1.0 || m.t_ms > p.t_ms + slack_ms)
        continue;
      if (!best || p.t_ms > polled_[*best].t_ms) best = i;
    }
    if (best) used[*best] = true;
    statements->push_back({m.t_ms, best ? polled_[*best].text : m.text, m.end_ms});
  }
  for (size_t i = 0; i < polled_.size(); ++i) {
    if (used[i]) continue;
    const Mark& p = polled_[i];
    const bool covered = std::any_of(marks_.begin(), marks_.end(), [&](const Mark& m) {
      return m.pid == p.pid && m.t_ms >= p.t_ms - 1.0 && m.t_ms <= p.t_ms + slack_ms;
    });
    if (!covered) statements->push_back({p.t_ms, p.text, std::nullopt});
  }
  std::sort(statements->begin(), statements->end(),
            [](const StatementStart& a, const StatementStart& b) { return a.t_ms < b.t_ms; });
  std::sort(waits_.begin(), waits_.end(),
            [](const LockWait& a, const LockWait& b) { return a.start_ms < b.start_ms; });
  *waits = waits_;
}

}  // namespace lockstep::verify
