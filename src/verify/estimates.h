// Estimate against observation, per statement (docs/verify.md, "Estimates"): before a run, the
// duration model of `plan --database` (src/stats) is asked, on the run's own filled database,
// what each statement the run applies will cost; after it, each statement's estimate is set next
// to the time the run measured for it and the longest request it held up. Users see how far to
// trust the estimates `plan` and `lint` print for their production database.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"
#include "plan/plan.h"
#include "verify/migrate.h"
#include "verify/workload.h"

namespace lockstep::verify {

struct StatementCheck {
  std::string migration;
  int line = 0;           // 1-based, in the migration's file
  std::string statement;  // a one-line excerpt
  // Whether the run sees this statement start and end (a DDL command fires the statement marks'
  // event triggers; DML, SET, transaction control and the like do not).
  bool marked = false;
  // The model's estimate on the run's database just before the run; nullopt when it has none
  // (a table the statement works on is not there).
  std::optional<plan::Estimate> estimate;
  // Measured: from the statement's start to its end (its event-trigger marks, so lock waits
  // included), and the slowest workload request that was in flight during that span. nullopt
  // when the run could not tell this statement's marks from the others' (see MatchObserved), and
  // the stall also when no request was in flight meanwhile.
  std::optional<double> observed_ms;
  std::optional<double> max_stall_ms;
};

// The statements of `run` (applied after `history`), each with the estimate of src/stats read
// from the database `info` names (read-only: stats/target.h).
db::DbResult<std::vector<StatementCheck>> EstimateStatements(
    const std::vector<MigrationFile>& history, const std::vector<MigrationFile>& run,
    const db::ConnInfo& info, int pg_major);

// Sets observed_ms and max_stall_ms of the marked checks from a run's statements (those with an
// end, which come from the marks, in start order) and requests. The i-th marked check is the i-th
// marked statement of the migration's span [start_ms, end_ms]; when their numbers differ (a DO
// block's inner DDL, a skipped `CREATE … IF NOT EXISTS`, a statement that never committed) no
// check gets an observation rather than a wrong one, and the function returns false.
bool MatchObserved(const std::vector<StatementStart>& statements,
                   const std::vector<Request>& requests, double start_ms, double end_ms,
                   std::vector<StatementCheck>& checks);

}  // namespace lockstep::verify
