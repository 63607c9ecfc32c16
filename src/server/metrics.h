// Metrics: the server's Prometheus counters, rendered in the text exposition format (0.0.4).
//
//   facetrace_http_requests_total{method, route, status}   requests answered
//   facetrace_search_seconds (histogram)                   POST /v1/search, end to end
//   facetrace_gallery_faces, facetrace_gallery_identities  gauges, read at scrape time
//
// Routes are the templates ("/v1/identities/{id}"), never raw paths, so label sets stay few.
// Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace facetrace {

class Metrics {
 public:
  void CountRequest(const std::string& method, const std::string& route, int status);
  void ObserveSearchSeconds(double seconds);
  std::string Render(int64_t gallery_faces, int64_t gallery_identities) const;

  // Upper bounds of the search latency buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 10> kSearchBuckets = {0.05, 0.1, 0.25, 0.5, 1,
                                                            2,    5,   10,   30,  60};

 private:
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, int64_t> requests_;
  std::array<int64_t, kSearchBuckets.size()> search_buckets_{};  // non-cumulative
  int64_t search_count_ = 0;
  double search_sum_ = 0;
};

}  // namespace facetrace
