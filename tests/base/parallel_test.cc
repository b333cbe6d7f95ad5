#include "base/parallel.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace lockstep {
namespace {

TEST(ParallelForTest, CallsTheBodyOnceForEveryIndex) {
  for (size_t workers : {1u, 3u, 8u}) {
    std::vector<int> calls(100, 0);
    std::mutex mu;
    ParallelFor(calls.size(), workers, [&](size_t, size_t i) {
      std::lock_guard<std::mutex> lock(mu);
      ++calls[i];
    });
    EXPECT_EQ(calls, std::vector<int>(100, 1)) << workers << " workers";
  }
  bool called = false;
  ParallelFor(0, 4, [&](size_t, size_t) { called = true; });
  EXPECT_FALSE(called);
}

TEST(ParallelForTest, OneWorkerIsTheCallingThread) {
  const std::thread::id caller = std::this_thread::get_id();
  std::set<std::thread::id> seen;
  std::vector<size_t> order;
  ParallelFor(5, 1, [&](size_t worker, size_t i) {
    EXPECT_EQ(worker, 0u);
    seen.insert(std::this_thread::get_id());
    order.push_back(i);
  });
  EXPECT_EQ(seen, std::set<std::thread::id>{caller});
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3, 4}));
}

// The jobs really overlap: each of the first three waits until all three have started, which a
// pool running fewer at once would never let happen.
TEST(ParallelForTest, RunsUpToWorkersJobsAtOnceEachWorkerOnItsOwnThread) {
  std::mutex mu;
  std::condition_variable cv;
  int inside = 0;
  bool all_met = true;
  std::vector<std::set<std::thread::id>> threads_of(3);
  ParallelFor(3, 3, [&](size_t worker, size_t) {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_LT(worker, 3u);
    threads_of[worker].insert(std::this_thread::get_id());
    ++inside;
    cv.notify_all();
    all_met = cv.wait_for(lock, std::chrono::seconds(10), [&] { return inside == 3; }) && all_met;
  });
  EXPECT_TRUE(all_met);
  std::set<std::thread::id> distinct;
  for (const auto& ids : threads_of) {
    EXPECT_EQ(ids.size(), 1u);
    distinct.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(distinct.size(), 3u);
}

TEST(ParallelForTest, NeverMoreThreadsThanJobs) {
  std::mutex mu;
  std::set<size_t> workers;
  ParallelFor(2, 16, [&](size_t worker, size_t) {
    std::lock_guard<std::mutex> lock(mu);
    workers.insert(worker);
  });
  EXPECT_LE(workers.size(), 2u);
  for (size_t w : workers) EXPECT_LT(w, 2u);
}

}  // namespace
}  // namespace lockstep
