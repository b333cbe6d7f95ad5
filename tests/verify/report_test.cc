// The SVG chart of a verify run (`lockstep verify --chart`), from a report built here: what each
// panel shows is checked by counting its marks, not against a stored picture.
#include "verify/report.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "verify/runner.h"

namespace lockstep::verify {
namespace {

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size()))
    ++n;
  return n;
}

// `n` requests of `latency_ms`, one every `every_ms` from `from_ms`.
void AddRequests(RunResult& run, double from_ms, int n, double every_ms, double latency_ms) {
  for (int i = 0; i < n; ++i) {
    Request q;
    q.start_us = static_cast<int64_t>((from_ms + i * every_ms) * 1000);
    q.latency_us = static_cast<int64_t>(latency_ms * 1000);
    run.requests.push_back(q);
  }
}

VerifyReport TwoRuns() {
  VerifyReport r;
  r.path = "prisma/migrations";
  r.server_version = "15.8";
  r.rows = 100000;
  r.clients = 2;
  r.pending = {"20240101_type"};
  r.long_transaction_s = 2;
  r.long_transaction_table = "Member<report>";
  r.lock_timeout_ms = 100;
  r.baseline.stats.max_ms = 20;
  // naive: a request every 10 ms (closer than a pixel column of the chart) for 10 s, but none
  // starts from 3 s to 6 s (the stall), and the last one before it waits 3 s.
  RunResult& naive = r.naive;
  AddRequests(naive, 0, 300, 10, 2);
  AddRequests(naive, 3000, 1, 10, 3000);
  AddRequests(naive, 6000, 400, 10, 2);
  naive.stats.max_ms = 3000;
  naive.end_ms = 10000;
  naive.migration_start_ms = 2000;
  naive.migration_end_ms = 6000;
  naive.long_transaction = {{1000, 3000}};
  naive.lock_waits = {{2000, 5900}};
  for (int i = 0; i < 10; ++i)
    naive.statements.push_back(
        {2000.0 + i * 400, "ALTER TABLE Member <" + std::to_string(i), std::nullopt});
  // lockstep: a request every 10 ms without a gap.
  RunResult& lockstep = r.lockstep;
  AddRequests(lockstep, 0, 1000, 10, 3);
  lockstep.stats.max_ms = 3;
  lockstep.end_ms = 10000;
  lockstep.migration_start_ms = 2000;
  lockstep.migration_end_ms = 8000;
  lockstep.statements = {{2500, "CREATE INDEX CONCURRENTLY", std::nullopt}};
  return r;
}

TEST(RenderSvgTest, EachPanelShowsItsRequestsStallsAndStatements) {
  const VerifyReport r = TwoRuns();
  const std::string svg = RenderSvg(r);
  ASSERT_EQ(svg.rfind("<svg ", 0), 0u) << svg.substr(0, 200);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  // One dot per column of 2 px holding a request (its slowest): fewer dots than requests, but
  // at least one per 20 ms; the stalled request is one of them.
  const size_t requests = r.naive.requests.size() + r.lockstep.requests.size();
  EXPECT_LT(Count(svg, "<circle "), requests);
  EXPECT_GE(Count(svg, "<circle "), requests / 2);
  EXPECT_EQ(Count(svg, "<title>3.00 s at "), 1u);
  // The median line breaks where no request started: naive's in two at the stall, lockstep's
  // is one line.
  EXPECT_EQ(Count(svg, "<polyline "), 2u + 1u);
  // The migration spans, the report (naive only), the lock wait (naive only).
  EXPECT_EQ(Count(svg, "<title>migration running</title>"), 2u);
  EXPECT_EQ(Count(svg, "<title>the report (long read transaction on Member&lt;report&gt;)"), 1u);
  EXPECT_EQ(Count(svg, "<title>migration waiting for a lock</title>"), 1u);
  // A mark per statement start, text escaped; naive's legend lists 8 and counts the rest.
  EXPECT_EQ(Count(svg, "stroke=\"#7d3c98\""), r.naive.statements.size() + 1);
  EXPECT_EQ(Count(svg, "ALTER TABLE Member &lt;"), 10u + 8u);
  EXPECT_NE(svg.find("… 2 more statement starts"), std::string::npos);
  EXPECT_EQ(svg.find("ALTER TABLE Member <"), std::string::npos);
  // The budget: baseline 20 ms + lock timeout 100 ms + 50 ms, in both panels and the key.
  EXPECT_EQ(Count(svg, "budget: baseline max + lock timeout + 50 ms = 170 ms"), 2u);
  EXPECT_NE(svg.find("dashed: lockstep's budget (170 ms)"), std::string::npos);
  EXPECT_NE(svg.find("naive (each file one transaction, no timeouts): longest stall 3.00 s"),
            std::string::npos);
  EXPECT_NE(svg.find("lockstep (fix + deploy, lock_timeout and retries): longest stall 3.00 ms"),
            std::string::npos);
}

// A statement's whole text is its mark's tooltip: a fixed 512-byte buffer cut a long one (a
// CREATE INDEX listing many columns) mid-tag, leaving the SVG unreadable.
TEST(RenderSvgTest, ALongStatementsTooltipIsWholeAndClosed) {
  VerifyReport r = TwoRuns();
  std::string text = "CREATE INDEX CONCURRENTLY i ON t (";
  while (text.size() < 900) text += "column_" + std::to_string(text.size()) + ", ";
  text += "last)";
  r.lockstep.statements = {{2500, text, std::nullopt}};
  const std::string svg = RenderSvg(r);
  EXPECT_NE(svg.find("<title>2.500 s: " + text + "</title></line>\n"), std::string::npos);
}

}  // namespace
}  // namespace lockstep::verify
