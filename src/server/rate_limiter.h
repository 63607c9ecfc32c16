// RateLimiter: at most N requests per minute per API token, as a token bucket (N capacity,
// refilled at N per minute), so a burst up to N passes and a steady client gets N a minute.
// Thread-safe. Buckets are keyed by a digest of the token, never the token itself.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace facetrace {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // per_minute <= 0: unlimited.
  explicit RateLimiter(int per_minute);

  // True when `key` may make a request at `now` (and counts it).
  bool Allow(const std::string& key, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  int per_minute_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace facetrace
