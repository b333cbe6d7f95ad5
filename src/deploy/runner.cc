#include "deploy/runner.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "base/quote.h"
#include "base/source.h"
#include "db/pooler.h"
#include "deploy/backfill.h"
#include "deploy/monitor.h"
#include "deploy/preflight.h"
#include "deploy/replica.h"
#include "deploy/retry.h"
#include "ledger/ledger.h"
#include "ledger/status.h"
#include "migrations/checksum.h"
#include "sql/parser.h"

namespace lockstep::deploy {

// The ledger's rows and statements, on nearly every path of the deployer.
using ledger::BackfillPosition;
using ledger::DiskMigration;
using ledger::MigrationRow;
using ledger::MigrationState;
using ledger::NewUuidV4;
using ledger::ProgressRow;
using ledger::StatusEntry;
using ledger::StatusReport;
using ledger::Tables;

namespace {

using Clock = std::chrono::steady_clock;

// statement_timeout of lockstep's queries on a replica: they read pg_locks and pg_stat_activity.
constexpr int64_t kReplicaQueryTimeoutMs = 5000;

int64_t MsSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, s < 10 ? "%.2fs" : "%.1fs", s);
  return buf;
}

// Test hook (tests/deploy/crash_test.cc, expand_contract_crash_test.cc): LOCKSTEP_TEST_KILL_AT=n
// makes the deployer SIGKILL itself at the n-th step boundary, to prove that a crash there is
// recoverable. LOCKSTEP_TEST_KILL_AT=n@NAME counts only the boundaries of migration NAME, so that
// a test can name a point (the swap's commit, a backfill's second batch) whatever runs before it.
void KillPoint(const std::string& migration) {
  struct Target {
    long at = 0;
    std::string migration;  // empty: every migration's boundaries count
  };
  static const Target target = [] {
    Target t;
    const char* v = std::getenv("LOCKSTEP_TEST_KILL_AT");
    if (!v) return t;
    const std::string s = v;
    const size_t at = s.find('@');
    t.at = std::atol(s.substr(0, at).c_str());
    if (at != std::string::npos) t.migration = s.substr(at + 1);
    return t;
  }();
  static std::atomic<long> count{0};  // fleet deploys step on several threads
  if (target.at <= 0 || (!target.migration.empty() && migration != target.migration)) return;
  if (++count == target.at) {
    std::fflush(stdout);
    std::fflush(stderr);
    raise(SIGKILL);
  }
}

bool IsLost(const db::DbError& e) {
  return e.kind == db::ErrorKind::kConnectionLost || e.sqlstate == "57P01" ||
         e.sqlstate == "57P02" || e.sqlstate == "57P03";
}

// "out of shared memory" (53200) with the hint naming max_locks_per_transaction: the server's
// shared lock table is full. The setting's name is never translated, the message may be.
bool LockTableFull(const db::DbError& e) {
  return e.sqlstate == "53200" && e.hint.find("max_locks_per_transaction") != std::string::npos;
}

// --- The commands of a step: shared by the deployer and the dry run, so that the dry run shows
// exactly what is sent. ---------------------------------------------------------------------

std::string SessionSetupSql(const Options& o, int server_version_num) {
  std::string sql = "SET lock_timeout = " + PgDuration(o.lock_timeout_ms);
  // A deployer killed mid-statement would otherwise leave its backend running (and holding the
  // advisory lock) until the statement ends; PG14+ notices the closed socket.
  if (server_version_num >= 140000) sql += "; SET client_connection_check_interval = '1s'";
  return sql;
}

// The timeouts a step runs under. A statement_timeout of nullopt is the session's own (the role's
// or database's setting, `DEFAULT`): what a dry run, which does not connect, shows.
struct StepTimeouts {
  int64_t lock_ms = 0;
  std::optional<int64_t> statement_ms;
  std::optional<int64_t> idle_ms;  // only when a migration raised it in the session: put back
};

std::string StatementTimeoutValue(const std::optional<int64_t>& ms) {
  return ms ? PgDuration(*ms) : std::string("DEFAULT");
}

std::string TxBeginSql(const Step& step, const StepTimeouts& t) {
  std::string sql = step.begin_sql + "; SET LOCAL lock_timeout = " + PgDuration(t.lock_ms) +
                    "; SET LOCAL statement_timeout = " + StatementTimeoutValue(t.statement_ms);
  if (t.idle_ms)
    sql += "; SET LOCAL idle_in_transaction_session_timeout = " + PgDuration(*t.idle_ms);
  return sql;
}

std::string SetLocalStatementTimeoutSql(const std::optional<int64_t>& ms) {
  return "SET LOCAL statement_timeout = " + StatementTimeoutValue(ms);
}

std::string FinishedSql(const MigrationPlan& plan, const Tables& t, const std::string& id) {
  std::string sql = ledger::InsertFinishedSql(t, id, plan.name, plan.checksum, plan.tracked());
  if (plan.tracked()) sql += "; " + ledger::DeleteProgressSql(t, plan.name);
  return sql;
}

std::string TxEndSql(const MigrationPlan& plan, const Step& step, bool last, const Tables& t,
                     const std::string& id) {
  const std::string record =
      last ? FinishedSql(plan, t, id)
           : ledger::SaveProgressSql(t, plan.name, plan.checksum, step.end(), std::nullopt);
  return record + "; COMMIT";
}

std::string OutsideSetupSql(const StepTimeouts& t) {
  std::string sql = "SET lock_timeout = " + PgDuration(t.lock_ms) +
                    "; SET statement_timeout = " + StatementTimeoutValue(t.statement_ms);
  if (t.idle_ms) sql += "; SET idle_in_transaction_session_timeout = " + PgDuration(*t.idle_ms);
  return sql;
}

// The stricter of two timeouts, where 0 is none.
int64_t Stricter(int64_t a, int64_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  return std::min(a, b);
}

// Would `value` loosen the bound `ceiling` (0 = none on either side)?
bool Raises(int64_t value, int64_t ceiling) {
  return ceiling > 0 && (value == 0 || value > ceiling);
}

std::string Timeout(int64_t ms) { return ms > 0 ? FormatDuration(ms) : std::string("none"); }

std::string OutsideMarkSql(const MigrationPlan& plan, const PlannedStatement& s, const Tables& t) {
  return ledger::SaveProgressSql(t, plan.name, plan.checksum, s.index, s.index);
}

std::string OutsideEndSql(const MigrationPlan& plan, const PlannedStatement& s, bool last,
                          const Tables& t, const std::string& id) {
  if (last) return "BEGIN; " + FinishedSql(plan, t, id) + "; COMMIT";
  return ledger::SaveProgressSql(t, plan.name, plan.checksum, s.index + 1, std::nullopt);
}

std::string EmptyMigrationSql(const MigrationPlan& plan, const Tables& t, const std::string& id) {
  return plan.tracked() ? "BEGIN; " + FinishedSql(plan, t, id) + "; COMMIT"
                        : FinishedSql(plan, t, id);
}

std::string DescribeSteps(const MigrationPlan& plan, const std::vector<Step>& steps) {
  int tx = 0, outside = 0, backfills = 0;
  for (const Step& s : steps) {
    if (s.kind == StepKind::kBackfill)
      ++backfills;
    else
      (s.kind == StepKind::kTransaction ? tx : outside)++;
  }
  std::string out =
      std::to_string(plan.statement_count) + " statement" + (plan.statement_count == 1 ? "" : "s");
  if (backfills) out += ", a batched backfill";
  if (tx) out += ", " + std::to_string(tx) + " transaction" + (tx == 1 ? "" : "s");
  if (outside) out += ", " + std::to_string(outside) + " outside a transaction";
  return out;
}

// --- Poolers -----------------------------------------------------------------------------------

// kOk, or what stopped it after saying why: through a pooler in transaction mode, the advisory lock
// and the session's SETs (lock_timeout) would hold on a server session lockstep no longer uses.
StatusCode RefusePooler(db::Connection& conn, const db::ConnInfo& info, Printer& out,
                        const std::string& command) {
  db::DbResult<bool> pooler = db::IsTransactionPooler(conn, info);
  if (!pooler.ok()) {
    out.Error(command + ": error: checking for a connection pooler: " + pooler.error().OneLine());
    return StatusCode::kDatabase;
  }
  if (!*pooler) return StatusCode::kOk;
  out.Error(command + ": error: " + info.Redacted() +
            " is a connection pooler in transaction mode (e.g. pgbouncer), where the migration "
            "lock and session settings do not hold: point directUrl in schema.prisma (e.g. "
            "directUrl = env(\"DIRECT_URL\")) or --database at the database itself, as Prisma "
            "requires for migrations");
  return StatusCode::kInvalidInput;
}

// --- Advisory lock --------------------------------------------------------------------------

std::string HolderOfAdvisoryLock(db::Connection& conn) {
  db::DbResult<db::Rows> r = conn.Exec(
      "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.state, ''), "
      "left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 100), "
      "extract(epoch FROM clock_timestamp() - a.backend_start)::float8 "
      "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1 "
      "AND l.objsubid = 1 LIMIT 1",
      {std::to_string(kAdvisoryLockKey)});
  if (!r.ok() || r->empty()) return "a session that could not be identified";
  const auto& row = r->rows[0];
  std::string out = "pid " + row[0].value_or("?");
  std::string app = row[1].value_or("");
  out += " (" + (app.empty() ? std::string("no application_name") : app);
  out += ", connected " + Seconds(std::atof(row[4].value_or("0").c_str())) + " ago";
  if (!row[3].value_or("").empty()) out += ", last query: " + MaskPasswords(*row[3]);
  return out + ")";
}

// kOk when the lock is ours, else kLockHeld or kDatabase (after printing why).
StatusCode TakeAdvisoryLock(db::Connection& conn, const Options& options, Printer& out,
                            const std::string& command) {
  if (!options.use_advisory_lock) {
    out.Line("note: PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK is set: not taking the migration lock");
    return StatusCode::kOk;
  }
  if (options.advisory_lock_held_by_caller) {
    out.Line("The migration lock of this database is held by the fleet deploy for all its schemas");
    return StatusCode::kOk;
  }
  const std::string sql =
      "SELECT pg_catalog.pg_try_advisory_lock(" + std::to_string(kAdvisoryLockKey) + ")::text";
  const Clock::time_point start = Clock::now();
  bool told = false;
  for (;;) {
    db::DbResult<db::Rows> r = conn.Exec(sql);
    if (!r.ok()) {
      out.Error(command + ": cannot take the migration lock: " + r.error().OneLine());
      return StatusCode::kDatabase;
    }
    if (!r->empty() && r->rows[0][0] == std::optional<std::string>("true")) return StatusCode::kOk;
    if (!told) {
      out.Line("Waiting up to " + FormatDuration(options.advisory_lock_wait_ms) +
               " for the migration lock (pg_advisory_lock(" + std::to_string(kAdvisoryLockKey) +
               ")), held by " + HolderOfAdvisoryLock(conn));
      told = true;
    }
    if (MsSince(start) >= options.advisory_lock_wait_ms) {
      out.Error(command + ": error: another deployer holds the migration lock (pg_advisory_lock(" +
                std::to_string(kAdvisoryLockKey) + ")): " + HolderOfAdvisoryLock(conn) +
                "; gave up after " + FormatDuration(options.advisory_lock_wait_ms) +
                " (Prisma P1002). Nothing was applied; run again once it has finished.");
      return StatusCode::kLockHeld;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// --- The deployer -----------------------------------------------------------------------------

class Deployer {
 public:
  Deployer(const Target& target, const Options& options, Printer& out)
      : target_(target), options_(options), out_(out), backoff_(options, RandomSeed()) {}

  StatusCode Run(const std::vector<MigrationPlan>& plans);
  int applied() const { return applied_; }

 private:
  static uint64_t RandomSeed() {
    return static_cast<uint64_t>(Clock::now().time_since_epoch().count()) ^
           (static_cast<uint64_t>(getpid()) << 32);
  }

  // The phases of Run, each kOk or what stopped the deploy (Announce prints only).
  StatusCode Open();
  StatusCode ReadLedger();
  StatusCode SelectPending(const std::vector<MigrationPlan>& plans,
                           std::vector<const MigrationPlan*>& pending);
  void Announce(size_t pending);
  StatusCode CreateLedger();
  StatusCode ApplyAll(const std::vector<const MigrationPlan*>& pending);

  StatusCode Apply(const MigrationPlan& plan, const std::optional<ProgressRow>& progress);
  void DropEmptyProgressTable();
  StatusCode RunTransaction(const MigrationPlan& plan, const Step& step, bool last);
  StatusCode RunOutside(const MigrationPlan& plan, const Step& step, bool last, bool maybe_ran);
  // RunOutside's parts (each kOk or what stopped the deploy).
  StatusCode RecoverOutside(const PlannedStatement& s, bool maybe_ran, std::string& sql,
                            bool& done);
  StatusCode AttemptOutside(const MigrationPlan& plan, const Step& step, std::string sql);
  StatusCode DropLeftByAttempt(const PlannedStatement& s, const std::set<std::string>& before);
  // A kBackfill step (docs/backfill.md), resumed after `resume` when an earlier run committed
  // batches of it.
  StatusCode RunBackfill(const MigrationPlan& plan, const Step& step, bool last,
                         const std::optional<BackfillPosition>& resume);
  // A batch failed on its own (not a lock timeout, a timeout or a lost connection): says where
  // and what is kept. `row`: the batch was one row, so the error is that row's.
  StatusCode BackfillFailed(const MigrationPlan& plan, const PlannedStatement& s,
                            const db::DbError& e, const BackfillKey& key,
                            const BackfillPosition& done, const std::vector<std::string>& end,
                            bool row);
  db::DbResult<db::Rows> RunStatement(const PlannedStatement& s, std::string_view sql,
                                      std::optional<WaitBounds> bounds = std::nullopt);

  // Timeouts. lockstep's bounds are ceilings: a migration may lower them (SET, SET LOCAL,
  // set_config()) but what raises one (also RESET) is put back, and the output says which applies.
  struct Timeouts {
    int64_t lock = 0, statement = 0, idle = 0;  // ms, 0 = none
  };
  // lockstep's statement_timeout bound for `s` (0 = none).
  int64_t StatementCeiling(const PlannedStatement& s) const;
  // What `s` runs under: the ceiling, or a stricter value the migration left in the session.
  int64_t StatementTimeoutFor(const PlannedStatement& s) const;
  StepTimeouts TimeoutsFor(const PlannedStatement& first) const;
  // Once a migration may have changed the session's timeouts, reads them (SHOW: takes no
  // snapshot, so a later SET TRANSACTION ISOLATION still works). kOk or what stopped the deploy.
  StatusCode ReadSessionTimeouts();
  // After `s` (in a transaction step): SET LOCAL back what it raised, report what it lowered.
  std::optional<db::DbError> KeepCeilings(const PlannedStatement& s);
  db::DbResult<int64_t> ShowMs(const std::string& name);

  // Bookkeeping statement with lock-timeout retries; kOk or what stopped the deploy.
  StatusCode Bookkeeping(const std::string& sql, const std::string& what);
  StatusCode DbFailure(const db::DbError& e, const std::string& during);
  StatusCode Lost(const MigrationPlan& plan, const PlannedStatement* s, const db::DbError& e);
  StatusCode Failed(const MigrationPlan& plan, const PlannedStatement* s, const db::DbError& e,
                    int committed);
  StatusCode TimedOut(const MigrationPlan& plan, const PlannedStatement* s, const db::DbError& e);
  // The server's lock table ran out during `step` (LockTableFull): a limit of the server, not a
  // failure of the migration, so nothing is recorded as failed. Says which settings size it.
  StatusCode LockTableRanOut(const MigrationPlan& plan, const Step& step, const PlannedStatement* s,
                             const db::DbError& e);
  // After a lock timeout: true when another attempt is due (after waiting), false when the
  // budget is spent (the give-up message is printed and `code` set). `sqlstate` is the failure's
  // (or what it counts as: the monitor's cancel of a lock wait counts as lock_timeout, 55P03).
  bool WaitForRetry(const MigrationPlan& plan, const PlannedStatement* s,
                    const std::string& sqlstate, int failed_attempts,
                    Clock::time_point first_attempt, StatusCode& code);
  // Statements that wait for older transactions (CREATE INDEX / REINDEX CONCURRENTLY): a
  // session waiting for lockstep's migration lock is such a transaction, and it cannot end before
  // lockstep does. Says so and returns kTimedOut; `started`: the statement ran (and was stopped).
  StatusCode MigrationLockCycle(const MigrationPlan& plan, const PlannedStatement& s,
                                const Blocker& waiter, bool started);
  StatusCode WaitedTooLong(const MigrationPlan& plan, const PlannedStatement& s,
                           const Verdict& verdict);
  // With --replica, before an attempt of a step that locks tables beyond ROW EXCLUSIVE: kOk when
  // every replica has replayed the primary's WAL so far and none of its sessions holds or waits
  // for a lock on them; nullopt after waiting for another attempt (reported, and bounded, as a
  // lock timeout is); else what stopped the deploy.
  std::optional<StatusCode> ClearReplicas(const MigrationPlan& plan, const Step& step,
                                          int failed_attempts, Clock::time_point first_attempt);
  StatusCode ReplicaFailure(const Status& s);
  std::string Where(const MigrationPlan& plan, const PlannedStatement* s,
                    const db::DbError* e) const;

  // Index recovery for statements outside a transaction.
  struct IndexState {
    bool exists = false;
    bool valid = false;
    bool building = false;  // another backend is building it right now
    std::string name;       // schema-qualified, quoted
  };
  db::DbResult<IndexState> IndexByName(const PlannedStatement& s);
  db::DbResult<std::set<std::string>> IndexOids(const sql::QName& table);
  StatusCode DropInvalidIndexes(const std::string& where_sql,
                                const std::vector<std::optional<std::string>>& params,
                                const std::string& why);
  StatusCode DropIndexConcurrently(const std::string& qualified, const std::string& why);
  // DETACH ... CONCURRENTLY of `s`: pg_inherits.inhdetachpending as text (no row: detached).
  db::DbResult<db::Rows> DetachState(const PlannedStatement& s);
  std::string FinalizeDetachSql(const PlannedStatement& s) const;

  const Target& target_;
  Options options_;
  Printer& out_;
  Backoff backoff_;
  std::optional<db::Connection> conn_;
  std::unique_ptr<Monitor> monitor_;
  std::unique_ptr<Replicas> replicas_;  // with --replica
  // Pending migrations lockstep could not parse and sends whole (UnanalysedPlan); `pending`
  // points into it, hence a deque.
  std::deque<MigrationPlan> unanalysed_;
  // The ledger as the run found it (ReadLedger): nullopt when the table did not exist.
  std::optional<std::vector<MigrationRow>> rows_;
  std::optional<std::vector<ProgressRow>> progress_rows_;
  bool progress_table_ = false;  // _lockstep_progress exists (found, or created by this run)
  int applied_ = 0;              // migrations finished by this run
  // The session's statement_timeout and idle_in_transaction_session_timeout before lockstep
  // changed anything (pg_settings.reset_val): what the role, the database or the URL set.
  int64_t role_statement_timeout_ms_ = 0;
  int64_t role_idle_timeout_ms_ = 0;
  Timeouts file_;                  // stricter values a migration set (0: none): they are kept
  Timeouts in_effect_;             // in the step that runs
  int64_t session_idle_ms_ = 0;    // the session's idle_in_transaction_session_timeout
  bool timeouts_touched_ = false;  // a statement that may change them ran since the last read
};

int64_t Deployer::StatementCeiling(const PlannedStatement& s) const {
  return s.statement_timeout_ms.value_or(role_statement_timeout_ms_);
}

int64_t Deployer::StatementTimeoutFor(const PlannedStatement& s) const {
  // 0 chosen by the plan: the statement blocks nobody while it works (or --statement-timeout 0).
  if (s.statement_timeout_ms == std::optional<int64_t>(0)) return 0;
  return Stricter(StatementCeiling(s), file_.statement);
}

StepTimeouts Deployer::TimeoutsFor(const PlannedStatement& first) const {
  StepTimeouts t;
  t.lock_ms = Stricter(options_.lock_timeout_ms, file_.lock);
  t.statement_ms = StatementTimeoutFor(first);
  if (Raises(session_idle_ms_, role_idle_timeout_ms_)) t.idle_ms = role_idle_timeout_ms_;
  return t;
}

db::DbResult<int64_t> Deployer::ShowMs(const std::string& name) {
  db::DbResult<db::Rows> r = conn_->Exec("SHOW " + name);
  if (!r.ok()) return r.error();
  const std::string text = r->empty() ? std::string() : r->rows[0][0].value_or("");
  Result<int64_t> ms = ParseDurationMs(text);
  if (!ms.ok()) {
    db::DbError e;
    e.message = "unexpected " + name + " '" + text + "'";
    return e;
  }
  return *ms;
}

StatusCode Deployer::ReadSessionTimeouts() {
  if (!timeouts_touched_) return StatusCode::kOk;
  db::DbResult<int64_t> lock = ShowMs("lock_timeout");
  if (!lock.ok()) return DbFailure(lock.error(), "reading lock_timeout");
  db::DbResult<int64_t> statement = ShowMs("statement_timeout");
  if (!statement.ok()) return DbFailure(statement.error(), "reading statement_timeout");
  db::DbResult<int64_t> idle = ShowMs("idle_in_transaction_session_timeout");
  if (!idle.ok()) return DbFailure(idle.error(), "reading idle_in_transaction_session_timeout");
  file_.lock = *lock > 0 && *lock < options_.lock_timeout_ms ? *lock : 0;
  const int64_t statement_ceiling =
      options_.statement_timeout_ms.value_or(role_statement_timeout_ms_);
  file_.statement =
      !Raises(*statement, statement_ceiling) && *statement != statement_ceiling ? *statement : 0;
  session_idle_ms_ = *idle;
  timeouts_touched_ = false;
  return StatusCode::kOk;
}

std::optional<db::DbError> Deployer::KeepCeilings(const PlannedStatement& s) {
  timeouts_touched_ = true;
  const int64_t statement_ceiling =
      s.statement_timeout_ms == std::optional<int64_t>(0) ? 0 : StatementCeiling(s);
  struct Bound {
    const char* name;
    int64_t ceiling;
    int64_t* in_effect;
    int64_t* kept;  // the stricter value kept for the following statements
  };
  int64_t idle_kept = 0;
  for (const Bound& b :
       {Bound{"lock_timeout", options_.lock_timeout_ms, &in_effect_.lock, &file_.lock},
        Bound{"statement_timeout", statement_ceiling, &in_effect_.statement, &file_.statement},
        Bound{"idle_in_transaction_session_timeout", role_idle_timeout_ms_, &in_effect_.idle,
              &idle_kept}}) {
    db::DbResult<int64_t> value = ShowMs(b.name);
    if (!value.ok()) return value.error();
    if (*value == *b.in_effect) continue;
    const std::string theirs = Timeout(*value), ours = Timeout(b.ceiling);
    if (Raises(*value, b.ceiling)) {
      db::DbResult<db::Rows> set =
          conn_->Exec(std::string("SET LOCAL ") + b.name + " = " + PgDuration(b.ceiling));
      if (!set.ok()) return set.error();
      out_.Line("  " + s.where() + ": note: " + s.summary() + " sets " + b.name + " to " + theirs +
                ", above lockstep's " + ours + ": lockstep's " + ours + " applies");
      *b.in_effect = b.ceiling;
      *b.kept = 0;
    } else if (*value == b.ceiling) {
      out_.Line("  " + s.where() + ": note: " + b.name + " is lockstep's " + ours + " again");
      *b.in_effect = b.ceiling;
      *b.kept = 0;
    } else {
      out_.Line("  " + s.where() + ": note: " + b.name + " " + theirs +
                " set by the migration applies (stricter than lockstep's " + ours + ")");
      *b.in_effect = *value;
      *b.kept = *value;
    }
  }
  return std::nullopt;
}

std::string Deployer::Where(const MigrationPlan& plan, const PlannedStatement* s,
                            const db::DbError* e) const {
  if (!s) return plan.path();
  size_t offset = static_cast<size_t>(s->begin);
  if (e && e->position > 0 && e->internal_query.empty()) {
    offset += CharIndexToByteOffset(s->sql(), e->position);
  }
  return plan.file->Where(offset);
}

StatusCode Deployer::DbFailure(const db::DbError& e, const std::string& during) {
  if (IsLost(e)) {
    out_.Error("lockstep deploy: error: the connection to the server was lost while " + during +
               ": " + e.OneLine() +
               ". Nothing is recorded as failed; run `lockstep deploy` again to resume.");
  } else {
    out_.Error("lockstep deploy: error: " + during + ": " + e.OneLine());
  }
  return StatusCode::kDatabase;
}

StatusCode Deployer::Bookkeeping(const std::string& sql, const std::string& what) {
  const Clock::time_point start = Clock::now();
  for (int failed = 1;; ++failed) {
    db::DbResult<db::Rows> r = conn_->Exec(sql);
    if (r.ok()) return StatusCode::kOk;
    if (!IsRetryable(r.error().sqlstate)) return DbFailure(r.error(), what);
    const int64_t delay = backoff_.DelayMs(failed);
    if (!backoff_.ShouldRetry(failed, MsSince(start), delay)) return DbFailure(r.error(), what);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  }
}

StatusCode Deployer::Lost(const MigrationPlan& plan, const PlannedStatement* s,
                          const db::DbError& e) {
  // An untracked migration is one transaction (plan.h, tracked()): it has no committed steps to
  // keep, and its commit records it in _prisma_migrations in the same transaction.
  const std::string after =
      plan.tracked()
          ? ". Nothing is recorded as failed and committed steps are kept in _lockstep_progress: "
            "run `lockstep deploy` again to resume."
          : ". It runs in one transaction, which the server rolls back when the connection is "
            "lost before its COMMIT (a COMMIT that got through recorded it as applied too): "
            "nothing is recorded as failed; run `lockstep deploy` again.";
  out_.Error(Where(plan, s, nullptr) +
             ": error: the connection to the server was lost while applying " + plan.name + ": " +
             e.OneLine() + after);
  return StatusCode::kDatabase;
}

StatusCode Deployer::TimedOut(const MigrationPlan& plan, const PlannedStatement* s,
                              const db::DbError& e) {
  std::string limit;
  if (s && StatementTimeoutFor(*s) > 0) {
    limit = " (statement_timeout " + FormatDuration(StatementTimeoutFor(*s));
    if (file_.statement > 0 && file_.statement == StatementTimeoutFor(*s))
      limit += ", set by the migration";
    else if (!s->statement_timeout_ms)
      limit += ", the role's or database's own: --statement-timeout overrides it";
    limit += ")";
  }
  out_.Error(Where(plan, s, nullptr) + ": error: " + e.message + limit +
             ". This step was rolled back and nothing is recorded as failed: raise "
             "--statement-timeout (or find who canceled it) and run `lockstep deploy` again.");
  return StatusCode::kTimedOut;
}

StatusCode Deployer::LockTableRanOut(const MigrationPlan& plan, const Step& step,
                                     const PlannedStatement* s, const db::DbError& e) {
  // After the ROLLBACK: the settings that size the table (PostgreSQL allocates
  // max_locks_per_transaction × (max_connections + its other process slots +
  // max_prepared_transactions) entries, shared by every session).
  std::string sizes =
      "max_locks_per_transaction × (max_connections + max_prepared_transactions "
      "+ the server's other process slots)";
  db::DbResult<db::Rows> r = conn_->Exec(
      "SELECT current_setting('max_locks_per_transaction'), "
      "current_setting('max_connections'), "
      "current_setting('max_prepared_transactions')");
  if (r.ok() && !r->empty()) {
    const auto& row = r->rows[0];
    sizes = "max_locks_per_transaction (" + row[0].value_or("?") + ") × (max_connections (" +
            row[1].value_or("?") + ") + max_prepared_transactions (" + row[2].value_or("?") +
            ") + the server's other process slots)";
  }
  std::string at;
  if (s && step.kind == StepKind::kTransaction) {
    at = " at statement " + std::to_string(s->index - step.first() + 1) + " of " +
         std::to_string(step.statements.size()) + " in its transaction";
  }
  const std::string kept =
      plan.tracked() ? " (steps committed before it are kept in _lockstep_progress)" : "";
  out_.Error(Where(plan, s, nullptr) + ": error: " + e.message + "\n  HINT: " + e.hint +
             "\nThe server's lock table is full" + at +
             ": a transaction keeps until its end a lock on every table, index, default or other "
             "object it alters or drops, and the table holds " +
             sizes + " locks for all sessions together. The step was rolled back" + kept +
             " and nothing is recorded as failed: raise max_locks_per_transaction (a server "
             "restart), or split " +
             plan.name + " into smaller migrations, and run `lockstep deploy` again.");
  return StatusCode::kDatabase;
}

StatusCode Deployer::Failed(const MigrationPlan& plan, const PlannedStatement* s,
                            const db::DbError& e, int committed) {
  const std::string where = Where(plan, s, &e);
  std::string message = where + ": error: " + e.message;
  if (!e.detail.empty()) message += "\n  DETAIL: " + e.detail;
  if (!e.hint.empty()) message += "\n  HINT: " + e.hint;
  if (!e.internal_query.empty()) message += "\n  QUERY: " + e.internal_query;
  out_.Error(message);

  std::string logs =
      "Database error code: " + (e.sqlstate.empty() ? std::string("none") : e.sqlstate) +
      "\n\nDatabase error:\n" + (e.severity.empty() ? "ERROR" : e.severity) + ": " + e.message +
      "\n";
  if (!e.detail.empty()) logs += "DETAIL: " + e.detail + "\n";
  if (!e.hint.empty()) logs += "HINT: " + e.hint + "\n";
  logs += "\nPosition: " + where + "\n";
  if (s)
    logs += "Statement " + std::to_string(s->index + 1) + " of " +
            std::to_string(plan.statement_count) + ": " + s->summary() + "\n";
  logs += "\nApplied by lockstep deploy; " + std::to_string(committed) + " of " +
          std::to_string(plan.statement_count) + " statements were committed before the failure.\n";

  std::string sql = ledger::InsertFailedSql(target_.tables, NewUuidV4(), plan.name, plan.checksum,
                                            logs, plan.tracked() && progress_table_);
  if (plan.tracked() && progress_table_ && committed == 0) {
    sql =
        "BEGIN; " + sql + "; " + ledger::DeleteProgressSql(target_.tables, plan.name) + "; COMMIT";
  }
  if (StatusCode code = Bookkeeping(sql, "recording the failure of " + plan.name);
      code != StatusCode::kOk)
    return code;
  std::string after = "Migration " + plan.name +
                      " failed and is recorded as failed in _prisma_migrations, as Prisma does: "
                      "new migrations will not be applied (P3009) until you run `lockstep "
                      "resolve --rolled-back " +
                      plan.name + "` (after undoing what it did) or `lockstep resolve --applied " +
                      plan.name + "` (after completing it by hand).";
  if (committed > 0) {
    after += " Statements 1-" + std::to_string(committed) +
             " were committed before the failure (kept in _lockstep_progress).";
  }
  out_.Error(after);
  return StatusCode::kMigrationFailed;
}

bool Deployer::WaitForRetry(const MigrationPlan& plan, const PlannedStatement* s,
                            const std::string& sqlstate, int failed_attempts,
                            Clock::time_point first_attempt, StatusCode& code) {
  std::vector<Blocker> blockers = monitor_->Blockers();
  if (blockers.empty() && s) {
    db::DbResult<std::vector<Blocker>> holders = LockHolders(*conn_, s->relations);
    if (holders.ok()) blockers = std::move(*holders);
  }
  // A serialization failure has no blocker: a concurrent transaction committed first.
  const std::string who =
      sqlstate == "40001" ? std::string("lost to a concurrent transaction that committed first")
      : blockers.empty()
          ? std::string("blocked by a session that finished before it could be identified")
          : "blocked by " + FormatBlockers(blockers);
  const int64_t delay = backoff_.DelayMs(failed_attempts);
  const std::string what = s ? s->summary() : std::string("COMMIT");
  std::string cause = RetryCause(sqlstate, in_effect_.lock);
  if (sqlstate == "55P03" && in_effect_.lock < options_.lock_timeout_ms)
    cause.insert(cause.size() - 1, ", set by the migration");
  if (!backoff_.ShouldRetry(failed_attempts, MsSince(first_attempt), delay)) {
    out_.Error(Where(plan, s, nullptr) + ": error: gave up on " + plan.name + " after " +
               std::to_string(failed_attempts) + " attempts in " +
               Seconds(MsSince(first_attempt) / 1000.0) + " (last: " + cause +
               "), each waiting at most lock_timeout " + FormatDuration(in_effect_.lock) +
               " for its locks (" + what + "); last " + who +
               ". The step was rolled back and nothing is recorded as failed: run `lockstep "
               "deploy` again later, or raise --max-attempts / --retry-deadline.");
    code = StatusCode::kTimedOut;
    return false;
  }
  out_.Line("  " + cause + " at " + Where(plan, s, nullptr) + " (" + what + "), attempt " +
            std::to_string(failed_attempts) + "/" + std::to_string(options_.max_attempts) + ": " +
            who + "; retrying in " + Seconds(delay / 1000.0));
  std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  return true;
}

db::DbResult<db::Rows> Deployer::RunStatement(const PlannedStatement& s, std::string_view sql,
                                              std::optional<WaitBounds> bounds) {
  monitor_->Start(s, bounds);
  const Clock::time_point start = Clock::now();
  db::DbResult<db::Rows> r = conn_->Exec(sql);
  monitor_->Finish();
  const double secs = MsSince(start) / 1000.0;
  if (r.ok() && (s.long_running || secs * 1000 >= options_.long_statement_ms)) {
    out_.Line("  " + s.summary() + "  (" + Seconds(secs) + ")");
  }
  return r;
}

StatusCode Deployer::MigrationLockCycle(const MigrationPlan& plan, const PlannedStatement& s,
                                        const Blocker& waiter, bool started) {
  const std::string lock = "pg_advisory_lock(" + std::to_string(kAdvisoryLockKey) + ")";
  out_.Error(
      Where(plan, &s, nullptr) + ": error: pid " + std::to_string(waiter.pid) + " (" +
      (waiter.application.empty() ? std::string("no application_name") : waiter.application) +
      ", " + (waiter.query.empty() ? std::string("") : waiter.query + ", ") +
      "in its transaction for " + Seconds(waiter.seconds) +
      ") is waiting for lockstep's migration lock (" + lock +
      "), as `prisma migrate deploy` does; it will run after lockstep finishes. " + s.summary() +
      " waits for every older transaction to end, that one included, so neither can go on: " +
      (started ? "lockstep stopped it (" : "lockstep does not start it (") +
      "canceling that session is not lockstep's to do) and exits now, which releases the lock. "
      "Nothing is recorded as failed. If that session belongs to a `prisma migrate deploy` that "
      "is still running, it applies the pending migrations itself, without lockstep's "
      "lock_timeout: stop it first if you want lockstep to apply them, then run `lockstep "
      "deploy` again.");
  return StatusCode::kTimedOut;
}

StatusCode Deployer::WaitedTooLong(const MigrationPlan& plan, const PlannedStatement& s,
                                   const Verdict& verdict) {
  const std::string who =
      verdict.waited_for.pid ? ", last for " + FormatBlockers({verdict.waited_for}) : std::string();
  out_.Error(Where(plan, &s, nullptr) + ": error: gave up on " + plan.name + ": " + s.summary() +
             " waited " + Seconds(verdict.waited_ms / 1000.0) +
             " for older transactions to end, the rest of --retry-deadline (" +
             FormatDuration(options_.retry_deadline_ms) + ")" + who +
             ". It cannot finish before every transaction older than it ends; waiting blocked "
             "nobody. It was canceled (nothing INVALID is left) and nothing is recorded as "
             "failed: end that transaction, or raise --retry-deadline, and run `lockstep "
             "deploy` again.");
  return StatusCode::kTimedOut;
}

StatusCode Deployer::ReplicaFailure(const Status& s) {
  out_.Error("lockstep deploy: error: " + s.message() +
             ". Stopped before the next step: --replica asks for a protection lockstep cannot "
             "give without it; run `lockstep deploy` again to resume.");
  return StatusCode::kDatabase;
}

std::optional<StatusCode> Deployer::ClearReplicas(const MigrationPlan& plan, const Step& step,
                                                  int failed_attempts,
                                                  Clock::time_point first_attempt) {
  if (!replicas_) return StatusCode::kOk;
  std::vector<sql::QName> relations;
  const PlannedStatement* first = nullptr;
  for (const PlannedStatement& s : step.statements) {
    for (const sql::QName& q : s.strong_locks()) {
      if (std::find(relations.begin(), relations.end(), q) == relations.end())
        relations.push_back(q);
      if (!first) first = &s;
    }
  }
  if (relations.empty()) return StatusCode::kOk;
  // A replica that lags would meet the lock later than the check looked: let it replay what the
  // primary wrote so far (briefly), so that the check sees what the replay will meet.
  Result<std::string> lsn = PrimaryLsn(*conn_);
  if (!lsn.ok()) return ReplicaFailure(lsn.status());
  const Clock::time_point start = Clock::now();
  std::vector<int64_t> lags;
  size_t behind = 0;
  while (true) {
    Result<std::vector<int64_t>> r = replicas_->LagMs(*lsn);
    if (!r.ok()) return ReplicaFailure(r.status());
    lags = std::move(*r);
    behind = std::find_if(lags.begin(), lags.end(), [](int64_t l) { return l > 0; }) - lags.begin();
    if (behind == lags.size() ||
        MsSince(start) >= std::max(options_.lock_timeout_ms, options_.max_replica_lag_ms))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Like a lock request under lock_timeout: a reader that ends within it is waited for, one that
  // does not makes this attempt fail. Short reads come and go, so one sample would not do.
  const Clock::time_point checked = Clock::now();
  Result<std::vector<ReplicaBlocker>> blockers = std::vector<ReplicaBlocker>();
  while (true) {
    blockers = replicas_->Blockers(relations, target_.tables.schema);
    if (!blockers.ok()) return ReplicaFailure(blockers.status());
    if (blockers->empty() || MsSince(checked) >= options_.lock_timeout_ms) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (blockers->empty() && behind == lags.size()) return StatusCode::kOk;
  const std::string who = !blockers->empty()
                              ? FormatReplicaBlockers(*blockers)
                              : "replica " + replicas_->name(behind) +
                                    " has not replayed the primary's WAL up to " + *lsn +
                                    " (replay lag " + FormatDuration(lags[behind]) + ")";
  const int64_t delay = backoff_.DelayMs(failed_attempts);
  if (!backoff_.ShouldRetry(failed_attempts, MsSince(first_attempt), delay)) {
    out_.Error(Where(plan, first, nullptr) + ": error: gave up on " + plan.name + " after " +
               std::to_string(failed_attempts) + " attempts in " +
               Seconds(MsSince(first_attempt) / 1000.0) +
               ": a replica was not clear for its lock (standby sessions on its tables, whose "
               "readers the replayed lock would queue, or a replay behind the primary) (" +
               first->summary() + "); last in the way: " + who +
               ". The step was not started and nothing is recorded as failed: run `lockstep "
               "deploy` again later, or raise --max-attempts / --retry-deadline.");
    return StatusCode::kTimedOut;
  }
  out_.Line("  replica in the way at " + Where(plan, first, nullptr) + " (" + first->summary() +
            "), attempt " + std::to_string(failed_attempts) + "/" +
            std::to_string(options_.max_attempts) + ": " + who + "; retrying in " +
            Seconds(delay / 1000.0));
  std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  return std::nullopt;
}

StatusCode Deployer::RunTransaction(const MigrationPlan& plan, const Step& step, bool last) {
  const Clock::time_point first_attempt = Clock::now();
  for (int failed_attempts = 1;; ++failed_attempts) {
    KillPoint(plan.name);
    if (const std::optional<StatusCode> gate =
            ClearReplicas(plan, step, failed_attempts, first_attempt);
        gate != StatusCode::kOk) {
      if (gate) return *gate;
      continue;
    }
    if (StatusCode code = ReadSessionTimeouts(); code != StatusCode::kOk) return code;
    const StepTimeouts timeouts = TimeoutsFor(step.statements.front());
    db::DbResult<db::Rows> begin = conn_->Exec(TxBeginSql(step, timeouts));
    if (!begin.ok()) return DbFailure(begin.error(), "starting a transaction for " + plan.name);
    in_effect_ = {timeouts.lock_ms, *timeouts.statement_ms,
                  timeouts.idle_ms.value_or(session_idle_ms_)};
    const PlannedStatement* at = nullptr;
    std::optional<db::DbError> error;
    for (const PlannedStatement& s : step.statements) {
      if (const int64_t timeout = StatementTimeoutFor(s); timeout != in_effect_.statement) {
        db::DbResult<db::Rows> set = conn_->Exec(SetLocalStatementTimeoutSql(timeout));
        if (!set.ok()) return DbFailure(set.error(), "setting statement_timeout");
        in_effect_.statement = timeout;
      }
      KillPoint(plan.name);
      db::DbResult<db::Rows> r = RunStatement(s, s.sql());
      if (r.ok() && s.may_change_timeouts) {
        if (std::optional<db::DbError> e = KeepCeilings(s)) r = *e;
      }
      if (!r.ok()) {
        at = &s;
        error = r.error();
        break;
      }
    }
    if (!error) {
      KillPoint(plan.name);
      db::DbResult<db::Rows> end =
          conn_->Exec(TxEndSql(plan, step, last, target_.tables, NewUuidV4()));
      if (end.ok()) {
        KillPoint(plan.name);
        return StatusCode::kOk;
      }
      error = end.error();
    }
    if (IsLost(*error)) return Lost(plan, at, *error);
    conn_->Exec("ROLLBACK");
    if (IsRetryable(error->sqlstate)) {
      StatusCode code = StatusCode::kOk;
      if (!WaitForRetry(plan, at, error->sqlstate, failed_attempts, first_attempt, code))
        return code;
      continue;
    }
    if (error->sqlstate == "57014") return TimedOut(plan, at, *error);
    if (LockTableFull(*error)) return LockTableRanOut(plan, step, at, *error);
    return Failed(plan, at, *error, step.first());
  }
}

db::DbResult<Deployer::IndexState> Deployer::IndexByName(const PlannedStatement& s) {
  // A concurrently built index lives in its table's schema; an unqualified table resolves
  // through search_path exactly as in the statement.
  db::DbResult<db::Rows> r = conn_->Exec(
      "SELECT i.indisvalid::text, EXISTS (SELECT 1 FROM pg_catalog.pg_stat_progress_create_index "
      "p WHERE p.index_relid = c.oid AND p.pid <> pg_catalog.pg_backend_pid())::text, "
      "c.oid::regclass::text FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = "
      "i.indexrelid WHERE i.indrelid = pg_catalog.to_regclass($1) AND c.relname = $2",
      {Qualified(s.objects->table), s.objects->index.name});
  if (!r.ok()) return r.error();
  IndexState st;
  if (r->empty()) return st;
  st.exists = true;
  st.valid = r->rows[0][0] == std::optional<std::string>("true");
  st.building = r->rows[0][1] == std::optional<std::string>("true");
  st.name = r->rows[0][2].value_or("");
  return st;
}

db::DbResult<std::set<std::string>> Deployer::IndexOids(const sql::QName& table) {
  db::DbResult<db::Rows> r = conn_->Exec(
      "SELECT indexrelid::text FROM pg_catalog.pg_index WHERE indrelid = "
      "pg_catalog.to_regclass($1)",
      {Qualified(table)});
  if (!r.ok()) return r.error();
  std::set<std::string> out;
  for (const auto& row : r->rows) out.insert(row[0].value_or(""));
  return out;
}

StatusCode Deployer::DropIndexConcurrently(const std::string& qualified, const std::string& why) {
  out_.Line("  dropping INVALID index " + qualified + " (" + why + ")");
  const std::string sql = "DROP INDEX CONCURRENTLY IF EXISTS " + qualified;
  const Clock::time_point start = Clock::now();
  for (int failed = 1;; ++failed) {
    db::DbResult<db::Rows> r = conn_->Exec(sql);
    if (r.ok()) return StatusCode::kOk;
    if (!IsRetryable(r.error().sqlstate))
      return DbFailure(r.error(), "dropping the INVALID index " + qualified);
    const int64_t delay = backoff_.DelayMs(failed);
    if (!backoff_.ShouldRetry(failed, MsSince(start), delay)) {
      out_.Error("lockstep deploy: error: could not drop the INVALID index " + qualified +
                 " within the retry budget (lock_timeout " +
                 FormatDuration(options_.lock_timeout_ms) + "); run `lockstep deploy` again later");
      return StatusCode::kTimedOut;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  }
}

// Drops INVALID indexes matching `where_sql` (over pg_index i, pg_class c) that no backend is
// building. kOk or what stopped the deploy.
StatusCode Deployer::DropInvalidIndexes(const std::string& where_sql,
                                        const std::vector<std::optional<std::string>>& params,
                                        const std::string& why) {
  db::DbResult<db::Rows> r = conn_->Exec(
      "SELECT c.oid::regclass::text, c.oid::text FROM pg_catalog.pg_index i JOIN "
      "pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid AND NOT EXISTS "
      "(SELECT 1 FROM pg_catalog.pg_stat_progress_create_index p WHERE p.index_relid = c.oid) "
      "AND (" +
          where_sql + ") ORDER BY 1",
      params);
  if (!r.ok()) return DbFailure(r.error(), "looking for INVALID indexes");
  for (const auto& row : r->rows) {
    if (StatusCode code = DropIndexConcurrently(row[0].value_or(""), why); code != StatusCode::kOk)
      return code;
  }
  return StatusCode::kOk;
}

db::DbResult<db::Rows> Deployer::DetachState(const PlannedStatement& s) {
  return conn_->Exec(
      "SELECT inhdetachpending::text FROM pg_catalog.pg_inherits WHERE inhrelid = "
      "pg_catalog.to_regclass($1) AND inhparent = pg_catalog.to_regclass($2)",
      {Qualified(s.objects->partition), Qualified(s.objects->table)});
}

std::string Deployer::FinalizeDetachSql(const PlannedStatement& s) const {
  return "ALTER TABLE " + Qualified(s.objects->table) + " DETACH PARTITION " +
         Qualified(s.objects->partition) + " FINALIZE";
}

// Before a statement that runs outside a transaction, what an earlier attempt or run left: an
// INVALID index of an interrupted concurrent build or reindex is dropped, a statement that already
// took effect is `done`, a partition left "detach pending" gets FINALIZE as its `sql`.
// kOk or what stopped the deploy.
StatusCode Deployer::RecoverOutside(const PlannedStatement& s, bool maybe_ran, std::string& sql,
                                    bool& done) {
  switch (s.recovery) {
    case Recovery::kCreateIndexConcurrently:
      if (!s.objects->index.name.empty()) {
        db::DbResult<IndexState> st = IndexByName(s);
        if (!st.ok()) return DbFailure(st.error(), "checking index " + s.objects->index.name);
        if (st->exists && !st->valid) {
          if (st->building) {
            out_.Error(s.where() + ": error: index " + st->name +
                       " is being built by another session right now; run `lockstep deploy` "
                       "again when it has finished");
            return StatusCode::kLockHeld;
          }
          if (StatusCode code = DropIndexConcurrently(st->name,
                                                      "left by an interrupted or failed "
                                                      "concurrent build; rebuilding it");
              code != StatusCode::kOk)
            return code;
        } else if (st->exists && maybe_ran) {
          out_.Line("  " + st->name + " was already built by the interrupted run");
          done = true;
        }
      } else if (maybe_ran) {
        if (StatusCode code = DropInvalidIndexes("i.indrelid = pg_catalog.to_regclass($1)",
                                                 {Qualified(s.objects->table)},
                                                 "left by the interrupted run; rebuilding");
            code != StatusCode::kOk)
          return code;
      }
      break;
    case Recovery::kReindexConcurrently:
      if (!s.objects->index.name.empty()) {
        if (StatusCode code = DropInvalidIndexes(
                "i.indrelid = (SELECT indrelid FROM pg_catalog.pg_index WHERE indexrelid = "
                "pg_catalog.to_regclass($1)) AND (starts_with(c.relname, $2 || '_ccnew') OR "
                "starts_with(c.relname, $2 || '_ccold'))",
                {Qualified(s.objects->index), s.objects->index.name},
                "left by an interrupted REINDEX CONCURRENTLY");
            code != StatusCode::kOk)
          return code;
      } else if (!s.objects->table.name.empty()) {
        if (StatusCode code = DropInvalidIndexes(
                // REINDEX TABLE rebuilds the TOAST table's index too.
                "i.indrelid IN (pg_catalog.to_regclass($1), (SELECT reltoastrelid FROM "
                "pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass($1))) AND (c.relname "
                "LIKE '%\\_ccnew%' OR c.relname LIKE '%\\_ccold%')",
                {Qualified(s.objects->table)}, "left by an interrupted REINDEX CONCURRENTLY");
            code != StatusCode::kOk)
          return code;
      }
      break;
    case Recovery::kDropIndexConcurrently:
      if (maybe_ran) {
        db::DbResult<db::Rows> r =
            conn_->Exec("SELECT 1 FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass($1)",
                        {Qualified(s.objects->index)});
        if (!r.ok()) return DbFailure(r.error(), "checking index " + s.objects->index.name);
        if (r->empty()) {
          out_.Line("  " + s.objects->index.name + " was already dropped by the interrupted run");
          done = true;
        }
      }
      break;
    case Recovery::kDetachConcurrently: {
      db::DbResult<db::Rows> r = DetachState(s);
      if (!r.ok()) return DbFailure(r.error(), "checking partition " + s.objects->partition.name);
      if (!r->empty() && r->rows[0][0] == std::optional<std::string>("true")) {
        out_.Line("  " + s.objects->partition.name +
                  " was left \"detach pending\" by an interrupted run: finalizing the detach");
        sql = FinalizeDetachSql(s);
      } else if (r->empty() && maybe_ran) {
        out_.Line("  " + s.objects->partition.name +
                  " was already detached by the interrupted run");
        done = true;
      }
      break;
    }
    case Recovery::kRerun:
      break;
  }
  return StatusCode::kOk;
}

// After a failed attempt: the INVALID index a concurrent build (not among `before`, the table's
// indexes before it) or reindex left. Never left behind. kOk or what stopped the deploy.
StatusCode Deployer::DropLeftByAttempt(const PlannedStatement& s,
                                       const std::set<std::string>& before) {
  if (s.recovery == Recovery::kCreateIndexConcurrently) {
    std::string list;
    for (const std::string& oid : before) list += (list.empty() ? "" : ",") + oid;
    if (StatusCode code =
            DropInvalidIndexes("i.indrelid = pg_catalog.to_regclass($1) AND NOT (c.oid::text = ANY "
                               "(string_to_array($2, ',')))",
                               {Qualified(s.objects->table), list}, "left by the failed attempt");
        code != StatusCode::kOk)
      return code;
  } else if (s.recovery == Recovery::kReindexConcurrently) {
    if (StatusCode code = DropInvalidIndexes(
            "c.relname LIKE '%\\_ccnew%' AND i.indrelid IN (SELECT indrelid FROM "
            "pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass($1) UNION ALL "
            "SELECT pg_catalog.to_regclass($2) UNION ALL SELECT reltoastrelid FROM "
            "pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass($2))",
            {s.objects->index.name.empty() ? std::nullopt
                                           : std::optional(Qualified(s.objects->index)),
             s.objects->table.name.empty() ? std::nullopt
                                           : std::optional(Qualified(s.objects->table))},
            "left by the failed attempt");
        code != StatusCode::kOk)
      return code;
  }
  return StatusCode::kOk;
}

// Runs `s` (as `sql`) outside a transaction, attempt after attempt: each cleared with the
// replicas, its waits for older transactions bounded by the monitor, a failed attempt's leftovers
// dropped, retried while the retry budget lasts. kOk or what stopped the deploy.
StatusCode Deployer::AttemptOutside(const MigrationPlan& plan, const Step& step, std::string sql) {
  const PlannedStatement& s = step.statements.front();
  const Clock::time_point first_attempt = Clock::now();
  for (int failed_attempts = 1;; ++failed_attempts) {
    if (const std::optional<StatusCode> gate =
            ClearReplicas(plan, step, failed_attempts, first_attempt);
        gate != StatusCode::kOk) {
      if (gate) return *gate;
      continue;
    }
    // A failed attempt may have committed its first transaction (the partition is "detach
    // pending"): sending the statement again would fail, FINALIZE completes it.
    if (failed_attempts > 1 && s.recovery == Recovery::kDetachConcurrently && sql == s.sql()) {
      db::DbResult<db::Rows> st = DetachState(s);
      if (!st.ok()) return DbFailure(st.error(), "checking partition " + s.objects->partition.name);
      if (!st->empty() && st->rows[0][0] == std::optional<std::string>("true")) {
        out_.Line("  " + s.objects->partition.name +
                  " is \"detach pending\" after the failed attempt: finalizing the detach");
        sql = FinalizeDetachSql(s);
      }
    }
    std::set<std::string> before;
    const bool builds_index = s.recovery == Recovery::kCreateIndexConcurrently;
    if (builds_index) {
      db::DbResult<std::set<std::string>> oids = IndexOids(s.objects->table);
      if (!oids.ok())
        return DbFailure(oids.error(), "listing the indexes of " + s.objects->table.name);
      before = std::move(*oids);
    }
    // Waits for older transactions block nobody: the statement runs with lock_timeout 0 and
    // the monitor bounds its lock waits by lockstep's lock_timeout, its waits for other
    // transactions by what is left of the retry deadline (docs/deploy.md).
    std::optional<WaitBounds> bounds;
    if (s.waits_for_older_transactions) {
      if (options_.use_advisory_lock) {
        db::DbResult<std::vector<Blocker>> waiters = MigrationLockWaiters(*conn_);
        if (!waiters.ok()) return DbFailure(waiters.error(), "looking for migration lock waiters");
        if (!waiters->empty()) return MigrationLockCycle(plan, s, waiters->front(), false);
      }
      if (monitor_->Connect()) {
        bounds =
            WaitBounds{in_effect_.lock,
                       std::max<int64_t>(options_.retry_deadline_ms - MsSince(first_attempt), 1)};
        if (db::DbResult<db::Rows> set = conn_->Exec("SET lock_timeout = 0"); !set.ok())
          return DbFailure(set.error(), "setting lock_timeout");
      }
    }
    db::DbResult<db::Rows> r = RunStatement(s, sql, bounds);
    const Verdict verdict = monitor_->TakeVerdict();
    if (bounds && conn_->is_open()) {
      if (db::DbResult<db::Rows> set =
              conn_->Exec("SET lock_timeout = " + PgDuration(in_effect_.lock));
          !set.ok())
        return DbFailure(set.error(), "setting lock_timeout");
    }
    if (r.ok()) break;
    const db::DbError error = r.error();
    if (IsLost(error)) return Lost(plan, &s, error);
    if (StatusCode code = DropLeftByAttempt(s, before); code != StatusCode::kOk) return code;
    // A statement that failed on its own before the cancel landed keeps its own error.
    const CancelReason canceled = error.sqlstate == "57014" ? verdict.reason : CancelReason::kNone;
    switch (canceled) {
      case CancelReason::kMigrationLockWaiter:
        return MigrationLockCycle(plan, s, verdict.waited_for, true);
      case CancelReason::kTransactionsTooLong:
        return WaitedTooLong(plan, s, verdict);
      case CancelReason::kLockTimeout:
      case CancelReason::kNone:
        break;
    }
    const std::string counts_as =
        canceled == CancelReason::kLockTimeout ? std::string("55P03") : error.sqlstate;
    if (IsRetryable(counts_as)) {
      StatusCode code = StatusCode::kOk;
      if (!WaitForRetry(plan, &s, counts_as, failed_attempts, first_attempt, code)) return code;
      continue;
    }
    if (error.sqlstate == "57014") return TimedOut(plan, &s, error);
    if (LockTableFull(error)) return LockTableRanOut(plan, step, &s, error);
    return Failed(plan, &s, error, s.index);
  }
  return StatusCode::kOk;
}

StatusCode Deployer::RunOutside(const MigrationPlan& plan, const Step& step, bool last,
                                bool maybe_ran) {
  const PlannedStatement& s = step.statements.front();
  KillPoint(plan.name);
  if (StatusCode code = ReadSessionTimeouts(); code != StatusCode::kOk) return code;
  const StepTimeouts timeouts = TimeoutsFor(s);
  if (db::DbResult<db::Rows> r = conn_->Exec(OutsideSetupSql(timeouts)); !r.ok())
    return DbFailure(r.error(), "setting timeouts");
  if (timeouts.idle_ms) session_idle_ms_ = *timeouts.idle_ms;
  in_effect_ = {timeouts.lock_ms, *timeouts.statement_ms, session_idle_ms_};
  if (StatusCode code = Bookkeeping(OutsideMarkSql(plan, s, target_.tables), "recording progress");
      code != StatusCode::kOk)
    return code;
  KillPoint(plan.name);

  std::string sql(s.sql());
  bool done = false;
  if (StatusCode code = RecoverOutside(s, maybe_ran, sql, done); code != StatusCode::kOk)
    return code;
  if (!done) {
    if (StatusCode code = AttemptOutside(plan, step, std::move(sql)); code != StatusCode::kOk)
      return code;
  }
  KillPoint(plan.name);
  if (StatusCode code = Bookkeeping(OutsideEndSql(plan, s, last, target_.tables, NewUuidV4()),
                                    "recording progress of " + plan.name);
      code != StatusCode::kOk)
    return code;
  KillPoint(plan.name);
  return StatusCode::kOk;
}

// Errors that belong to the rows a batch touched (a value that does not convert, a constraint, a
// trigger's exception): a smaller batch narrows them down to one row. Others (an unknown column,
// a permission) fail every batch alike.
bool RowError(const std::string& sqlstate) {
  for (const char* cls : {"22", "23", "P0", "54", "2F", "38", "39", "XX"}) {
    if (sqlstate.rfind(cls, 0) == 0) return true;
  }
  return false;
}

std::string ProgressText(const std::string& table, int64_t rows, int64_t batches, double secs,
                         int64_t scanned_now, int64_t scanned_before,
                         const std::optional<int64_t>& estimate) {
  const double rate = secs > 0 ? static_cast<double>(scanned_now) / secs : 0;
  const double rows_rate = secs > 0 ? static_cast<double>(rows) / secs : 0;
  std::string text = "  backfill of " + table + ": " + Thousands(rows) + " rows updated in " +
                     Thousands(batches) + " batches, " +
                     Thousands(static_cast<int64_t>(rows_rate)) + " rows/s";
  const int64_t scanned = scanned_before + scanned_now;
  if (estimate && *estimate > 0 && scanned >= *estimate) {
    text += ", ETA unknown (more rows than the planner's estimate of " + Thousands(*estimate) + ")";
  } else if (estimate && *estimate > 0 && rate > 0) {
    const int64_t left = std::max<int64_t>(*estimate - scanned, 0);
    const double fraction = std::min(1.0, static_cast<double>(scanned) / *estimate);
    text += ", " + std::to_string(static_cast<int>(fraction * 100)) + "% of ~" +
            Thousands(*estimate) + " rows, ETA " + Seconds(left / rate);
  } else {
    text += ", ETA unknown (no row estimate)";
  }
  return text;
}

StatusCode Deployer::BackfillFailed(const MigrationPlan& plan, const PlannedStatement& s,
                                    const db::DbError& e, const BackfillKey& key,
                                    const BackfillPosition& done,
                                    const std::vector<std::string>& end, bool row) {
  out_.ClearProgress();
  const std::string table = Qualified(s.backfill->table);
  std::string message = Where(plan, &s, nullptr) + ": error: " + e.message;
  if (!e.detail.empty()) message += "\n  DETAIL: " + e.detail;
  if (!e.hint.empty()) message += "\n  HINT: " + e.hint;
  if (!e.internal_query.empty()) message += "\n  QUERY: " + e.internal_query;
  message += "\n  in the batched backfill of " + table + ", ";
  message += row ? "on the row " + DescribeKey(key.columns, end)
                 : "in the batch of keys " +
                       (done.after ? "after " + DescribeKey(key.columns, *done.after) + " "
                                   : std::string("from the first ")) +
                       "up to " + DescribeKey(key.columns, end);
  message += " (SQLSTATE " + (e.sqlstate.empty() ? std::string("none") : e.sqlstate) + ")";
  out_.Error(message);
  std::string after = done.after
                          ? "Batches up to " + DescribeKey(key.columns, *done.after) +
                                " are committed (" + Thousands(done.rows) +
                                " rows updated) and recorded in " + target_.tables.progress() + "; "
                          : "No batch was committed; ";
  after += "nothing is recorded as failed in _prisma_migrations, so that a re-run resumes: fix " +
           std::string(row ? "that row" : "the cause") + " and run `lockstep deploy` again (" +
           (done.after ? "it continues after " + DescribeKey(key.columns, *done.after)
                       : std::string("it starts from the first key")) +
           ", and updates every row once). To give the migration up instead, undo what it did "
           "and run `lockstep resolve --rolled-back " +
           plan.name +
           "`. Meanwhile do not run `prisma migrate deploy` here: it would run the whole UPDATE "
           "again, in one transaction.";
  out_.Error(after);
  return StatusCode::kMigrationFailed;
}

StatusCode Deployer::RunBackfill(const MigrationPlan& plan, const Step& step, bool last,
                                 const std::optional<BackfillPosition>& resume) {
  const PlannedStatement* update = BackfillStatement(step);
  const Backfill& b = *update->backfill;
  const std::string table = Qualified(b.table);
  // The session settings before the UPDATE (search_path, timeouts) hold for every batch.
  for (const PlannedStatement& s : step.statements) {
    if (&s == update) break;
    db::DbResult<db::Rows> r = conn_->Exec(s.sql());
    if (!r.ok()) {
      if (IsLost(r.error())) return Lost(plan, &s, r.error());
      return Failed(plan, &s, r.error(), step.first());
    }
    timeouts_touched_ = timeouts_touched_ || s.may_change_timeouts;
  }
  if (StatusCode code = ReadSessionTimeouts(); code != StatusCode::kOk) return code;

  db::DbResult<KeyChoice> choice = ChooseBackfillKey(*conn_, b);
  if (!choice.ok()) return DbFailure(choice.error(), "looking for the key of " + table);
  if (!choice->key) {
    out_.Error(update->where() + ": error: cannot run this UPDATE in batches: " + choice->refusal +
               ". lockstep deploy runs an UPDATE alone in its migration in short batches over "
               "the primary key (or a unique index on NOT NULL columns that it does not set), "
               "so that it never holds every row's lock at once, and it resumes after a crash "
               "without updating a row twice. Nothing was applied. To proceed, add a primary "
               "key (or such a unique index, CREATE UNIQUE INDEX CONCURRENTLY) in an earlier "
               "migration; or, to run it as one transaction as `prisma migrate deploy` does "
               "(every row locked until it commits), wrap it in BEGIN; ... COMMIT; in " +
               plan.path() + ".");
    return StatusCode::kBlocked;
  }
  const BackfillKey& key = *choice->key;
  const std::string key_text = "(" + [&] {
    std::string c;
    for (const std::string& k : key.columns) c += (c.empty() ? "" : ", ") + QuoteIdent(k);
    return c;
  }() + ")";
  if (resume && resume->key_columns != key.columns) {
    std::string was;
    for (const std::string& k : resume->key_columns)
      was += (was.empty() ? "" : ", ") + QuoteIdent(k);
    out_.Error(update->where() + ": error: " + plan.name +
               " was partly backfilled in batches over the key (" + was + "), and " + table +
               "'s key is now " + key_text +
               ": lockstep cannot tell which rows are done. Restore that key, or undo the "
               "committed batches and run `lockstep resolve --rolled-back " +
               plan.name + "`.");
    return StatusCode::kBlocked;
  }

  BackfillPosition pos;
  bool empty = false;
  if (resume) {
    pos = *resume;
  } else {
    db::DbResult<db::Rows> largest = conn_->Exec(LargestKeySql(b, key));
    if (!largest.ok()) {
      if (IsLost(largest.error())) return Lost(plan, update, largest.error());
      return DbFailure(largest.error(), "reading the largest key of " + table);
    }
    empty = largest->empty();
    pos.key_columns = key.columns;
    if (!empty) {
      for (const auto& v : largest->rows[0]) pos.bound.push_back(v.value_or(""));
      if (StatusCode code = Bookkeeping(
              ledger::SaveBackfillSql(target_.tables, plan.name, plan.checksum, update->index, pos),
              "recording the start of the backfill");
          code != StatusCode::kOk)
        return code;
    }
  }
  db::DbResult<std::optional<int64_t>> estimate = EstimateRows(*conn_, b);
  if (!estimate.ok()) return DbFailure(estimate.error(), "estimating the rows of " + table);

  std::string intro =
      "  batched backfill of " + table + " over its " +
      (key.primary ? std::string("primary key ") : "unique key " + QuoteIdent(key.index) + " ") +
      key_text;
  if (empty) {
    intro += ": the table is empty";
  } else {
    intro +=
        ", up to " + DescribeKey(key.columns, pos.bound) + " (its largest key when it started)";
    if (pos.after)
      intro += ", resuming after " + DescribeKey(key.columns, *pos.after) + " (" +
               Thousands(pos.rows) + " rows updated by an earlier run)";
    intro += "; batches of about " + FormatDuration(options_.backfill_batch_ms);
    if (options_.backfill_pause_ms > 0)
      intro += ", " + FormatDuration(options_.backfill_pause_ms) + " apart";
  }
  out_.Line(intro);

  const BackfillPosition before = pos;
  const Clock::time_point start = Clock::now();
  Clock::time_point last_report = start;
  int64_t n = 100, batches = 0;
  bool done = empty || (pos.after && *pos.after == pos.bound);
  // A batch failed on its rows: it is retried in halves to find the row, until a batch ends
  // where the failed one did (the failure was passed, or it is the row's).
  bool narrowing = false;
  std::vector<std::string> failed_end;
  // Replaying the cleanup of each batch's dead row versions waits for the readers of a replica
  // without hot_standby_feedback whose snapshots are older, and the next batch waits for that
  // replay: a snapshot held on the primary until the backfill ends keeps those versions, so no
  // such cleanup is written (SnapshotHold, docs/replicas.md). Released on every way out.
  std::unique_ptr<SnapshotHold> hold;
  const std::vector<std::string> without_feedback =
      replicas_ && !done ? replicas_->WithoutFeedback() : std::vector<std::string>();
  // The longest the hold idles between two renewals: a batch with its retries and the two waits
  // for the replicas, each bounded by --retry-deadline; a minute more for scheduling.
  const int64_t hold_idle_ms = 2 * options_.retry_deadline_ms +
                               2 * std::max<int64_t>(10 * options_.backfill_batch_ms, 1000) +
                               options_.backfill_pause_ms + 60'000;
  auto keep_hold = [&]() -> StatusCode {
    if (without_feedback.empty()) return StatusCode::kOk;
    Status renewed = hold ? hold->Renew() : Status::Error("");
    if (renewed.ok()) return StatusCode::kOk;
    Result<std::unique_ptr<SnapshotHold>> taken =
        SnapshotHold::Take(target_.conn, hold_idle_ms, kReplicaQueryTimeoutMs);
    if (!taken.ok()) {
      out_.ClearProgress();
      out_.Error(
          "lockstep deploy: error: cannot hold a snapshot on the primary for the replicas "
          "without hot_standby_feedback (" +
          taken.status().message() + "); the backfill of " + table + " stopped after " +
          Thousands(pos.rows) +
          " rows, its position is recorded: run `lockstep deploy` again to resume.");
      return StatusCode::kDatabase;
    }
    if (hold) {
      out_.Line("  the snapshot held on the primary was lost (" + renewed.message() +
                "): took a new one; the earlier batches' dead row versions may now be cleaned "
                "up, and their replay wait for older standby readers");
    } else {
      std::string names;
      for (const std::string& n : without_feedback) names += (names.empty() ? "" : ", ") + n;
      out_.Line("  holding a snapshot on the primary while the backfill runs (" +
                (without_feedback.size() == 1 ? "replica " + names + " has"
                                              : "replicas " + names + " have") +
                " hot_standby_feedback off): no cleanup of its dead row versions holds back the "
                "replay behind a standby reader");
    }
    hold = std::move(taken).value();
    return StatusCode::kOk;
  };
  while (!done) {
    KillPoint(plan.name);
    if (StatusCode code = keep_hold(); code != StatusCode::kOk) return code;
    const Clock::time_point first_attempt = Clock::now();
    for (int failed_attempts = 1;; ++failed_attempts) {
      if (StatusCode code = ReadSessionTimeouts(); code != StatusCode::kOk) return code;
      StepTimeouts timeouts = TimeoutsFor(*update);
      // Each batch holds its rows' locks for as long as it runs: its own statement_timeout keeps
      // that short even when none is set, and a batch that hits it is retried smaller.
      const int64_t batch_bound = std::max<int64_t>(10 * options_.backfill_batch_ms, 1000);
      timeouts.statement_ms = Stricter(timeouts.statement_ms.value_or(0), batch_bound);
      in_effect_ = {timeouts.lock_ms, *timeouts.statement_ms,
                    timeouts.idle_ms.value_or(session_idle_ms_)};
      // The batch's end is found before its transaction: it only bounds the range, which the
      // UPDATE then names by value, so the batch's row locks are held for the UPDATE alone.
      db::DbResult<db::Rows> r =
          conn_->Exec("SET LOCAL lock_timeout = " + PgDuration(timeouts.lock_ms) +
                      "; SET LOCAL statement_timeout = " + PgDuration(*timeouts.statement_ms) +
                      "; " + BatchEndSql(b, key, pos.after, pos.bound, n));
      std::vector<std::string> end = pos.bound;
      bool final_batch = true;
      if (r.ok() && !r->empty()) {
        end.clear();
        for (const auto& v : r->rows[0]) end.push_back(v.value_or(""));
        final_batch = end == pos.bound;
      }
      if (r.ok()) {
        KillPoint(plan.name);
        r = conn_->Exec(TxBeginSql(step, timeouts));
      }
      const Clock::time_point batch_start = Clock::now();
      BackfillPosition next = pos;
      if (r.ok()) {
        KillPoint(plan.name);
        r = RunStatement(*update, BatchUpdateSql(*update, KeyRangeSql(b, key, pos.after, end)));
      }
      if (r.ok()) {
        KillPoint(plan.name);
        next.after = end;
        next.rows += r->affected;
        next.scanned += n;
        // With replicas, the batch's WAL is flushed at its commit (whatever synchronous_commit
        // the session has), so that they can replay it at once: the next batch waits for that.
        r = conn_->Exec(
            std::string(replicas_ ? "SET LOCAL synchronous_commit = on; " : "") +
            ledger::SaveBackfillSql(target_.tables, plan.name, plan.checksum, update->index, next) +
            "; COMMIT");
      }
      if (r.ok()) {
        KillPoint(plan.name);
        pos = next;
        ++batches;
        done = final_batch;
        if (narrowing && end == failed_end) narrowing = false;
        if (!narrowing) n = NextBatchSize(n, MsSince(batch_start), options_.backfill_batch_ms);
        break;
      }
      const db::DbError error = r.error();
      if (IsLost(error)) return Lost(plan, update, error);
      conn_->Exec("ROLLBACK");
      if (IsRetryable(error.sqlstate)) {
        StatusCode code = StatusCode::kOk;
        if (!WaitForRetry(plan, update, error.sqlstate, failed_attempts, first_attempt, code))
          return code;
        continue;
      }
      if (error.sqlstate == "57014") {
        if (n == 1) return TimedOut(plan, update, error);
        n = std::max<int64_t>(n / 4, 1);
        out_.Line("  a batch of the backfill of " + table + " ran into statement_timeout " +
                  FormatDuration(in_effect_.statement) + ": retrying it with " + Thousands(n) +
                  " rows");
        continue;
      }
      if (RowError(error.sqlstate) && n > 1) {
        if (!narrowing)
          out_.Line("  a batch of the backfill of " + table + " failed (" + error.OneLine() +
                    "): retrying in smaller batches to find the row");
        narrowing = true;
        failed_end = end;
        n = std::max<int64_t>(n / 2, 1);
        continue;
      }
      return BackfillFailed(plan, *update, error, key, pos, end,
                            n == 1 && RowError(error.sqlstate));
    }
    const int64_t since_report = MsSince(last_report);
    if (!done &&
        (out_.tty() ? since_report >= 250 : since_report >= options_.progress_interval_ms)) {
      out_.Progress(ProgressText(table, pos.rows - before.rows, batches, MsSince(start) / 1000.0,
                                 pos.scanned - before.scanned, before.scanned, *estimate));
      last_report = Clock::now();
    }
    if (!done && options_.backfill_pause_ms > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(options_.backfill_pause_ms));
    // Every batch goes through the WAL: a replica that falls behind serves stale reads, so the
    // next batch waits until each has replayed this one (a standby whose replay is held back,
    // e.g. by a reader's snapshot, then has one batch to catch up on, not a queue of them), and
    // is within --max-replica-lag (docs/replicas.md).
    if (!done && replicas_) {
      Result<std::string> lsn = PrimaryLsn(*conn_);
      Status s = lsn.ok() ? WaitForReplay(*replicas_, *lsn, options_.max_replica_lag_ms,
                                          options_.retry_deadline_ms, out_)
                          : lsn.status();
      if (s.ok() && keep_hold() != StatusCode::kOk) return StatusCode::kDatabase;
      if (s.ok())
        s = WaitForReplicas(*replicas_, *conn_, options_.max_replica_lag_ms,
                            options_.retry_deadline_ms, out_);
      if (!s.ok()) {
        const StatusCode code = s.code();
        // A replica that stopped answering is no protection: stop, as when the wait ran out.
        out_.ClearProgress();
        out_.Error("lockstep deploy: error: " + s.message() +
                   (code == StatusCode::kTimedOut
                        ? " (--retry-deadline " + FormatDuration(options_.retry_deadline_ms) + ")"
                        : std::string()) +
                   "; the backfill of " + table + " stopped after " + Thousands(pos.rows) +
                   " rows, its position is recorded: run `lockstep deploy` again to resume.");
        return code;
      }
    }
  }
  out_.ClearProgress();
  if (!empty) {
    const double secs = MsSince(start) / 1000.0;
    std::string summary = "  backfill of " + table + ": " + Thousands(pos.rows - before.rows) +
                          " rows updated in " + Thousands(batches) + " batch" +
                          (batches == 1 ? "" : "es") + " in " + Seconds(secs);
    if (secs > 0)
      summary +=
          " (" + Thousands(static_cast<int64_t>((pos.rows - before.rows) / secs)) + " rows/s)";
    if (before.after) summary += "; " + Thousands(pos.rows) + " in all, with the earlier run's";
    out_.Line(summary);
  }

  // Settings after the UPDATE (a RESET) run too, as in one transaction.
  bool after_update = false;
  for (const PlannedStatement& s : step.statements) {
    if (&s == update) {
      after_update = true;
      continue;
    }
    if (!after_update) continue;
    db::DbResult<db::Rows> r = conn_->Exec(s.sql());
    if (!r.ok()) {
      if (IsLost(r.error())) return Lost(plan, &s, r.error());
      return Failed(plan, &s, r.error(), update->index + 1);
    }
    timeouts_touched_ = timeouts_touched_ || s.may_change_timeouts;
  }
  KillPoint(plan.name);
  const std::string record =
      last ? "BEGIN; " + FinishedSql(plan, target_.tables, NewUuidV4()) + "; COMMIT"
           : ledger::SaveProgressSql(target_.tables, plan.name, plan.checksum, step.end(),
                                     std::nullopt);
  if (StatusCode code = Bookkeeping(record, "recording " + plan.name); code != StatusCode::kOk)
    return code;
  KillPoint(plan.name);
  return StatusCode::kOk;
}

StatusCode Deployer::Apply(const MigrationPlan& plan, const std::optional<ProgressRow>& progress) {
  int from = 0;
  std::optional<int> in_flight;
  std::optional<BackfillPosition> backfill_at;
  if (progress) {
    db::DbResult<bool> stale =
        ledger::RolledBackSince(*conn_, target_.tables, plan.name, progress->updated_at);
    if (!stale.ok()) return DbFailure(stale.error(), "reading _prisma_migrations");
    if (*stale) {
      out_.Line("note: " + plan.name +
                " was marked rolled back after lockstep's last progress on it: starting it over");
      if (StatusCode code = Bookkeeping(ledger::DeleteProgressSql(target_.tables, plan.name),
                                        "clearing progress");
          code != StatusCode::kOk)
        return code;
    } else if (!migrations::ChecksumMatches(plan.sql(), progress->checksum) ||
               progress->statements_done > plan.statement_count) {
      out_.Error(plan.path() + ": error: " + plan.name + " was partly applied by lockstep (" +
                 std::to_string(progress->statements_done) + " statements committed, last at " +
                 progress->updated_at +
                 ") from a migration.sql with another checksum. Restore the file it was started "
                 "with, or undo those statements and run `lockstep resolve --rolled-back " +
                 plan.name + "`.");
      return StatusCode::kBlocked;
    } else {
      from = progress->statements_done;
      in_flight = progress->in_flight;
      backfill_at = progress->backfill;
    }
  }

  const std::vector<Step> steps = StepsFrom(plan, from);
  std::string header =
      "Applying migration `" + plan.name + "` (" + DescribeSteps(plan, plan.steps) + ")";
  if (from > 0) {
    header += ": resuming after statement " + std::to_string(from) + " of " +
              std::to_string(plan.statement_count) + ", committed by an earlier run";
  }
  out_.Line(header);
  for (const std::string& n : plan.notes) out_.Line(n);

  // Session settings of the steps already committed (SET search_path …) still apply to the rest.
  for (const Step& step : plan.steps) {
    for (const PlannedStatement& s : step.statements) {
      if (s.index >= from || !s.session_set) continue;
      db::DbResult<db::Rows> r = conn_->Exec(s.sql());
      if (!r.ok()) return DbFailure(r.error(), "replaying " + s.summary());
      timeouts_touched_ = timeouts_touched_ || s.may_change_timeouts;
    }
  }
  if (plan.tracked() && !progress_table_) {
    if (StatusCode code = Bookkeeping(ledger::CreateProgressTableSql(target_.tables),
                                      "creating _lockstep_progress");
        code != StatusCode::kOk)
      return code;
    progress_table_ = true;
  }

  const Clock::time_point start = Clock::now();
  if (steps.empty()) {
    if (StatusCode code = Bookkeeping(EmptyMigrationSql(plan, target_.tables, NewUuidV4()),
                                      "recording " + plan.name);
        code != StatusCode::kOk)
      return code;
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    const bool last = i + 1 == steps.size();
    const bool maybe_ran = in_flight && *in_flight == steps[i].first();
    // The gaps between concurrent index builds: each build sends its whole index through the
    // WAL, and a replica that falls behind serves stale reads (docs/replicas.md).
    if (replicas_ && steps[i].kind == StepKind::kOutsideTransaction &&
        steps[i].statements.front().waits_for_older_transactions) {
      if (Status s = WaitForReplicas(*replicas_, *conn_, options_.max_replica_lag_ms,
                                     options_.retry_deadline_ms, out_);
          !s.ok()) {
        out_.Error("lockstep deploy: error: " + s.message() +
                   (s.code() == StatusCode::kTimedOut
                        ? " (--retry-deadline " + FormatDuration(options_.retry_deadline_ms) + ")"
                        : std::string()) +
                   "; stopped before " + steps[i].statements.front().summary() +
                   ", nothing is recorded as failed: run `lockstep deploy` again to resume.");
        return s.code();
      }
    }
    StatusCode code = StatusCode::kOk;
    switch (steps[i].kind) {
      case StepKind::kTransaction:
        code = RunTransaction(plan, steps[i], last);
        break;
      case StepKind::kOutsideTransaction:
        code = RunOutside(plan, steps[i], last, maybe_ran);
        break;
      case StepKind::kBackfill:
        code = RunBackfill(plan, steps[i], last, backfill_at);
        break;
    }
    if (code != StatusCode::kOk) return code;
  }
  out_.Line("  applied `" + plan.name + "` in " + Seconds(MsSince(start) / 1000.0));
  ++applied_;
  return StatusCode::kOk;
}

// The progress table only exists while some migration is split across runs; it is removed when
// empty so that `prisma migrate dev` finds no table it does not know.
void Deployer::DropEmptyProgressTable() {
  if (!progress_table_) return;
  db::DbResult<db::Rows> left = conn_->Exec(ledger::PruneProgressSql(target_.tables));
  if (left.ok() && !left->empty() && left->rows[0][0] == std::optional<std::string>("0")) {
    if (conn_->Exec(ledger::DropProgressTableSql(target_.tables)).ok()) progress_table_ = false;
  }
}

// Connects (refusing a transaction-mode pooler), opens the replicas, sets the session's bounds,
// reads the role's own timeouts and takes the migration lock. kOk or what stopped the deploy.
StatusCode Deployer::Open() {
  db::ConnectOptions connect_options;
  connect_options.application_name = "lockstep deploy";
  db::DbResult<db::Connection> c = db::Connect(target_.conn, connect_options);
  if (!c.ok()) {
    out_.Error("lockstep deploy: error: " + c.error().OneLine());
    return ConnectFailureCode(c.error());
  }
  conn_.emplace(std::move(*c));
  if (StatusCode code = RefusePooler(*conn_, target_.conn, out_, "lockstep deploy");
      code != StatusCode::kOk)
    return code;
  if (!options_.replicas.empty()) {
    db::DbResult<db::Rows> database = conn_->Exec("SELECT pg_catalog.current_database()");
    if (!database.ok()) return DbFailure(database.error(), "reading the database's name");
    Result<std::unique_ptr<Replicas>> replicas = Replicas::Open(
        options_.replicas, database->empty() ? "" : database->rows[0][0].value_or(""),
        kReplicaQueryTimeoutMs);
    if (!replicas.ok()) {
      out_.Error("lockstep deploy: error: " + replicas.status().message() +
                 ". Nothing was applied: --replica asks for a protection lockstep cannot give "
                 "without it.");
      return replicas.status().code();
    }
    replicas_ = std::move(replicas).value();
    for (size_t i = 0; i < replicas_->size(); ++i)
      out_.Line("Replica: " + replicas_->name(i) +
                " (hot standby: its readers are checked before each step that locks a table)");
  }
  if (db::DbResult<db::Rows> r =
          conn_->Exec(SessionSetupSql(options_, conn_->server_version_num()));
      !r.ok())
    return DbFailure(r.error(), "setting lock_timeout");
  {
    // reset_val: what the session had before any SET, i.e. the role's, database's or URL's.
    db::DbResult<db::Rows> r = conn_->Exec(
        "SELECT name, reset_val FROM pg_catalog.pg_settings WHERE name IN "
        "('statement_timeout', 'idle_in_transaction_session_timeout')");
    if (!r.ok()) return DbFailure(r.error(), "reading statement_timeout");
    for (const auto& row : r->rows) {
      const int64_t ms = std::atoll(row[1].value_or("0").c_str());
      (row[0] == std::optional<std::string>("statement_timeout") ? role_statement_timeout_ms_
                                                                 : role_idle_timeout_ms_) = ms;
    }
    session_idle_ms_ = role_idle_timeout_ms_;
  }
  if (StatusCode code = TakeAdvisoryLock(*conn_, options_, out_, "lockstep deploy");
      code != StatusCode::kOk)
    return code;

  return StatusCode::kOk;
}

// Reads _prisma_migrations and _lockstep_progress (each nullopt when the table does not exist)
// into `rows_` and `progress_rows_`; a failed migration blocks everything (Prisma P3009).
// kOk or what stopped the deploy.
StatusCode Deployer::ReadLedger() {
  db::DbResult<std::optional<std::vector<MigrationRow>>> rows =
      ledger::ReadMigrationRows(*conn_, target_.tables);
  if (!rows.ok()) return DbFailure(rows.error(), "reading _prisma_migrations");
  rows_ = std::move(*rows);
  db::DbResult<std::optional<std::vector<ProgressRow>>> progress =
      ledger::ReadProgressRows(*conn_, target_.tables);
  if (!progress.ok()) return DbFailure(progress.error(), "reading _lockstep_progress");
  progress_rows_ = std::move(*progress);
  progress_table_ = progress_rows_.has_value();
  if (rows_) {
    for (const MigrationRow& r : *rows_) {
      if (!r.failed()) continue;
      std::string log = r.logs.value_or("");
      out_.Error("lockstep deploy: error: migration `" + r.migration_name + "` started at " +
                 r.started_at +
                 " failed, and new migrations are not applied until it is resolved (Prisma "
                 "P3009). After undoing what it did, run `lockstep resolve --rolled-back " +
                 r.migration_name + "`; if it was completed by hand, `lockstep resolve --applied " +
                 r.migration_name + "`." +
                 (log.empty() ? "" : "\n  its error: " + log.substr(0, log.find("\n\nPosition"))));
      return StatusCode::kBlocked;
    }
  }
  return StatusCode::kOk;
}

// The migrations of `plans` to apply, in order; warns about applied ones modified since and
// applied ones missing from disk. A migration lockstep cannot parse is an error, unless the server
// is newer than lockstep's grammar (then it is sent unanalysed). kOk or what stopped the deploy.
StatusCode Deployer::SelectPending(const std::vector<MigrationPlan>& plans,
                                   std::vector<const MigrationPlan*>& pending) {
  std::set<std::string> applied;
  if (rows_)
    for (std::string& name : ledger::AppliedNames(*rows_)) applied.insert(std::move(name));
  std::set<std::string> on_disk;
  int errors = 0;
  for (const MigrationPlan& p : plans) {
    on_disk.insert(p.name);
    if (applied.count(p.name)) {
      if (!p.errors.empty()) {
        out_.Line(p.path() + ": note: already applied; lockstep's parser (PostgreSQL " +
                  sql::GrammarVersion() + " grammar) rejects it: " + p.errors.front());
      }
      if (rows_) {
        for (const MigrationRow& r : *rows_) {
          if (r.migration_name == p.name && r.applied() &&
              !migrations::ChecksumMatches(p.sql(), r.checksum)) {
            out_.Line(p.path() + ": warning: modified after it was applied (checksum " +
                      r.checksum.substr(0, 12) + "… recorded, " + p.checksum.substr(0, 12) +
                      "… on disk)");
            break;
          }
        }
      }
      continue;
    }
    const int grammar_major =
        options_.grammar_major ? options_.grammar_major : sql::GrammarVersionNum() / 10000;
    const int server_major = conn_->server_version_num() / 10000;
    if (p.syntax_error && server_major > grammar_major) {
      // A newer server may accept what lockstep's grammar cannot read: never refuse valid SQL.
      out_.Line(p.errors.front());
      out_.Line(p.path() + ": warning: lockstep could not analyse this migration (it parses " +
                "PostgreSQL " + std::to_string(grammar_major) + "'s grammar; the server is " +
                std::to_string(server_major) +
                "): it is sent as written, in one transaction, without lock analysis");
      unanalysed_.push_back(UnanalysedPlan(p));
      pending.push_back(&unanalysed_.back());
      continue;
    }
    for (const std::string& e : p.errors) out_.Error(e);
    errors += static_cast<int>(p.errors.size());
    pending.push_back(&p);
  }
  for (const std::string& name : applied) {
    if (!on_disk.count(name))
      out_.Line("warning: migration `" + name +
                "` is applied in the database but missing from disk");
  }
  if (errors > 0) {
    out_.Line("lockstep deploy: " + std::to_string(errors) + " error" + (errors == 1 ? "" : "s") +
              " in pending migrations; nothing was applied");
    return StatusCode::kInvalidInput;
  }
  return StatusCode::kOk;
}

// The header line: how many migrations, under which lock_timeout and statement_timeout.
void Deployer::Announce(size_t pending) {
  const int64_t statement_timeout =
      options_.statement_timeout_ms.value_or(role_statement_timeout_ms_);
  std::string statement_timeout_line = "statement_timeout " + Timeout(statement_timeout);
  if (options_.statement_timeout_ms)
    statement_timeout_line += " (--statement-timeout)";
  else if (statement_timeout > 0)
    statement_timeout_line += " (the role's or database's own)";
  if (statement_timeout > 0)
    statement_timeout_line +=
        " for statements that block traffic, none for concurrent builds and VALIDATE";
  out_.Line(std::to_string(pending) + " pending migration" + (pending == 1 ? "" : "s") +
            " to apply (lock_timeout " + FormatDuration(options_.lock_timeout_ms) + "; " +
            statement_timeout_line + "):");
}

// A database without _prisma_migrations: its schema is created (or must be empty: Prisma P3005)
// and the table with it. kOk or what stopped the deploy.
StatusCode Deployer::CreateLedger() {
  if (rows_) return StatusCode::kOk;
  db::DbResult<bool> exists = ledger::SchemaExists(*conn_, target_.tables.schema);
  if (!exists.ok()) return DbFailure(exists.error(), "looking for schema " + target_.tables.schema);
  if (*exists) {
    db::DbResult<bool> objects = ledger::SchemaHasObjects(*conn_, target_.tables.schema);
    if (!objects.ok())
      return DbFailure(objects.error(), "inspecting schema " + target_.tables.schema);
    if (*objects) {
      out_.Error("lockstep deploy: error: the schema \"" + target_.tables.schema +
                 "\" is not empty and has no _prisma_migrations table (Prisma P3005). "
                 "Baseline it first: `lockstep resolve --applied NAME` for each migration "
                 "already reflected in it.");
      return StatusCode::kBlocked;
    }
  } else if (StatusCode code =
                 Bookkeeping("CREATE SCHEMA IF NOT EXISTS " + QuoteIdent(target_.tables.schema),
                             "creating schema " + target_.tables.schema);
             code != StatusCode::kOk) {
    return code;
  }
  if (StatusCode code = Bookkeeping(ledger::CreateMigrationsTableSql(target_.tables),
                                    "creating _prisma_migrations");
      code != StatusCode::kOk)
    return code;
  return StatusCode::kOk;
}

// Applies the pending migrations in order, each resumed from its progress row when an earlier
// run stopped inside it, watched by the monitor. kOk or what stopped the deploy.
StatusCode Deployer::ApplyAll(const std::vector<const MigrationPlan*>& pending) {
  monitor_ = std::make_unique<Monitor>(target_.conn, conn_->backend_pid(), out_, options_,
                                       [this] { return conn_->Cancel(); });
  for (const MigrationPlan* p : pending) {
    std::optional<ProgressRow> row;
    if (progress_rows_) {
      for (const ProgressRow& r : *progress_rows_) {
        if (r.migration_name == p->name) row = r;
      }
    }
    if (StatusCode code = Apply(*p, row); code != StatusCode::kOk) {
      monitor_.reset();
      if (conn_->is_open()) DropEmptyProgressTable();
      return code;
    }
  }
  monitor_.reset();
  DropEmptyProgressTable();
  return StatusCode::kOk;
}

StatusCode Deployer::Run(const std::vector<MigrationPlan>& plans) {
  const Clock::time_point start = Clock::now();
  if (StatusCode code = Open(); code != StatusCode::kOk) return code;
  if (StatusCode code = ReadLedger(); code != StatusCode::kOk) return code;
  std::vector<const MigrationPlan*> pending;
  if (StatusCode code = SelectPending(plans, pending); code != StatusCode::kOk) return code;
  if (pending.empty()) {
    DropEmptyProgressTable();  // left by a run that stopped right after its last migration
    out_.Line("No pending migrations to apply.");
    return StatusCode::kOk;
  }
  Announce(pending.size());
  if (StatusCode code =
          Preflight(*conn_, pending, target_.tables.schema, replicas_.get(), options_, out_);
      code != StatusCode::kOk)
    return code;
  if (StatusCode code = CreateLedger(); code != StatusCode::kOk) return code;
  if (StatusCode code = ApplyAll(pending); code != StatusCode::kOk) return code;
  out_.Line("All migrations have been successfully applied (" + std::to_string(pending.size()) +
            " in " + Seconds(MsSince(start) / 1000.0) + ").");
  return StatusCode::kOk;
}

}  // namespace

Target TargetFor(const db::ConnInfo& info) {
  Target t;
  t.conn = info;
  t.tables = ledger::TablesFor(info);
  return t;
}

StatusCode ConnectFailureCode(const db::DbError& e) {
  switch (e.kind) {
    case db::ErrorKind::kAuth:
      return StatusCode::kAuth;
    case db::ErrorKind::kInvalidUrl:
      return StatusCode::kInvalidInput;
    default:
      return StatusCode::kDatabase;
  }
}

StatusCode Deploy(const std::vector<MigrationPlan>& plans, const Target& target,
                  const Options& options, Printer& out, DeployStats* stats) {
  Deployer d(target, options, out);
  const StatusCode code = d.Run(plans);
  if (stats) stats->applied = d.applied();
  return code;
}

}  // namespace lockstep::deploy

namespace lockstep::deploy {

namespace {

// What --replica adds before a step (docs/replicas.md); the replicas are not contacted either.
void DryRunReplicaLines(const Step& step, const Options& options, Printer& out) {
  const PlannedStatement& first = step.statements.front();
  if (step.kind == StepKind::kOutsideTransaction && first.waits_for_older_transactions)
    out.Line("-- on the replicas: paused while one replays more than " +
             FormatDuration(options.max_replica_lag_ms) + " behind (--max-replica-lag)");
  std::string names;
  for (const PlannedStatement& s : step.statements)
    for (const sql::QName& q : s.strong_locks())
      if (names.find(Qualified(q)) == std::string::npos)
        names += (names.empty() ? "" : ", ") + Qualified(q);
  if (!names.empty())
    out.Line(
        "-- on the replicas: not started while a standby session holds or waits for a lock "
        "on " +
        names + " (retried as a lock timeout is)");
}

void PrintBackfillDryRun(const MigrationPlan& plan, const Step& step, const std::string& n,
                         bool last, const Options& options, const Tables& t, Printer& out) {
  const PlannedStatement& update = *BackfillStatement(step);
  const std::string table = update.backfill->table.ToString();
  out.Line("-- step " + n + ": a batched backfill of " + table +
           " (docs/backfill.md): batches over its primary key, else a unique index on NOT NULL");
  out.Line("-- columns the UPDATE does not set (none: refused, nothing applied), from the first");
  out.Line("-- key to the largest one when it starts; each batch sized for about " +
           FormatDuration(options.backfill_batch_ms) +
           (options.backfill_pause_ms > 0
                ? ", " + FormatDuration(options.backfill_pause_ms) + " apart"
                : std::string()) +
           ", and retried smaller when it hits its");
  out.Line("-- statement_timeout; lock timeouts are retried as above");
  for (const PlannedStatement& s : step.statements) {
    if (&s == &update) break;
    out.Line("-- " + s.where());
    out.Line(std::string(s.sql()) + ";");
  }
  StepTimeouts timeouts;
  timeouts.lock_ms = options.lock_timeout_ms;
  const int64_t batch_bound = std::max<int64_t>(10 * options.backfill_batch_ms, 1000);
  timeouts.statement_ms = Stricter(update.statement_timeout_ms.value_or(0), batch_bound);
  out.Line("-- once: SELECT <key> FROM " + table + " ORDER BY <key> DESC LIMIT 1  -- the bound");
  out.Line("-- then per batch, <n> adapted to the batch time:");
  out.Line("SET LOCAL lock_timeout = " + PgDuration(timeouts.lock_ms) +
           "; SET LOCAL statement_timeout = " + PgDuration(*timeouts.statement_ms) +
           "; SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL "
           "enable_sort = off; SELECT <key> FROM " +
           table +
           " WHERE <key> > <last key done> AND <key> <= <bound> ORDER BY <key> LIMIT 1 OFFSET "
           "<n - 1>;  -- one query string: <batch end>, or <bound> when no row");
  out.Line(TxBeginSql(step, timeouts) + ";");
  out.Line("-- " + update.where());
  out.Line(BatchUpdateSql(update, "<key> > <last key done> AND <key> <= <batch end>") + ";");
  out.Line(ledger::SaveBackfillSql(
               t, plan.name, plan.checksum, update.index,
               BackfillPosition{{"<key columns>"}, {"<bound>"}, {{"<batch end>"}}, 0, 0}) +
           ";  -- the position, with the batch");
  out.Line("COMMIT;");
  bool after = false;
  for (const PlannedStatement& s : step.statements) {
    if (&s == &update) {
      after = true;
      continue;
    }
    if (!after) continue;
    out.Line("-- " + s.where());
    out.Line(std::string(s.sql()) + ";");
  }
  out.Line((last ? "BEGIN; " + FinishedSql(plan, t, "<uuid v4>") + "; COMMIT"
                 : ledger::SaveProgressSql(t, plan.name, plan.checksum, step.end(), std::nullopt)) +
           ";");
}

}  // namespace

StatusCode PrintDryRun(const std::vector<MigrationPlan>& plans, const Target& target,
                       const Options& options, Printer& out) {
  const Tables& t = target.tables;
  out.Line("-- lockstep deploy --dry-run: the commands a deploy sends, in order. No database was");
  out.Line("-- contacted: migrations already applied there are skipped when deploying for real.");
  out.Line(
      "-- Every step that hits lock_timeout (55P03), a deadlock (40P01) or a serialization\n"
      "-- failure (40001) is rolled back and retried:");
  out.Line("-- up to " + std::to_string(options.max_attempts) + " attempts within " +
           FormatDuration(options.retry_deadline_ms) + ", waiting " +
           FormatDuration(options.retry_base_ms) + " doubling up to " +
           FormatDuration(options.retry_max_ms) + " (jittered) between attempts.");
  out.Line(
      "-- statement_timeout DEFAULT is the role's or database's own (--statement-timeout sets");
  out.Line("-- one). A migration may lower these timeouts; what would raise one is SET back.");
  out.Line("");
  out.Line(SessionSetupSql(options, 140000) + ";  -- client_connection_check_interval: PG14+");
  if (options.use_advisory_lock) {
    out.Line("SELECT pg_catalog.pg_try_advisory_lock(" + std::to_string(kAdvisoryLockKey) +
             ");  -- polled for up to " + FormatDuration(options.advisory_lock_wait_ms) +
             ", held until the end");
  }
  std::vector<const MigrationPlan*> all;
  for (const MigrationPlan& plan : plans) all.push_back(&plan);
  for (const std::string& line : DescribePreflight(all, t.schema, options)) out.Line(line);
  out.Line(ledger::CreateMigrationsTableSql(t) + ";  -- when missing");

  int errors = 0;
  bool progress_table = false;
  for (const MigrationPlan& plan : plans) {
    out.Line("");
    out.Line("-- migration " + plan.name + " (" + plan.path() + ", checksum " + plan.checksum +
             ", " + DescribeSteps(plan, plan.steps) + ")");
    for (const std::string& e : plan.errors) out.Line("-- " + e);
    errors += static_cast<int>(plan.errors.size());
    if (!plan.errors.empty()) continue;
    for (const std::string& n : plan.notes) out.Line("-- " + n);
    if (plan.tracked() && !progress_table) {
      out.Line(ledger::CreateProgressTableSql(t) + ";");
      progress_table = true;
    }
    const std::string id = "<uuid v4>";
    if (plan.steps.empty()) out.Line(EmptyMigrationSql(plan, t, id) + ";");
    for (size_t i = 0; i < plan.steps.size(); ++i) {
      const Step& step = plan.steps[i];
      const bool last = i + 1 == plan.steps.size();
      const std::string n = std::to_string(i + 1) + "/" + std::to_string(plan.steps.size());
      if (!options.replicas.empty()) DryRunReplicaLines(step, options, out);
      if (step.kind == StepKind::kBackfill) {
        PrintBackfillDryRun(plan, step, n, last, options, t, out);
      } else if (step.kind == StepKind::kTransaction) {
        out.Line("-- step " + n + ": one transaction" +
                 (step.explicit_block ? " (the migration's own BEGIN ... COMMIT)" : ""));
        StepTimeouts timeouts;
        timeouts.lock_ms = options.lock_timeout_ms;
        timeouts.statement_ms = step.statements.front().statement_timeout_ms;
        out.Line(TxBeginSql(step, timeouts) + ";");
        std::optional<int64_t> timeout = timeouts.statement_ms;
        for (const PlannedStatement& s : step.statements) {
          if (s.statement_timeout_ms != timeout) {
            out.Line(SetLocalStatementTimeoutSql(s.statement_timeout_ms) + ";");
            timeout = s.statement_timeout_ms;
          }
          out.Line("-- " + s.where());
          out.Line(std::string(s.sql()) + ";");
        }
        out.Line(TxEndSql(plan, step, last, t, id) + ";");
      } else {
        const PlannedStatement& s = step.statements.front();
        out.Line("-- step " + n + ": outside a transaction");
        StepTimeouts timeouts;
        timeouts.lock_ms = options.lock_timeout_ms;
        timeouts.statement_ms = s.statement_timeout_ms;
        out.Line(OutsideSetupSql(timeouts) + ";");
        out.Line(OutsideMarkSql(plan, s, t) + ";");
        if (s.recovery == Recovery::kCreateIndexConcurrently)
          out.Line(
              "-- an INVALID index of that name (an interrupted build) is dropped "
              "CONCURRENTLY first; a failed attempt's INVALID index is dropped too");
        if (s.waits_for_older_transactions) {
          if (options.use_advisory_lock)
            out.Line(
                "-- not started while a session waits for the migration lock: it would wait "
                "for that session, which waits for lockstep");
          out.Line("SET lock_timeout = 0;  -- lockstep's monitor cancels a wait for a lock after " +
                   FormatDuration(options.lock_timeout_ms) +
                   "; waits for older transactions (which block nobody) are waited out, up to "
                   "--retry-deadline (" +
                   FormatDuration(options.retry_deadline_ms) + ")");
        }
        out.Line("-- " + s.where());
        out.Line(std::string(s.sql()) + ";");
        if (s.waits_for_older_transactions)
          out.Line("SET lock_timeout = " + PgDuration(options.lock_timeout_ms) + ";");
        out.Line(OutsideEndSql(plan, s, last, t, id) + ";");
      }
    }
  }
  if (progress_table) {
    out.Line("");
    out.Line(ledger::DropProgressTableSql(t) + ";  -- at the end, when empty");
  }
  if (errors > 0) {
    out.Error("lockstep deploy --dry-run: " + std::to_string(errors) + " error" +
              (errors == 1 ? "" : "s") + "; a deploy would apply nothing");
    return StatusCode::kInvalidInput;
  }
  return StatusCode::kOk;
}

StatusCode ShowStatus(const std::vector<DiskMigration>& disk, const Target& target, Printer& out,
                      StatusReport* report_out) {
  db::ConnectOptions connect_options;
  connect_options.application_name = "lockstep status";
  db::DbResult<db::Connection> conn = db::Connect(target.conn, connect_options);
  if (!conn.ok()) {
    out.Error("lockstep status: error: " + conn.error().OneLine());
    return ConnectFailureCode(conn.error());
  }
  db::DbResult<std::optional<std::vector<MigrationRow>>> rows =
      ledger::ReadMigrationRows(*conn, target.tables);
  if (!rows.ok()) {
    out.Error("lockstep status: error: reading _prisma_migrations: " + rows.error().OneLine());
    return StatusCode::kDatabase;
  }
  db::DbResult<std::optional<std::vector<ProgressRow>>> progress =
      ledger::ReadProgressRows(*conn, target.tables);
  if (!progress.ok()) {
    out.Error("lockstep status: error: reading _lockstep_progress: " + progress.error().OneLine());
    return StatusCode::kDatabase;
  }
  const StatusReport report =
      ledger::ComputeStatus(disk, *rows, progress->value_or(std::vector<ProgressRow>{}));
  if (!report.table_exists) out.Line("No _prisma_migrations table: nothing was deployed here yet.");
  for (const StatusEntry& e : report.entries) {
    char state[16];
    std::snprintf(state, sizeof state, "%-9s", ledger::MigrationStateName(e.state));
    out.Line(std::string("  ") + state + e.name + (e.detail.empty() ? "" : "  (" + e.detail + ")"));
  }
  std::string summary;
  for (MigrationState s :
       {MigrationState::kApplied, MigrationState::kPending, MigrationState::kPartial,
        MigrationState::kFailed, MigrationState::kModified, MigrationState::kMissingFromDisk}) {
    const int n = report.Count(s);
    if (n == 0) continue;
    summary +=
        (summary.empty() ? "" : ", ") + std::to_string(n) + " " + ledger::MigrationStateName(s);
  }
  out.Line(summary.empty() ? "No migrations." : summary + ".");
  const StatusCode code = report.Code();
  if (report_out) *report_out = report;
  if (code == StatusCode::kOk) out.Line("Database schema is up to date.");
  if (report.Count(MigrationState::kFailed) > 0)
    out.Line(
        "A failed migration blocks `deploy` (P3009): resolve it with `lockstep resolve "
        "--rolled-back NAME` or `--applied NAME`.");
  return code;
}

StatusCode Resolve(const std::vector<DiskMigration>& disk, const std::string& name, ResolveAs as,
                   const Target& target, const Options& options, Printer& out) {
  const Tables& t = target.tables;
  const auto on_disk = std::find_if(disk.begin(), disk.end(),
                                    [&](const DiskMigration& d) { return d.name == name; });
  if (as == ResolveAs::kApplied && on_disk == disk.end()) {
    out.Error("lockstep resolve: error: migration `" + name +
              "` is not in the migrations directory (Prisma P3017): give the folder's full name");
    return StatusCode::kInvalidInput;
  }
  db::ConnectOptions connect_options;
  connect_options.application_name = "lockstep resolve";
  db::DbResult<db::Connection> conn = db::Connect(target.conn, connect_options);
  if (!conn.ok()) {
    out.Error("lockstep resolve: error: " + conn.error().OneLine());
    return ConnectFailureCode(conn.error());
  }
  auto fail = [&](const db::DbError& e, const std::string& during) {
    out.Error("lockstep resolve: error: " + during + ": " + e.OneLine());
    return StatusCode::kDatabase;
  };
  if (StatusCode code = RefusePooler(*conn, target.conn, out, "lockstep resolve");
      code != StatusCode::kOk)
    return code;
  if (db::DbResult<db::Rows> r = conn->Exec(SessionSetupSql(options, conn->server_version_num()));
      !r.ok())
    return fail(r.error(), "setting lock_timeout");
  if (StatusCode code = TakeAdvisoryLock(*conn, options, out, "lockstep resolve");
      code != StatusCode::kOk)
    return code;

  db::DbResult<std::optional<std::vector<MigrationRow>>> rows = ledger::ReadMigrationRows(*conn, t);
  if (!rows.ok()) return fail(rows.error(), "reading _prisma_migrations");
  db::DbResult<std::optional<std::vector<ProgressRow>>> progress =
      ledger::ReadProgressRows(*conn, t);
  if (!progress.ok()) return fail(progress.error(), "reading _lockstep_progress");
  const std::vector<MigrationRow> all_rows = rows->value_or(std::vector<MigrationRow>{});
  const std::vector<ProgressRow> all_progress = progress->value_or(std::vector<ProgressRow>{});
  const ledger::Recorded recorded = ledger::RecordedFor(name, all_rows, all_progress);
  const bool applied = recorded.applied != nullptr;
  const bool failed = recorded.failed != nullptr;
  const bool partial = recorded.progress != nullptr;
  const std::string clear_progress = partial ? "; " + ledger::DeleteProgressSql(t, name) : "";
  const std::string mark_failed_rolled_back = ledger::MarkFailedRolledBackSql(t, name);

  std::string sql;
  if (as == ResolveAs::kApplied) {
    if (applied) {
      out.Error("lockstep resolve: error: migration `" + name +
                "` is already recorded as applied in the database (Prisma P3008)");
      return StatusCode::kInvalidInput;
    }
    if (!*rows) {
      sql += "CREATE SCHEMA IF NOT EXISTS " + QuoteIdent(t.schema) + "; " +
             ledger::CreateMigrationsTableSql(t) + "; ";
    }
    // As prisma-engines' mark_migration_applied: failed attempts are marked rolled back, then a
    // row with logs '', started_at = finished_at and applied_steps_count 0.
    sql += "BEGIN; ";
    if (*rows) sql += mark_failed_rolled_back + "; ";
    sql += ledger::InsertResolvedAppliedSql(t, NewUuidV4(), name,
                                            migrations::PrismaChecksum(on_disk->sql)) +
           clear_progress + "; COMMIT";
  } else {
    if (!failed && !partial) {
      out.Error(applied ? "lockstep resolve: error: migration `" + name +
                              "` cannot be rolled back: it is not in a failed state (Prisma P3012)"
                        : "lockstep resolve: error: migration `" + name +
                              "` cannot be rolled back: it was never applied to the database "
                              "(Prisma P3011)");
      return StatusCode::kInvalidInput;
    }
    sql = "BEGIN; " + (failed ? mark_failed_rolled_back : std::string("SELECT 1")) +
          clear_progress + "; COMMIT";
  }
  db::DbResult<db::Rows> r = conn->Exec(sql);
  if (!r.ok()) {
    conn->Exec("ROLLBACK");
    return fail(r.error(), "recording the resolution");
  }
  if (as == ResolveAs::kApplied) {
    out.Line("Migration `" + name + "` marked as applied.");
  } else {
    out.Line("Migration `" + name + "` marked as rolled back" +
             (partial ? std::string(" (lockstep's progress on it cleared: the next deploy runs it "
                                    "from its first statement)")
                      : std::string()) +
             ".");
  }
  return StatusCode::kOk;
}

}  // namespace lockstep::deploy
