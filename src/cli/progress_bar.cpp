#include "cli/progress_bar.h"

#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

namespace facetrace::cli {

std::string FormatProgressLine(const std::string& label, size_t done, size_t total,
                               double elapsed_seconds) {
  const double rate = elapsed_seconds > 0 ? static_cast<double>(done) / elapsed_seconds : 0;
  const double eta = rate > 0 && done < total ? static_cast<double>(total - done) / rate : 0;
  constexpr size_t kWidth = 30;
  const size_t filled = total == 0 ? 0 : kWidth * std::min(done, total) / total;
  return fmt::format("{} [{}{}] {}/{} {:.1f}/s ETA {:.0f}s ", label, std::string(filled, '#'),
                     std::string(kWidth - filled, ' '), done, total, rate, eta);
}

ProgressBar::ProgressBar(std::string label)
    : ProgressBar(std::move(label), isatty(STDERR_FILENO) == 1 ? stderr : nullptr) {}

ProgressBar::ProgressBar(std::string label, std::FILE* out, Clock now)
    : label_(std::move(label)), out_(out), now_(std::move(now)), start_(now_()) {}

ProgressBar::~ProgressBar() { Clear(); }

void ProgressBar::Update(size_t done, size_t total) {
  if (out_ == nullptr || total == 0) return;
  const auto now = now_();
  if (drawn_ && done < total && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  std::fputs(("\r" + FormatProgressLine(label_, done, total, elapsed)).c_str(), out_);
  std::fflush(out_);
  drawn_ = true;
}

void ProgressBar::Clear() {
  if (!drawn_) return;
  std::fputs("\r\033[K", out_);
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace facetrace::cli
