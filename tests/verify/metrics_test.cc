#include "verify/metrics.h"

#include <gtest/gtest.h>

#include <vector>

#include "verify/workload.h"

namespace lockstep::verify {
namespace {

Request Req(int64_t start_ms, int64_t latency_ms, uint16_t table, Op op, bool ok = true) {
  Request r;
  r.start_us = start_ms * 1000;
  r.latency_us = latency_ms * 1000;
  r.table = table;
  r.op = op;
  r.ok = ok;
  return r;
}

TEST(PercentileTest, NearestRank) {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  EXPECT_EQ(Percentile(v, 50), 50);
  EXPECT_EQ(Percentile(v, 99), 99);
  EXPECT_EQ(Percentile(v, 100), 100);
  EXPECT_EQ(Percentile({7}, 50), 7);
  EXPECT_EQ(Percentile({}, 50), 0);
}

TEST(UnionTest, OverlapsCountOnce) {
  std::vector<Request> rs = {Req(0, 100, 0, Op::kUpdate), Req(50, 100, 0, Op::kUpdate),
                             Req(300, 10, 0, Op::kUpdate)};
  std::vector<const Request*> ptrs;
  for (const Request& r : rs) ptrs.push_back(&r);
  EXPECT_DOUBLE_EQ(UnionMs(ptrs), 160.0);  // [0,150] + [300,310]
  EXPECT_DOUBLE_EQ(UnionMs({}), 0.0);
}

TEST(ComputeStatsTest, BlockedTimeSplitsReadsAndWritesPerTable) {
  std::vector<Request> rs;
  for (int i = 0; i < 98; ++i) rs.push_back(Req(i * 10, 1, i % 2, i % 3 ? Op::kRead : Op::kInsert));
  // Table 0: two slow writes that overlap ([1000, 3000] and [2000, 3500]) and one slow read.
  rs.push_back(Req(1000, 2000, 0, Op::kUpdate));
  rs.push_back(Req(2000, 1500, 0, Op::kInsert, false));
  rs.push_back(Req(2500, 400, 0, Op::kRead));
  const RunStats s = ComputeStats(rs, {"a", "b", "c"}, {true, true, true}, 50);
  EXPECT_EQ(s.requests, 101);
  EXPECT_EQ(s.failed, 1);
  EXPECT_DOUBLE_EQ(s.p50_ms, 1);
  EXPECT_DOUBLE_EQ(s.max_ms, 2000);
  ASSERT_EQ(s.tables.size(), 3u);  // "c" got no request but is a workload table
  EXPECT_EQ(s.tables[0].name, "a");
  EXPECT_DOUBLE_EQ(s.tables[0].max_stall_ms, 2000);
  EXPECT_DOUBLE_EQ(s.tables[0].blocked_writes_ms, 2500);
  EXPECT_DOUBLE_EQ(s.tables[0].blocked_reads_ms, 400);
  EXPECT_EQ(s.tables[0].failed, 1);
  EXPECT_DOUBLE_EQ(s.tables[1].blocked_writes_ms, 0);
  EXPECT_DOUBLE_EQ(s.tables[1].max_stall_ms, 1);
  EXPECT_EQ(s.tables[2].reads + s.tables[2].writes, 0);
}

TEST(ComputeStatsTest, ThresholdIsExclusive) {
  std::vector<Request> rs = {Req(0, 50, 0, Op::kUpdate), Req(100, 51, 0, Op::kUpdate)};
  const RunStats s = ComputeStats(rs, {"a"}, {true}, 50);
  EXPECT_DOUBLE_EQ(s.tables[0].blocked_writes_ms, 51);
}

TEST(BookkeepingTest, MigrationStatementsAreKept) {
  EXPECT_TRUE(IsBookkeeping("SET lock_timeout = '100ms'"));
  EXPECT_TRUE(IsBookkeeping("  BEGIN"));
  EXPECT_TRUE(IsBookkeeping("SELECT pg_advisory_lock(72707369)"));
  EXPECT_TRUE(IsBookkeeping("INSERT INTO \"_prisma_migrations\" (id) VALUES ($1)"));
  EXPECT_TRUE(IsBookkeeping("-- a comment\n"));
  EXPECT_TRUE(IsBookkeeping("DROP TABLE IF EXISTS \"public\".\"_lockstep_progress\""));
  EXPECT_FALSE(IsBookkeeping("-- CreateIndex\nCREATE INDEX CONCURRENTLY \"x\" ON \"T\"(\"a\")"));
  EXPECT_FALSE(IsBookkeeping("/* c */ ALTER TABLE \"Member\" ADD COLUMN \"bio\" TEXT"));
  EXPECT_FALSE(IsBookkeeping("UPDATE \"Member\" SET \"bio\" = ''"));
}

}  // namespace
}  // namespace lockstep::verify
