#include "verify/estimates.h"

#include <algorithm>

#include "analysis/history.h"
#include "stats/target.h"

namespace lockstep::verify {
namespace {

// The statements PostgreSQL fires ddl_command_start and ddl_command_end for: the statement marks
// of InstallStatementMarks see exactly these start and end (event triggers are not fired for
// DML, utility statements such as SET, VACUUM, TRUNCATE or LOCK, nor for shared objects).
bool FiresEventTriggers(sql::Kind k) {
  switch (k) {
    case sql::Kind::kTransaction:
    case sql::Kind::kSet:
    case sql::Kind::kTruncate:
    case sql::Kind::kVacuum:
    case sql::Kind::kCluster:
    case sql::Kind::kReindex:
    case sql::Kind::kInsert:
    case sql::Kind::kUpdate:
    case sql::Kind::kDelete:
    case sql::Kind::kSelect:
    case sql::Kind::kCopy:
    case sql::Kind::kLock:
    case sql::Kind::kCreateDatabase:
    case sql::Kind::kDropDatabase:
    case sql::Kind::kCall:
    case sql::Kind::kDo:
    case sql::Kind::kOther:
      return false;
    default:
      return true;
  }
}

}  // namespace

db::DbResult<std::vector<StatementCheck>> EstimateStatements(
    const std::vector<MigrationFile>& history, const std::vector<MigrationFile>& run,
    const db::ConnInfo& info, int pg_major) {
  std::vector<analysis::MigrationText> texts;
  for (const auto* list : {&history, &run})
    for (const MigrationFile& m : *list)
      texts.push_back({m.name, m.name + "/migration.sql", m.sql});
  analysis::Options aopts;
  aopts.locks.pg_version = pg_major;
  aopts.parse.tokens = true;  // trims trailing comments from the statements' spans, as plan
  const analysis::History h = analysis::Replay(std::move(texts), history.size(), aopts);
  std::vector<plan::Entry> entries = plan::FromHistory(h);
  db::DbResult<size_t> read = stats::AddEstimates(h, info, entries);
  if (!read.ok()) return read.error();
  std::vector<StatementCheck> out;
  size_t i = 0;
  for (const analysis::AnalyzedMigration& m : h.migrations) {
    if (!m.analyzed) continue;  // as plan::FromHistory: the history is not planned
    for (const analysis::AnalyzedStatement& as : m.statements) {
      if (i >= entries.size()) break;
      const plan::Entry& e = entries[i++];
      StatementCheck c;
      c.migration = e.migration;
      c.line = e.line;
      c.statement = e.statement;
      c.marked = FiresEventTriggers(as.statement->kind);
      c.estimate = e.estimate;
      out.push_back(std::move(c));
    }
  }
  return out;
}

bool MatchObserved(const std::vector<StatementStart>& statements,
                   const std::vector<Request>& requests, double start_ms, double end_ms,
                   std::vector<StatementCheck>& checks) {
  std::vector<const StatementStart*> marks;
  for (const StatementStart& s : statements)
    if (s.end_ms && s.t_ms >= start_ms - 1.0 && s.t_ms <= end_ms + 1.0) marks.push_back(&s);
  const size_t marked = static_cast<size_t>(std::count_if(
      checks.begin(), checks.end(), [](const StatementCheck& c) { return c.marked; }));
  if (marks.size() != marked) return false;
  size_t next = 0;
  for (StatementCheck& c : checks) {
    if (!c.marked) continue;
    const StatementStart& s = *marks[next++];
    const double from = s.t_ms, to = std::max(*s.end_ms, s.t_ms);
    c.observed_ms = to - from;
    // The slowest request whose span overlaps the statement's: what the application felt
    // while it ran (and, in a transaction, under the locks of the statements before it).
    // None when no request was in flight (a statement shorter than the gap between requests).
    for (const Request& r : requests) {
      const double r_start = static_cast<double>(r.start_us) / 1000.0;
      const double r_end = r_start + static_cast<double>(r.latency_us) / 1000.0;
      if (r_start <= to && r_end >= from)
        c.max_stall_ms = std::max(c.max_stall_ms.value_or(0), r_end - r_start);
    }
  }
  return true;
}

}  // namespace lockstep::verify
