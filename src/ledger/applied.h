// What a database records as applied, for the commands that analyse migrations against it (lint,
// plan, fix). They read the same table deploy writes, named schema-qualified (ledger.h, Tables):
// not through the search_path, which a role or database setting can point at another schema's
// `_prisma_migrations`, so that lint would skip a migration deploy is about to run.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "db/connection.h"
#include "ledger/ledger.h"

namespace lockstep::ledger {

// As the Prisma of each layout records it.
struct AppliedState {
  std::set<std::string> names;  // Prisma 5-7: finished, not rolled back, in _prisma_migrations
  // Prisma 8: the contract hash prisma_contract.marker records (the `to` of the last package
  // applied); nullopt when the database has no marker.
  std::optional<std::string> marker_hash;
};

// Reads it over `conn`, in a READ ONLY transaction of its own with a statement_timeout and a
// lock_timeout; a missing table or schema is nothing applied.
db::DbResult<AppliedState> ReadAppliedState(db::Connection& conn, const Tables& tables);

// Whether `name` has a finished, not rolled back row; false when the table does not exist.
db::DbResult<bool> IsApplied(db::Connection& conn, const Tables& tables, const std::string& name);

}  // namespace lockstep::ledger
