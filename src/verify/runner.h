// `lockstep verify`, end to end: a scratch server, the already-applied history, synthetic rows,
// then the same workload three times — with no migration (the baseline), while the pending
// migrations are applied the naive way (each file as one transaction, no timeouts: what
// `prisma migrate deploy` does), and while they are applied the lockstep way (`lockstep fix` +
// `lockstep deploy`) — on identical copies of the filled database.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "verify/estimates.h"
#include "verify/metrics.h"
#include "verify/workload.h"

namespace lockstep::verify {

struct VerifyOptions {
  std::vector<std::string> paths;  // migrations (migrations/layout.h); default "."
  int64_t rows = 100000;           // per loaded table
  int clients = 8;
  double rate_per_client = 100;   // requests per second
  double duration_s = 10;         // the baseline's length, and each migration run's minimum
  double long_transaction_s = 0;  // 0: no report
  // Pending migrations: the last `pending` ones, or from the one named `from` to the end.
  int pending = 1;
  std::string from;
  // Empty: the embedded server of `pg_major`. Else a server on which verify creates (and drops)
  // its own databases; refused when the named database has user tables unless `scratch_ok`.
  std::string database_url;
  bool scratch_ok = false;
  int pg_major = 16;
  // --replica: the read workload also runs on a hot standby, whose stalls and replay lag are
  // reported, and lockstep's deploy protects it (`deploy --replica`). `replica_url` names a
  // standby of `database_url`'s server (any database on it: verify picks its own); empty, verify
  // starts an embedded primary and a streaming standby of it (db::EmbeddedServer::StartStandby).
  bool replica = false;
  std::string replica_url;
  double replica_long_transaction_s = 0;  // a report on the standby; 0: none
  int lock_timeout_ms = 100;              // passed to `lockstep deploy`
  double threshold_ms = 50;               // a request slower than this counts as blocked
  double warmup_s = 1;                    // workload before the report / the migration starts
  double tail_s = 1;                      // workload after the migration ends
  double timeout_s = 600;                 // per migration run; then it is cancelled
  int load_streams = 2;
  std::string lockstep_binary;  // for `fix` and `deploy` (the running binary, for the CLI)
  bool keep = false;            // keep the work directory (fixed migrations, logs)
  std::function<void(const std::string&)> progress;  // one line per step; may be empty
};

struct RunResult {
  std::string name;  // "baseline", "naive", "lockstep"
  std::vector<Request> requests;
  RunStats stats;
  double end_ms = 0;  // the run's length
  bool has_migration = false;
  double migration_start_ms = 0;
  double migration_end_ms = 0;
  bool migration_ok = true;
  std::string migration_error;
  std::vector<StatementStart> statements;
  std::vector<LockWait> lock_waits;
  std::optional<std::pair<double, double>> long_transaction;  // start, end (ms)
  std::vector<std::string> workload_errors;
  // The statements the run applied, estimate (src/stats, on this run's database just before it)
  // against observation; empty for the baseline, or when the estimates could not be read.
  std::vector<StatementCheck> checks;
  // --replica: the same run's read workload on the standby, and its replay lag (the largest of
  // samples taken every 50 ms while the run lasted, deploy::Replicas::LagMs).
  bool has_standby = false;
  std::vector<Request> standby_requests;
  RunStats standby_stats;
  std::vector<std::string> standby_errors;
  int64_t standby_max_lag_ms = 0;
  std::optional<std::pair<double, double>> standby_long_transaction;  // start, end (ms)
};

// The contract phase of an expand/contract rewrite in the lockstep run: what `lockstep fix` held
// back in lockstep-contract/, released (`lockstep contract release --all`) and deployed
// (`lockstep deploy`) once the run's workload, the application of before the migration, has
// stopped: the rollout is what allows a contract phase to run (docs/expand-contract.md).
struct ContractRun {
  std::vector<std::string> migrations;  // the held folders, in release order; empty: none
  bool ok = true;
  std::string error;
  double wall_ms = 0;  // release and deploy
};

struct TableInfo {
  std::string name;
  int64_t rows = 0;
  bool workload = false;
};

struct VerifyReport {
  std::string path;
  std::vector<std::string> history;  // applied before the runs
  std::vector<std::string> pending;  // applied by each run (as written; fix may add more)
  std::vector<std::string> lockstep_migrations;  // what `lockstep fix` turned them into
  std::vector<std::string> notes;                // e.g. statements fix could not make safe
  std::string server_version;                    // e.g. "16.4"
  std::string server;                            // "embedded" or the redacted URL
  std::string replica;  // --replica: "embedded standby" or the redacted URL; empty without
  int nproc = 0;
  int64_t ram_bytes = 0;
  int64_t rows = 0;
  int clients = 0;
  double rate_per_client = 0;
  double duration_s = 0;
  double long_transaction_s = 0;
  double replica_long_transaction_s = 0;
  std::string long_transaction_table;
  int lock_timeout_ms = 0;
  double threshold_ms = 0;
  double load_s = 0;
  std::vector<TableInfo> tables;
  RunResult baseline, naive, lockstep;
  ContractRun contract;  // the lockstep run's, after it; the schemas are compared after it
  bool schemas_match = false;
  std::vector<std::string> schema_differences;  // a few lines when they differ
  // The rows both end states hold under the same primary key, column by column (but columns
  // with a volatile default, whose values each run draws itself); compared only when the
  // schemas match. One line per table that differs, or why they could not be compared.
  bool values_match = false;
  int64_t rows_compared = 0;
  std::vector<std::string> value_differences;
  std::string work_dir;  // kept only with VerifyOptions::keep

  // lockstep's longest stall may not exceed this (issue 6's acceptance): the baseline's longest
  // request + the lock timeout + 50 ms of noise.
  double StallBudgetMs() const { return baseline.stats.max_ms + lock_timeout_ms + 50.0; }
  // The same for the standby's readers (issue 14's acceptance), from the standby's baseline.
  double StandbyStallBudgetMs() const {
    return baseline.standby_stats.max_ms + lock_timeout_ms + 50.0;
  }
};

// Errors: bad PATH or pending selection, a refused database, a server that cannot start, a
// history that fails to apply, rows that cannot be generated or loaded, a missing
// `lockstep deploy`. A migration that fails in a run is not an error: the report says so.
// `database_error` (optional) is set when the error is the server's or the connection's.
Result<VerifyReport> RunVerify(const VerifyOptions& options, bool* database_error = nullptr);

// For an interrupt (db/interrupt.h), which ends the process without running destructors: drops
// the databases the running RunVerify created on the user's server (--database), or stops its
// embedded server, and removes its work directory (unless --keep). Needs the thread that calls
// it to be allowed to connect (the interrupt's own thread is). Returns one line per thing done.
// A later RunVerify also removes what an interrupted or killed one left on this host: databases
// named lockstep_verify_<pid>_{base,naive,lockstep} and temporary directories
// lockstep-verify-<pid>-*, whose pid is no running process (it says so in its notes).
std::vector<std::string> CleanUpAfterInterrupt();

}  // namespace lockstep::verify
