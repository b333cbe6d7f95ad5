// Finding the migrations to deploy, with a StatusCode per way it can go wrong (the cases a CI
// script wants to tell apart): no such directory, no migrations in it, a migration folder without
// its migration.sql (Prisma: P3015), anything else unreadable.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "deploy/options.h"
#include "deploy/plan.h"
#include "ledger/status.h"
#include "migrations/layout.h"

namespace lockstep::deploy {

struct Loaded {
  // Ok, or why nothing could be loaded: its code, and one line "path: error: message".
  Status status;
  migrations::MigrationSet set;
  std::string directory;  // the migrations directory, for messages and .env lookup
};

// `path`: a migrations directory (the default is prisma/migrations), a project root, a schema
// file, one migration folder or .sql file (migrations/layout.h).
Loaded LoadMigrations(const std::string& path);

// Reads nothing more: plans every migration of `set`, in order.
// Plans every migration, in order. Takes the migrations (moved in by a caller done with them):
// each plan keeps its file's text, which is then held once.
std::vector<MigrationPlan> PlanAll(std::vector<migrations::Migration> migrations,
                                   const Options& options);

std::vector<ledger::DiskMigration> DiskMigrations(const migrations::MigrationSet& set);

}  // namespace lockstep::deploy
