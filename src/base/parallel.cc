#include "base/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace lockstep {

void ParallelFor(size_t n, size_t workers,
                 const std::function<void(size_t worker, size_t i)>& body) {
  const size_t threads = std::max<size_t>(1, std::min(workers, n));
  std::atomic<size_t> next{0};
  auto work = [&](size_t worker) {
    for (size_t i; (i = next++) < n;) body(worker, i);
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (size_t w = 1; w < threads; ++w) pool.emplace_back(work, w);
  work(0);
  for (std::thread& t : pool) t.join();
}

}  // namespace lockstep
