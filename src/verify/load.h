// Loading a FillPlan into a database with COPY (the fastest path PostgreSQL offers a client).
#pragma once

#include <functional>
#include <string>

#include "base/status.h"
#include "db/url.h"
#include "verify/datagen.h"

namespace lockstep::verify {

struct LoadOptions {
  // COPY streams per table, each on its own connection and thread (the server parses and
  // indexes each stream on its own backend). Tables with a self-referencing foreign key always
  // load in one stream, since a row's parent must be committed or in the same statement.
  int streams = 2;
  // After loading: VACUUM (FREEZE, ANALYZE) every loaded table, so that the workload neither
  // sets hint bits on its first reads nor runs on missing statistics.
  bool vacuum = true;
  std::function<void(const std::string&)> progress;  // one line per table; may be empty
};

// Empties every table of `plan` (TRUNCATE … CASCADE: rows the history inserted, and the rows
// pointing at them), then loads them, parents first. Indexes and foreign keys touching a table are
// dropped before its rows are copied and recreated afterwards from the server's own definitions,
// under the same names (a bulk load then a sorted build is several times faster): the schema
// afterwards is the one before. Errors carry the server's message and the table.
Status Load(const db::ConnInfo& info, const FillPlan& plan, const LoadOptions& options = {});

}  // namespace lockstep::verify
