// Loading migrations for the analysing commands (plan, trace): discovery plus the history that
// comes before them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/history.h"
#include "base/status.h"
#include "db/datasource.h"

namespace lockstep::cli {

struct LoadedMigrations {
  std::vector<analysis::MigrationText> migrations;
  size_t history_count = 0;  // the first history_count are replayed only
  std::string directory;     // the first source's directory (where the project's files are)
};

// Discovers `paths` (migrations/layout.h). A single Prisma migration folder (or its
// migration.sql) gets the earlier folders of its migrations directory as history, so that the
// catalog knows the tables it touches. Notes from discovery go to stderr.
Result<LoadedMigrations> LoadForAnalysis(const std::vector<std::string>& paths);

// The database of the project whose migrations are in `directory`, as deploy finds it when
// --database is not given: schema.prisma's directUrl, else its url (DATABASE_URL without a
// schema), from the environment or a .env file in the working directory, its prisma/, or next to
// the migrations directory. nullopt when nothing names one.
Result<std::optional<db::MigrationUrl>> FindProjectDatabase(const std::string& directory);

}  // namespace lockstep::cli
