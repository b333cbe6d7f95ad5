// When to retry a statement that hit lock_timeout, and how long to wait before the next attempt.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "deploy/options.h"

namespace lockstep::deploy {

// SQLSTATEs worth another attempt: lock_not_available (55P03: lock_timeout), deadlock_detected
// (40P01) and serialization_failure (40001: a SERIALIZABLE or REPEATABLE READ transaction lost
// to a concurrent one). All leave nothing behind once the transaction is rolled back, and all
// may succeed when the same transaction runs again later.
bool IsRetryable(const std::string& sqlstate);

// Why an attempt failed, for messages: "lock_timeout (100ms)", "deadlock", "serialization
// failure". `lock_timeout_ms` is the lock_timeout that was in effect.
std::string RetryCause(const std::string& sqlstate, int64_t lock_timeout_ms);

// Exponential backoff with jitter: the wait after the n-th failed attempt is drawn uniformly from
// [d/2, d] where d = min(retry_max, retry_base * 2^(n-1)); jitter keeps several deployers (or a
// deployer and a cron job) from retrying in lockstep. Not thread-safe.
class Backoff {
 public:
  Backoff(const Options& options, uint64_t seed);
  int64_t DelayMs(int failed_attempts);
  // True when another attempt fits: fewer than max_attempts made, and `elapsed_ms` (since the
  // first attempt) plus the next delay stays within the deadline.
  bool ShouldRetry(int failed_attempts, int64_t elapsed_ms, int64_t next_delay_ms) const;

 private:
  Options options_;
  std::mt19937_64 rng_;
};

}  // namespace lockstep::deploy
