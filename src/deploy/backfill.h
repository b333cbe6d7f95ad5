// Batched backfills (docs/backfill.md): the key an UPDATE is batched by, and the SQL of each
// batch. The deployer (runner.cc) runs the batches; this file decides what they send.
//
// A batch covers the next `n` keys after the last committed one, up to the largest key when the
// backfill started (so it always ends): one query finds the batch's last key, then the
// statement runs as written with `AND <key> > <after> AND <key> <= <last>` ANDed onto its WHERE,
// and the position is saved in the same transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"
#include "deploy/plan.h"

namespace lockstep::deploy {

// A unique, NOT NULL, non-partial btree key of the table: its index orders the batches.
struct BackfillKey {
  std::string index;  // the index's name, for messages
  bool primary = false;
  std::vector<std::string> columns;  // in the index's order
  std::vector<std::string> types;    // each column's type (no modifier), for literal casts
};

// The key to batch `b` by, or why there is none.
struct KeyChoice {
  std::optional<BackfillKey> key;
  std::string refusal;  // when !key: why no key is usable (no primary key, nullable, SET by it)
};

// Reads the table's unique indexes (resolved through the session's search_path, as the UPDATE
// is) and takes the primary key, else the unique NOT NULL key with the fewest columns; a key
// the UPDATE assigns to is skipped, since the batches would move rows across their own range.
db::DbResult<KeyChoice> ChooseBackfillKey(db::Connection& conn, const Backfill& b);

// The planner's estimate of the table's rows; nullopt when it gives none.
db::DbResult<std::optional<int64_t>> EstimateRows(db::Connection& conn, const Backfill& b);

// `SELECT <key columns as text> … ORDER BY <key> DESC LIMIT 1`: the largest key.
std::string LargestKeySql(const Backfill& b, const BackfillKey& key);

// The last key of the next batch of `n` keys after `after` (none: from the first) and at most
// `bound`, found with `LIMIT 1 OFFSET n - 1`; no row: fewer than n keys are left, so the batch
// ends at `bound`. Several statements (SET LOCALs that make it an index scan, then the query),
// to be sent as one query string outside a transaction block (its SET LOCALs end with it).
std::string BatchEndSql(const Backfill& b, const BackfillKey& key,
                        const std::optional<std::vector<std::string>>& after,
                        const std::vector<std::string>& bound, int64_t n);

// `<key> > <after> AND <key> <= <last>` (the first batch has no lower end), a row comparison for
// a composite key.
std::string KeyRangeSql(const Backfill& b, const BackfillKey& key,
                        const std::optional<std::vector<std::string>>& after,
                        const std::vector<std::string>& last);

// The migration's UPDATE, as written, with `range` ANDed onto its WHERE (or as its WHERE).
std::string BatchUpdateSql(const PlannedStatement& s, const std::string& range);

// `("id")=(42)` / `("a", "b")=(1, x)`, as PostgreSQL writes keys in its messages.
std::string DescribeKey(const std::vector<std::string>& columns,
                        const std::vector<std::string>& values);

// "1,234,567".
std::string Thousands(int64_t n);

// The next batch size: towards `target_ms` from the last batch's `n` keys in `took_ms`, at
// most doubling, and not below 10 (or n, when smaller).
int64_t NextBatchSize(int64_t n, int64_t took_ms, int64_t target_ms);

}  // namespace lockstep::deploy
