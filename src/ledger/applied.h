// What a database records as applied, for the commands that analyse migrations against it (lint,
// plan, fix). These read `_prisma_migrations` as the connection's search_path finds it (db::Connect
// sets it to the URL's ?schema=), where deploy names the URL's schema (ledger.h, Tables).
#pragma once

#include <optional>
#include <set>
#include <string>

#include "db/connection.h"

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
db::DbResult<AppliedState> ReadAppliedState(db::Connection& conn);

// Whether `name` has a finished, not rolled back row; false when the table does not exist.
db::DbResult<bool> IsApplied(db::Connection& conn, const std::string& name);

}  // namespace lockstep::ledger
