#include "verify/metrics.h"

#include <algorithm>
#include <cmath>

namespace lockstep::verify {

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
  const size_t i = static_cast<size_t>(std::clamp(rank, 1.0, static_cast<double>(sorted.size())));
  return sorted[i - 1];
}

double UnionMs(const std::vector<const Request*>& requests) {
  std::vector<std::pair<int64_t, int64_t>> spans;
  spans.reserve(requests.size());
  for (const Request* r : requests) spans.emplace_back(r->start_us, r->start_us + r->latency_us);
  std::sort(spans.begin(), spans.end());
  int64_t total = 0, cur_begin = 0, cur_end = -1;
  for (const auto& [b, e] : spans) {
    if (b > cur_end) {
      if (cur_end >= cur_begin) total += cur_end - cur_begin;
      cur_begin = b;
      cur_end = e;
    } else {
      cur_end = std::max(cur_end, e);
    }
  }
  if (cur_end >= cur_begin) total += cur_end - cur_begin;
  return static_cast<double>(total) / 1000.0;
}

RunStats ComputeStats(const std::vector<Request>& requests,
                      const std::vector<std::string>& table_names, const std::vector<bool>& always,
                      double threshold_ms) {
  RunStats out;
  std::vector<double> latencies;
  latencies.reserve(requests.size());
  const size_t n = table_names.size();
  std::vector<TableStats> tables(n);
  std::vector<std::vector<const Request*>> slow_writes(n), slow_reads(n);
  std::vector<bool> seen(n, false);
  const auto threshold_us = static_cast<int64_t>(threshold_ms * 1000.0);
  for (const Request& r : requests) {
    ++out.requests;
    if (!r.ok) ++out.failed;
    latencies.push_back(static_cast<double>(r.latency_us) / 1000.0);
    if (r.table >= n) continue;
    TableStats& t = tables[r.table];
    seen[r.table] = true;
    (IsWrite(r.op) ? t.writes : t.reads) += 1;
    if (!r.ok) ++t.failed;
    t.max_stall_ms = std::max(t.max_stall_ms, static_cast<double>(r.latency_us) / 1000.0);
    if (r.latency_us > threshold_us)
      (IsWrite(r.op) ? slow_writes : slow_reads)[r.table].push_back(&r);
  }
  std::sort(latencies.begin(), latencies.end());
  out.p50_ms = Percentile(latencies, 50);
  out.p99_ms = Percentile(latencies, 99);
  out.max_ms = latencies.empty() ? 0 : latencies.back();
  for (size_t i = 0; i < n; ++i) {
    if (!seen[i] && !(i < always.size() && always[i])) continue;
    tables[i].name = table_names[i];
    tables[i].blocked_writes_ms = UnionMs(slow_writes[i]);
    tables[i].blocked_reads_ms = UnionMs(slow_reads[i]);
    out.tables.push_back(tables[i]);
  }
  return out;
}

}  // namespace lockstep::verify
