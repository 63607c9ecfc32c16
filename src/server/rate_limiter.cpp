#include "server/rate_limiter.h"

#include <algorithm>

namespace facetrace {

RateLimiter::RateLimiter(int per_minute) : per_minute_(per_minute) {}

bool RateLimiter::Allow(const std::string& key, Clock::time_point now) {
  if (per_minute_ <= 0) return true;
  std::lock_guard lock(mu_);
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{double(per_minute_), now});
  Bucket& b = it->second;
  if (!inserted) {
    const double minutes = std::chrono::duration<double>(now - b.updated).count() / 60.0;
    b.tokens = std::min<double>(per_minute_, b.tokens + std::max(0.0, minutes) * per_minute_);
    b.updated = std::max(b.updated, now);
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace facetrace
