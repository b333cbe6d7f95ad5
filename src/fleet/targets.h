// The targets of a fleet deploy: one database (or one tenant schema of a database) each, read from
// a fleet file or from a tenants table. Everything is checked before the first target is touched:
// a malformed line or a duplicate target refuses the whole fleet.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "db/url.h"

namespace lockstep::fleet {

struct FleetTarget {
  db::ConnInfo conn;
  std::string label;  // "host:port/db?schema=s": no user, no password
  int line = 0;       // its line in the fleet file, or its row of the query (1-based)
};

// The label of a target: where it is, never who connects (no credential can leak through it).
std::string LabelOf(const db::ConnInfo& conn);

// A fleet file: one PostgreSQL URL per line (`?schema=` for a schema per tenant); blank lines,
// lines starting with '#' and a trailing " # comment" are ignored. Errors name `path:line`.
Result<std::vector<FleetTarget>> ReadFleetFile(const std::string& path);
// The same, from text already read (`path` only names it in errors).
Result<std::vector<FleetTarget>> ParseFleet(const std::string& path, const std::string& text);

// Targets from the rows of a tenants query: each value is a URL, or a schema name that becomes
// `base` with that ?schema=.
Result<std::vector<FleetTarget>> TargetsFromValues(const std::vector<std::string>& values,
                                                   const db::ConnInfo& base);

// Runs `sql` on `tenants` (read-only transaction, 30 s statement_timeout) and takes the first
// column of each row as TargetsFromValues does, with `tenants` as the base of schema names.
Result<std::vector<FleetTarget>> TargetsFromQuery(const db::ConnInfo& tenants,
                                                  const std::string& sql);

}  // namespace lockstep::fleet
