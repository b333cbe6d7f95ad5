// Matching a run's statement marks to the statements it applied (verify/estimates.h): pure, no
// server; the end-to-end figures are checked by VerifyCliTest.PrintsEstimateAgainstObserved….
#include "verify/estimates.h"

#include <gtest/gtest.h>

namespace lockstep::verify {
namespace {

StatementCheck Check(bool marked) {
  StatementCheck c;
  c.marked = marked;
  c.estimate = plan::Estimate{1.0, 1.0};
  return c;
}

Request At(double start_ms, double latency_ms) {
  Request r;
  r.start_us = static_cast<int64_t>(start_ms * 1000);
  r.latency_us = static_cast<int64_t>(latency_ms * 1000);
  return r;
}

TEST(MatchObservedTest, MarkedStatementsTakeTheMarksInOrderAndTheStallsDuringThem) {
  std::vector<StatementCheck> checks = {Check(true), Check(false), Check(true)};
  const std::vector<StatementStart> statements = {
      {900, "polled before the migration", std::nullopt},
      {1000, "CREATE INDEX a", 1400.0},
      {1010, "polled, no end", std::nullopt},
      {1500, "ALTER TABLE b", 1520.0},
  };
  const std::vector<Request> requests = {At(500, 2), At(1100, 250), At(1490, 30), At(1600, 900)};
  ASSERT_TRUE(MatchObserved(statements, requests, 950, 1600, checks));
  ASSERT_TRUE(checks[0].observed_ms);
  EXPECT_DOUBLE_EQ(*checks[0].observed_ms, 400);
  EXPECT_DOUBLE_EQ(*checks[0].max_stall_ms, 250);  // 1100+250 overlaps; 500+2 does not
  EXPECT_FALSE(checks[1].observed_ms);             // an UPDATE: the run cannot see it
  EXPECT_DOUBLE_EQ(*checks[2].observed_ms, 20);
  EXPECT_DOUBLE_EQ(*checks[2].max_stall_ms, 30);  // 1490+30 ends inside it
}

TEST(MatchObservedTest, ANumberOfMarksThatDiffersGivesNoObservationAtAll) {
  std::vector<StatementCheck> checks = {Check(true), Check(true)};
  const std::vector<StatementStart> statements = {{1000, "CREATE INDEX a", 1400.0}};
  EXPECT_FALSE(MatchObserved(statements, {}, 950, 1600, checks));
  EXPECT_FALSE(checks[0].observed_ms);
  EXPECT_FALSE(checks[1].observed_ms);
}

}  // namespace
}  // namespace lockstep::verify
