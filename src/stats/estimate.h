// Duration estimates: what each statement of a plan costs on the target database, from the lock
// model's facts (rewrite, scan, index build) and the target's own statistics and throughput,
// measured read-only (stats/target.h). The model and its limits: docs/estimates.md.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analysis/history.h"
#include "plan/plan.h"

namespace lockstep::stats {

// One piece of work a statement does on a live table, as the lock model and the statement say.
struct Work {
  enum class Kind {
    kScan,        // a full read under the lock: VALIDATE, CHECK, SET NOT NULL, FOREIGN KEY
    kRewrite,     // the heap rebuilt, then every index of the table rebuilt
    kIndexBuild,  // one new index: a scan and a sort of its keys
  };
  Kind kind = Kind::kScan;
  sql::QName table;
  // kIndexBuild: the key columns (empty when a key is an expression: the sort is then estimated
  // as the costliest sort measured on the table, else as one more read of it).
  std::vector<std::string> columns;
  bool concurrently = false;  // CREATE INDEX CONCURRENTLY: blocks nothing, two scans
};

// The work of every statement of `h`, index-aligned with plan::FromHistory(h). Tables created in
// the same migration are left out (they are empty when the statement runs). Pure.
std::vector<std::vector<Work>> WorkOf(const analysis::History& h);

// A table as the target holds it, with the throughput measured on it.
struct TableStats {
  sql::QName relation;      // as the target resolved it (schema-qualified)
  int64_t rows = 0;         // estimated live rows
  int64_t heap_bytes = 0;   // pg_relation_size
  int64_t total_bytes = 0;  // pg_total_relation_size: heap, TOAST, indexes
  double scan_seconds = 0;  // a full sequential read, extrapolated from a timed sample
  // The existing indexes' key columns (empty for an index on expressions), for rebuilds.
  std::vector<std::vector<std::string>> indexes;
  // Seconds to sort every row by these columns (maintenance_work_mem), from a timed sample.
  std::map<std::vector<std::string>, double> sort_seconds;
};

// Factors from the measured read and sort times to each kind of work, fitted by
// bench/estimate_bench.cc on a 2M-row table (docs/estimates.md, "Calibration"). An index build
// costs more per row than reading it (forming, copying and writing index tuples) and less per
// comparison than EXPLAIN's sort of the same keys (abbreviated keys, no projection).
struct Model {
  double rewrite_per_scan = 5.4;   // write the heap (and its WAL) again, converting values
  double build_per_scan = 4.5;     // index build: per row read
  double build_per_sort = 0.6;     // index build: per unit of the sample sort's time
  double validate_per_scan = 1.0;  // evaluating the expression on every row
  double concurrent_factor = 2.0;  // CONCURRENTLY: a second scan, waits for older transactions
};

// Seconds of one index build on `t` by `columns`, from its read and sort times.
double IndexBuildSeconds(const TableStats& t, const std::vector<std::string>& columns,
                         const Model& m);

// Fills tables and estimate of each entry (index-aligned with `work`) from `tables` (keyed by
// Work::table's ToString) and sets with_statistics. A blocking lock (one that blocks reads or
// writes of a live table) makes blocking_seconds the whole duration; CONCURRENTLY forms block
// nothing. An entry whose work names a table missing from `tables` gets no estimate.
void Apply(const std::vector<std::vector<Work>>& work,
           const std::map<std::string, TableStats>& tables, const Model& m,
           std::vector<plan::Entry>& entries);

}  // namespace lockstep::stats
