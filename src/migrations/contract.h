// The contract phase held back (docs/expand-contract.md): the migrations that drop the old shape
// (a column, a sync trigger, a compatibility view) wait in a holding directory beside the
// migrations directory, `<migrations>/../lockstep-contract/<timestamp>_<slug>/migration.sql`,
// where neither `prisma migrate deploy` nor `lockstep deploy` looks, until the application that no
// longer uses the old shape is rolled out. Releasing one moves its folder into the migrations
// directory under a fresh name that sorts after every migration there; from then on both
// deployers apply it like any other. File-system only: whether the expand migration is applied
// in a database is the caller's to find out (it passes the applied names in).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "migrations/naming.h"

namespace lockstep::migrations {

inline constexpr std::string_view kHoldingDirectoryName = "lockstep-contract";

// `<migrations_dir>/../lockstep-contract`, lexically (the directory need not exist).
std::filesystem::path HoldingDirectory(const std::filesystem::path& migrations_dir);

// What lockstep fix writes at the top of a held migration, as SQL comments (so that the file
// stays one Prisma runs and checksums as it is, before and after its release).
struct ContractHeader {
  std::string expand;  // the last migration of the expand phase: it must be applied first
  std::string fixed;   // the migration whose fix produced it (for the reader)
  std::string what;    // one line: what it drops
};
std::string ContractHeaderText(const ContractHeader& h);
// The header of a held migration's text; nullopt when it has no `-- lockstep-expand:` line.
std::optional<ContractHeader> ParseContractHeader(std::string_view sql);

struct HeldMigration {
  std::string name;  // its folder's name in the holding directory
  std::filesystem::path folder;
  std::string sql;
  std::optional<ContractHeader> header;  // nullopt: written by hand, no expand to check
};

// The held migrations of `migrations_dir`, in name order (the order they are released in);
// empty when there is no holding directory. Error on a held folder without a readable
// migration.sql (the path named).
Result<std::vector<HeldMigration>> ListHeld(const std::filesystem::path& migrations_dir);

struct Release {
  std::string held;      // the folder's name in the holding directory
  std::string released;  // its new name in the migrations directory
};

// Which held migrations `requested` (their names; empty: all) release, and their new names:
// `<timestamp>_<slug>` with the slug kept and timestamps from `now` (or one second after the
// latest timestamped name of `existing`, when that is later), one second apart in held order, so
// that each sorts after every name of `existing` (the migrations directory's names, Source::
// existing_names). Refuses, saying why: a name that is not held; releasing one while an earlier
// held one stays held (the contract phase runs in the order it was written); a held migration
// whose expand migration is not in `existing`, or, when `applied` is given (the names finished in
// the database's _prisma_migrations), not applied there.
Result<std::vector<Release>> PlanRelease(const std::vector<HeldMigration>& held,
                                         const std::vector<std::string>& requested,
                                         const std::vector<std::string>& existing,
                                         const std::optional<std::vector<std::string>>& applied,
                                         const Timestamp& now);

// Moves each released folder from the holding directory into `migrations_dir` (a rename: the
// migration.sql bytes, and so Prisma's checksum, do not change). Refuses to overwrite. Removes
// the holding directory once it is empty.
Status ApplyRelease(const std::filesystem::path& migrations_dir,
                    const std::vector<Release>& releases);

// The current UTC time, for PlanRelease.
Timestamp UtcNow();

}  // namespace lockstep::migrations
