#include "server/metrics.h"

#include <fmt/format.h>

namespace facetrace {

namespace {

// Label values are route templates and methods we define, but escape anyway (\ " newline).
std::string Escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    out.push_back(c == '\n' ? 'n' : c);
  }
  return out;
}

}  // namespace

void Metrics::CountRequest(const std::string& method, const std::string& route, int status) {
  std::lock_guard lock(mu_);
  ++requests_[{method, route, status}];
}

void Metrics::ObserveSearchSeconds(double seconds) {
  std::lock_guard lock(mu_);
  ++search_count_;
  search_sum_ += seconds;
  for (size_t i = 0; i < kSearchBuckets.size(); ++i) {
    if (seconds <= kSearchBuckets[i]) {
      ++search_buckets_[i];
      break;
    }
  }
}

std::string Metrics::Render(int64_t gallery_faces, int64_t gallery_identities) const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP facetrace_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE facetrace_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out += fmt::format(
        "facetrace_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
        Escape(method), Escape(route), status, count);
  }
  out += "# HELP facetrace_search_seconds Time to answer POST /v1/search.\n";
  out += "# TYPE facetrace_search_seconds histogram\n";
  int64_t cumulative = 0;
  for (size_t i = 0; i < kSearchBuckets.size(); ++i) {
    cumulative += search_buckets_[i];
    out += fmt::format("facetrace_search_seconds_bucket{{le=\"{}\"}} {}\n", kSearchBuckets[i],
                       cumulative);
  }
  out += fmt::format("facetrace_search_seconds_bucket{{le=\"+Inf\"}} {}\n", search_count_);
  out += fmt::format("facetrace_search_seconds_sum {}\n", search_sum_);
  out += fmt::format("facetrace_search_seconds_count {}\n", search_count_);
  out += "# HELP facetrace_gallery_faces Faces in the search index.\n";
  out += "# TYPE facetrace_gallery_faces gauge\n";
  out += fmt::format("facetrace_gallery_faces {}\n", gallery_faces);
  out += "# HELP facetrace_gallery_identities Identities in the catalog.\n";
  out += "# TYPE facetrace_gallery_identities gauge\n";
  out += fmt::format("facetrace_gallery_identities {}\n", gallery_identities);
  return out;
}

}  // namespace facetrace
