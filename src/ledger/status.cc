#include "ledger/status.h"

#include <algorithm>
#include <set>

#include "migrations/checksum.h"

namespace lockstep::ledger {
namespace {

std::string FirstLine(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  if (line.size() > 160) line = line.substr(0, 157) + "...";
  return line;
}

std::string Short(const std::string& checksum) { return checksum.substr(0, 12); }

}  // namespace

const char* MigrationStateName(MigrationState s) {
  switch (s) {
    case MigrationState::kApplied:
      return "applied";
    case MigrationState::kModified:
      return "modified";
    case MigrationState::kFailed:
      return "failed";
    case MigrationState::kPartial:
      return "partial";
    case MigrationState::kPending:
      return "pending";
    case MigrationState::kMissingFromDisk:
      return "missing";
  }
  return "?";
}

int StatusReport::Count(MigrationState s) const {
  return static_cast<int>(std::count_if(entries.begin(), entries.end(),
                                        [&](const StatusEntry& e) { return e.state == s; }));
}

StatusCode StatusReport::Code() const {
  if (Count(MigrationState::kFailed) > 0) return StatusCode::kBlocked;
  if (Count(MigrationState::kModified) > 0 || Count(MigrationState::kMissingFromDisk) > 0)
    return StatusCode::kDrift;
  if (Count(MigrationState::kPending) > 0 || Count(MigrationState::kPartial) > 0)
    return StatusCode::kPending;
  return StatusCode::kOk;
}

Recorded RecordedFor(const std::string& name, const std::vector<MigrationRow>& rows,
                     const std::vector<ProgressRow>& progress) {
  Recorded out;
  for (const MigrationRow& r : rows) {
    if (r.migration_name != name) continue;
    if (r.failed()) out.failed = &r;
    if (r.applied()) out.applied = &r;
  }
  // The first: migration_name is the progress table's primary key.
  for (const ProgressRow& p : progress) {
    if (p.migration_name == name) {
      out.progress = &p;
      break;
    }
  }
  return out;
}

StatusReport ComputeStatus(const std::vector<DiskMigration>& disk,
                           const std::optional<std::vector<MigrationRow>>& rows,
                           const std::vector<ProgressRow>& progress) {
  StatusReport report;
  report.table_exists = rows.has_value();
  const std::vector<MigrationRow> none;
  const std::vector<MigrationRow>& all = rows ? *rows : none;
  std::set<std::string> on_disk;
  for (const DiskMigration& d : disk) on_disk.insert(d.name);

  for (const DiskMigration& d : disk) {
    StatusEntry e;
    e.name = d.name;
    const Recorded recorded = RecordedFor(d.name, all, progress);
    const MigrationRow* failed = recorded.failed;
    const MigrationRow* applied = recorded.applied;
    const ProgressRow* partial = recorded.progress;
    if (failed) {
      e.state = MigrationState::kFailed;
      e.detail = "started " + failed->started_at + ", not finished";
      if (failed->logs && !failed->logs->empty()) e.detail += ": " + FirstLine(*failed->logs);
    } else if (applied) {
      if (migrations::ChecksumMatches(d.sql, applied->checksum)) {
        e.state = MigrationState::kApplied;
        e.detail = "finished " + *applied->finished_at;
      } else {
        e.state = MigrationState::kModified;
        e.detail = "applied " + *applied->finished_at + " with checksum " +
                   Short(applied->checksum) + "…, the file's is now " +
                   Short(migrations::PrismaChecksum(d.sql)) + "…";
      }
    } else if (partial) {
      e.state = MigrationState::kPartial;
      e.detail = std::to_string(partial->statements_done) +
                 " statements committed by lockstep (last at " + partial->updated_at + "); ";
      if (partial->backfill) {
        // The rows are what the user waits for: say how far the batches have got.
        const BackfillPosition& b = *partial->backfill;
        e.detail = "batched backfill: " + std::to_string(b.rows) + " rows updated by lockstep";
        if (b.after) {
          std::string last;
          for (const std::string& v : *b.after) last += (last.empty() ? "" : ", ") + v;
          e.detail += ", up to key (" + last + ")";
        }
        e.detail += " (last at " + partial->updated_at + "); ";
      }
      // deploy resumes only the file it started with (runner.cc, Apply): say what it will do.
      if (migrations::ChecksumMatches(d.sql, partial->checksum)) {
        e.detail += "`lockstep deploy` resumes it";
      } else {
        e.detail +=
            "migration.sql changed since, so `lockstep deploy` refuses to resume it (exit 6): "
            "restore the file it was started with, or undo those statements and run `lockstep "
            "resolve --rolled-back " +
            d.name + "`";
      }
    } else {
      e.state = MigrationState::kPending;
    }
    report.entries.push_back(std::move(e));
  }

  std::set<std::string> missing_seen;
  for (const MigrationRow& r : all) {
    if (on_disk.count(r.migration_name) || !(r.applied() || r.failed())) continue;
    if (!missing_seen.insert(r.migration_name).second) continue;
    StatusEntry e;
    e.name = r.migration_name;
    e.state = MigrationState::kMissingFromDisk;
    e.detail = r.applied() ? "applied " + *r.finished_at + ", no folder on disk"
                           : "failed (started " + r.started_at + "), no folder on disk";
    report.entries.push_back(std::move(e));
  }
  return report;
}

}  // namespace lockstep::ledger
