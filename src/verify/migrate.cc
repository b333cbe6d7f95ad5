#include "verify/migrate.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "base/process.h"
#include "base/source.h"
#include "deploy/options.h"
#include "ledger/ledger.h"
#include "migrations/checksum.h"
#include "sql/parser.h"

namespace lockstep::verify {

namespace {

// Applies `m` one statement at a time, each in its own transaction (the file's own BEGIN and
// COMMIT left out), and describes each one that fails in `skipped`.
void ApplyStatementByStatement(db::Connection& conn, const MigrationFile& m,
                               std::vector<std::string>* skipped) {
  sql::ParseOptions options;
  options.tokens = false;
  const sql::ParsedFile parsed = sql::ParseString(m.sql, options);
  const SourceFile source(m.name + "/migration.sql", m.sql);
  for (const sql::Statement& st : parsed.statements) {
    if (st.kind == sql::Kind::kTransaction) continue;
    auto r = conn.Exec(sql::StatementText(m.sql, st));
    if (r.ok()) continue;
    skipped->push_back(source.Where(static_cast<size_t>(st.begin)) + ": " + r.error().OneLine());
  }
}

}  // namespace

Status ApplyLikePrisma(db::Connection& conn, const std::vector<MigrationFile>& migrations,
                       std::vector<std::string>* skipped) {
  if (auto r =
          conn.Exec("SELECT pg_advisory_lock(" + std::to_string(deploy::kAdvisoryLockKey) + ")");
      !r.ok())
    return r.status();
  Status result = Status::Ok();
  const ledger::Tables tables;
  if (auto r = conn.Exec(ledger::CreateMigrationsTableSql(tables)); !r.ok()) result = r.status();
  for (size_t i = 0; result.ok() && i < migrations.size(); ++i) {
    const MigrationFile& m = migrations[i];
    const std::string id = ledger::NewUuidV4();
    auto row =
        ledger::InsertStartedRow(conn, tables, id, m.name, migrations::PrismaChecksum(m.sql));
    if (!row.ok()) {
      result = row.status();
      break;
    }
    auto applied = conn.Exec(m.sql);
    // A file with its own BEGIN leaves the session in the failed transaction block.
    if (!applied.ok()) (void)conn.Exec("ROLLBACK");
    if (!applied.ok() && skipped) {
      ApplyStatementByStatement(conn, m, skipped);
    } else if (!applied.ok()) {
      const std::string error = applied.error().OneLine();
      (void)ledger::RecordRowError(conn, tables, id, error);
      result = Status::Error("migration " + m.name + " failed: " + error);
      break;
    }
    if (auto done = ledger::FinishRow(conn, tables, id); !done.ok()) result = done.status();
  }
  (void)conn.Exec("SELECT pg_advisory_unlock(" + std::to_string(deploy::kAdvisoryLockKey) + ")");
  return result;
}

Result<ChildResult> RunChild(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& env,
                             const std::filesystem::path& log, std::chrono::milliseconds timeout) {
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return Status::Error("cannot open " + log.string() + " for the child's output");
  RunOptions options;
  options.process.environment.assign(env.begin(), env.end());
  options.process.null_stdin = true;
  options.process.stdout_fd = log_fd;
  options.process.stderr_fd = log_fd;
  options.process.death_signal = SIGTERM;
  options.timeout = timeout;
  options.kill_grace = std::chrono::seconds(2);
  Result<RunResult> r = RunProcess(argv, options);
  ::close(log_fd);
  if (!r.ok()) return r.status();
  ChildResult out;
  out.exit_code = r->exit.code;
  out.timed_out = r->timed_out;
  out.wall_ms = r->wall_ms;
  return out;
}

}  // namespace lockstep::verify
