// `lockstep status`: the migrations on disk against `_prisma_migrations` (and lockstep's
// progress table), in Prisma's terms. Pure: the rows are read by the caller.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "ledger/ledger.h"

namespace lockstep::ledger {

enum class MigrationState {
  kApplied,          // finished, checksum matches the file (CRLF-tolerant)
  kModified,         // finished, but the file changed since (checksum mismatch)
  kFailed,           // a row with finished_at and rolled_back_at NULL: blocks deploys (P3009)
  kPartial,          // lockstep committed some of its steps; `lockstep deploy` resumes it
  kPending,          // not applied (no row, or only rolled-back rows)
  kMissingFromDisk,  // applied (or failed) in the database, no folder on disk
};
const char* MigrationStateName(MigrationState s);  // "applied", "modified", …

struct DiskMigration {
  std::string name;
  std::string sql;  // the file's bytes
};

struct StatusEntry {
  std::string name;
  MigrationState state = MigrationState::kPending;
  std::string detail;  // one line: when applied, which checksum, the error, …
};

struct StatusReport {
  bool table_exists = false;
  std::vector<StatusEntry> entries;  // disk order, then what is missing from disk
  int Count(MigrationState s) const;
  // kBlocked when a migration failed, else kDrift when one was modified or is missing from disk,
  // else kPending when something is pending or partial, else kOk.
  StatusCode Code() const;
};

// What the ledger records for one migration name; each pointer (into the rows given) is null when
// there is none. Of several applied or failed rows, the latest read is kept.
struct Recorded {
  const MigrationRow* applied = nullptr;
  const MigrationRow* failed = nullptr;
  const ProgressRow* progress = nullptr;  // lockstep committed some of its steps
};
Recorded RecordedFor(const std::string& name, const std::vector<MigrationRow>& rows,
                     const std::vector<ProgressRow>& progress);

// `rows` is nullopt when `_prisma_migrations` does not exist.
StatusReport ComputeStatus(const std::vector<DiskMigration>& disk,
                           const std::optional<std::vector<MigrationRow>>& rows,
                           const std::vector<ProgressRow>& progress);

}  // namespace lockstep::ledger
