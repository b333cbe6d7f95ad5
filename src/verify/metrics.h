// What a run's requests add up to: latency percentiles, the longest stall and the time each
// table was blocked for writes and for reads. Pure functions of the request records.
//
// Definitions (docs/verify.md):
//   - a request's latency is the client's wall time around the whole round trip;
//   - the longest stall of a table is the highest latency of a request to it;
//   - a table is "blocked for writes" while some write (update or insert) to it is in flight and
//     ends up taking longer than the threshold: the blocked time is the length of the union of
//     the intervals [start, end] of such writes. The same for reads. Two slow writes that overlap
//     count once, so the figure is wall time, not a sum over clients.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "verify/workload.h"

namespace lockstep::verify {

struct TableStats {
  std::string name;
  int64_t reads = 0;
  int64_t writes = 0;
  int64_t failed = 0;
  double max_stall_ms = 0;
  double blocked_writes_ms = 0;
  double blocked_reads_ms = 0;
};

struct RunStats {
  int64_t requests = 0;
  int64_t failed = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;               // the run's longest stall
  std::vector<TableStats> tables;  // the workload tables, in plan order
};

// `table_names[i]` names table i of the plan; tables with no request are left out unless
// `always[i]` (a workload table that got no request is worth showing).
RunStats ComputeStats(const std::vector<Request>& requests,
                      const std::vector<std::string>& table_names, const std::vector<bool>& always,
                      double threshold_ms);

// Length of the union of [start, start + latency] over the given requests, in milliseconds.
double UnionMs(const std::vector<const Request*>& requests);

// The nearest-rank percentile (0 < p <= 100) of `sorted` (ascending); 0 when empty.
double Percentile(const std::vector<double>& sorted, double p);

}  // namespace lockstep::verify
