// Applying migrations the way `prisma migrate deploy` does (the naive run, and the history), and
// running lockstep's own commands (fix, deploy) as child processes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "db/connection.h"

namespace lockstep::verify {

struct MigrationFile {
  std::string name;  // the folder name, as `_prisma_migrations.migration_name`
  std::string sql;   // the bytes of migration.sql
};

// What `prisma migrate deploy` (native engine) does, minus the schema engine's own checks: the
// advisory lock 72707369, `_prisma_migrations` created if missing, then per migration a row
// inserted, the whole file sent as ONE simple query (so PostgreSQL runs it as one implicit
// transaction), and the row finished, or given the error as its logs. No lock_timeout, no
// statement_timeout, no retry. Stops at the first failing migration; the error names it.
// With `skipped` (for the history, which real applications do not always keep replayable on an
// empty server: an extension the server lacks, an object made outside the migrations), a
// failing migration is applied again statement by statement, outside a transaction, and each
// statement that fails is skipped and described in `skipped` ("name:line: error"), instead.
Status ApplyLikePrisma(db::Connection& conn, const std::vector<MigrationFile>& migrations,
                       std::vector<std::string>* skipped = nullptr);

struct ChildResult {
  int exit_code = -1;  // the process's exit status; 128 + signal when it was killed
  bool timed_out = false;
  double wall_ms = 0;
};

// Runs `argv` (argv[0] is a path) with `env` added to this process's environment (an empty
// value unsets the variable), stdout and stderr appended to `log`. The child dies with this
// process (PR_SET_PDEATHSIG). After `timeout` it gets SIGTERM, then SIGKILL two seconds later.
// Fails when `log` cannot be opened or the program cannot be started (base/process.h).
Result<ChildResult> RunChild(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& env,
                             const std::filesystem::path& log, std::chrono::milliseconds timeout);

}  // namespace lockstep::verify
