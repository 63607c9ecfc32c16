// A one-line progress bar on stderr, drawn only when stderr is a terminal (so logs and CI
// output stay clean) and at most ~10 times a second.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace facetrace::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();
  void Update(size_t done, size_t total);
  // Clears the bar so a following message starts on a clean line.
  void Clear();

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace facetrace::cli
