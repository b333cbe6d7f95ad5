// Reads what the duration model needs from the target database, read-only: for every table a
// plan's statements work on, its size (pg_class, pg_stat_user_tables, pg_relation_size …), its
// indexes' key columns, and the time this server takes to read a bounded sample of it and to
// sort that sample by each key an index build would sort by (EXPLAIN ANALYZE of a SELECT over
// TABLESAMPLE SYSTEM). docs/estimates.md describes the queries and their limits.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "db/connection.h"
#include "stats/estimate.h"

namespace lockstep::stats {

struct ReadOptions {
  // Every statement sent is bounded by these (SET LOCAL in the transaction).
  int statement_timeout_ms = 5000;
  int lock_timeout_ms = 1000;
  // Pages read per sample (8 kB each with the default block size): the timing's precision
  // against the time it costs the target.
  int64_t sample_pages = 2560;
};

// Connects to `info` and reads the tables of `work` (keyed by Work::table's ToString) in one
// READ ONLY transaction, rolled back at the end: no write, no lock stronger than ACCESS SHARE
// (taken by pg_relation_size and the samples), a statement_timeout and a lock_timeout on
// everything. Tables the target does not have are absent from the map. A measurement the server
// refuses (a key with no ordering, a timeout) is skipped, the model then falls back; a
// connection or permission failure is an error.
db::DbResult<std::map<std::string, TableStats>> ReadTables(
    const db::ConnInfo& info, const std::vector<std::vector<Work>>& work,
    const ReadOptions& options = {});

// The whole of `plan --database`: WorkOf(h), ReadTables, then Apply to `entries`
// (plan::FromHistory(h)). Returns how many tables were read.
db::DbResult<size_t> AddEstimates(const analysis::History& h, const db::ConnInfo& info,
                                  std::vector<plan::Entry>& entries, const Model& model = {},
                                  const ReadOptions& options = {});

}  // namespace lockstep::stats
