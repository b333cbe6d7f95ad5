// Loading migrations for the analysing commands (plan, trace): discovery plus the history that
// comes before them.
#pragma once

#include <string>
#include <vector>

#include "analysis/history.h"
#include "base/status.h"

namespace lockstep::cli {

struct LoadedMigrations {
  std::vector<analysis::MigrationText> migrations;
  size_t history_count = 0;  // the first history_count are replayed only
};

// Discovers `paths` (migrations/layout.h). A single Prisma migration folder (or its
// migration.sql) gets the earlier folders of its migrations directory as history, so that the
// catalog knows the tables it touches. Notes from discovery go to stderr.
Result<LoadedMigrations> LoadForAnalysis(const std::vector<std::string>& paths);

}  // namespace lockstep::cli
