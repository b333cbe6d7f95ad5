#include "ledger/applied.h"

namespace lockstep::ledger {

db::DbResult<AppliedState> ReadAppliedState(db::Connection& conn, const Tables& tables) {
  // One READ ONLY transaction with short timeouts, as for statistics: the database may be
  // production's (found in .env), so the server refuses any write and nothing waits long behind
  // a lock. A table (or the marker's schema) not there yet: nothing applied.
  for (const char* sql : {"BEGIN TRANSACTION READ ONLY", "SET LOCAL statement_timeout = 5000",
                          "SET LOCAL lock_timeout = 1000"}) {
    db::DbResult<db::Rows> r = conn.Exec(sql);
    if (!r.ok()) return r.error();
  }
  auto read = [&]() -> db::DbResult<AppliedState> {
    db::DbResult<db::Rows> present = conn.Exec(
        "SELECT (to_regclass($1) IS NOT NULL)::text AS folders, "
        "(to_regclass('prisma_contract.marker') IS NOT NULL)::text AS marker",
        {tables.migrations()});
    if (!present.ok()) return present.error();
    AppliedState out;
    if (present->Value(0, "folders") == "true") {
      db::DbResult<db::Rows> rows =
          conn.Exec("SELECT migration_name FROM " + tables.migrations() +
                    " WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL");
      if (!rows.ok()) return rows.error();
      for (size_t i = 0; i < rows->size(); ++i)
        if (auto v = rows->Value(i, "migration_name")) out.names.insert(*v);
    }
    if (present->Value(0, "marker") == "true") {
      // As Prisma 8's PostgreSQL adapter reads it: the row with id 1.
      db::DbResult<db::Rows> marker =
          conn.Exec("SELECT core_hash FROM prisma_contract.marker WHERE id = 1");
      if (!marker.ok()) return marker.error();
      if (marker->size() > 0) out.marker_hash = marker->Value(0, "core_hash");
    }
    return out;
  };
  db::DbResult<AppliedState> out = read();
  db::DbResult<db::Rows> end = conn.Exec("ROLLBACK");
  if (out.ok() && !end.ok()) return end.error();
  return out;
}

db::DbResult<bool> IsApplied(db::Connection& conn, const Tables& tables, const std::string& name) {
  db::DbResult<db::Rows> rows =
      conn.Exec("SELECT 1 FROM " + tables.migrations() +
                    " WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS "
                    "NULL",
                {name});
  if (!rows.ok()) {
    // No table, or no schema (a ?schema= deploy has not created yet): nothing applied.
    if (rows.error().sqlstate == "42P01" || rows.error().sqlstate == "3F000") return false;
    return rows.error();
  }
  return !rows->empty();
}

}  // namespace lockstep::ledger
