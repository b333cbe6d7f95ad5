#include "deploy/retry.h"

#include <algorithm>

namespace lockstep::deploy {

bool IsRetryable(const std::string& sqlstate) {
  return sqlstate == "55P03" || sqlstate == "40P01" || sqlstate == "40001";
}

std::string RetryCause(const std::string& sqlstate, int64_t lock_timeout_ms) {
  if (sqlstate == "40P01") return "deadlock (40P01)";
  if (sqlstate == "40001") return "serialization failure (40001)";
  return "lock_timeout (" + FormatDuration(lock_timeout_ms) + ")";
}

Backoff::Backoff(const Options& options, uint64_t seed) : options_(options), rng_(seed) {}

int64_t Backoff::DelayMs(int failed_attempts) {
  const int shift = std::clamp(failed_attempts - 1, 0, 30);
  const int64_t base = std::max<int64_t>(options_.retry_base_ms, 1);
  const int64_t cap = std::max<int64_t>(options_.retry_max_ms, base);
  const int64_t d = std::min(cap, base << std::min(shift, 20));
  std::uniform_int_distribution<int64_t> jitter(d / 2, d);
  return jitter(rng_);
}

bool Backoff::ShouldRetry(int failed_attempts, int64_t elapsed_ms, int64_t next_delay_ms) const {
  return failed_attempts < options_.max_attempts &&
         elapsed_ms + next_delay_ms <= options_.retry_deadline_ms;
}

}  // namespace lockstep::deploy
