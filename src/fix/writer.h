// Lays a fix plan out on disk: which files the rewritten target and the new migrations become,
// their names (timestamp +1 s each, never colliding, sorting in execution order), and writing
// them in place or into a full copy of the migrations directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "analysis/history.h"
#include "base/status.h"
#include "fix/planner.h"
#include "migrations/layout.h"

namespace lockstep::fix {

// The migration to fix, with its history, as found from a command-line PATH.
struct FixInput {
  migrations::Source source;                      // the whole migrations directory
  std::vector<migrations::Migration> migrations;  // history and target, execution order
  size_t target = 0;                              // index into `migrations`
  std::vector<std::string> notes;                 // discovery notes, ready to print
};

// PATH is a migration folder, its migration.sql, a plain .sql file (the target), or a
// migrations directory / project root (the target is its last migration).
Result<FixInput> FindFixInput(const std::string& path);

// `input`'s history and target, for PlanFixOf (the target last; later migrations dropped).
std::vector<analysis::MigrationText> MigrationTexts(const FixInput& input);

struct OutputFile {
  // To the migrations directory ("<name>/migration.sql"), or for a held one to the holding
  // directory beside it (migrations/contract.h).
  std::filesystem::path relative;
  std::string before;  // empty for a new file
  std::string after;
  bool is_new = false;
  std::string migration;  // the migration's name
  // A contract-phase migration (Plan::contract): written into the holding directory, where it
  // waits for `lockstep contract release`.
  bool held = false;
};

// The files the plan turns into, target first, then the new migrations in execution order, then
// the contract phase (OutputFile::held), each with its header (migrations/contract.h) naming the
// last migration of the expand phase. An error when a held folder of the same name exists.
Result<std::vector<OutputFile>> LayOut(const FixInput& input, const Plan& plan);

// Writes `files` under `directory` (the migrations directory itself, or a copy), and the held
// ones into the holding directory beside it; creates folders.
Status WriteFiles(const std::filesystem::path& directory, const std::vector<OutputFile>& files);

// Copies the whole migrations directory to `out` (which must not exist or be empty), then writes
// `files` there.
Status WriteCopy(const FixInput& input, const std::filesystem::path& out,
                 const std::vector<OutputFile>& files);

}  // namespace lockstep::fix
