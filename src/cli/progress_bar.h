// A one-line progress bar on stderr, drawn only when stderr is a terminal (so logs and CI
// output stay clean) and at most ~10 times a second.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>

namespace facetrace::cli {

// The bar's line for `done` of `total` items after `elapsed_seconds`, without the leading
// carriage return: "label [#####     ] done/total rate/s ETA Ns ".
std::string FormatProgressLine(const std::string& label, size_t done, size_t total,
                               double elapsed_seconds);

class ProgressBar {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // Draws on stderr if it is a terminal, else nowhere.
  explicit ProgressBar(std::string label);
  // Draws on `out` whatever it is, reading the time from `now` (tests use both).
  ProgressBar(std::string label, std::FILE* out, Clock now = std::chrono::steady_clock::now);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Redraws the bar, unless it was drawn less than 100 ms ago and the work is not done.
  void Update(size_t done, size_t total);
  // Clears the bar so a following message starts on a clean line.
  void Clear();

 private:
  std::string label_;
  std::FILE* out_;  // null: draw nothing
  Clock now_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace facetrace::cli
