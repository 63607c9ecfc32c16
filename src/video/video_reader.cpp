#include "video/video_reader.h"

#include <cmath>

#include "core/error.h"

namespace facetrace {

namespace {

constexpr double kAssumedFps = 25;

}  // namespace

VideoReader::VideoReader(const std::filesystem::path& path, double sample_fps) : path_(path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(ErrorCode::kNotFound, "video not found: " + path.string());
  }
  if (std::filesystem::file_size(path, ec) == 0) {
    throw Error(ErrorCode::kEmptyFile, "empty video file: " + path.string());
  }
  if (!capture_.open(path.string(), cv::CAP_FFMPEG) || !capture_.isOpened()) {
    throw Error(ErrorCode::kUnsupportedFormat, "not a video OpenCV can read: " + path.string());
  }
  const double fps = capture_.get(cv::CAP_PROP_FPS);
  info_.fps = std::isfinite(fps) && fps > 0 && fps < 1000 ? fps : kAssumedFps;
  info_.frame_count = static_cast<int64_t>(capture_.get(cv::CAP_PROP_FRAME_COUNT));
  info_.width = static_cast<int>(capture_.get(cv::CAP_PROP_FRAME_WIDTH));
  info_.height = static_cast<int>(capture_.get(cv::CAP_PROP_FRAME_HEIGHT));
  interval_s_ = sample_fps > 0 ? 1.0 / sample_fps : 0;
}

bool VideoReader::Next(VideoFrame& frame) {
  while (capture_.grab()) {
    const int64_t index = index_++;
    const double time_s = static_cast<double>(index) / info_.fps;
    // Half a frame of tolerance: a 10 fps sample of 25 fps footage takes frames 0, 3, 5, 8...
    if (time_s + 0.5 / info_.fps < next_sample_s_) continue;
    if (!capture_.retrieve(frame.bgr) || frame.bgr.empty()) continue;
    ++decoded_;
    frame.index = index;
    frame.time_s = time_s;
    next_sample_s_ += interval_s_;
    if (next_sample_s_ < time_s) next_sample_s_ = time_s + interval_s_;
    return true;
  }
  if (decoded_ == 0) {
    throw Error(ErrorCode::kCorruptImage, "no frame could be decoded from " + path_.string());
  }
  return false;
}

}  // namespace facetrace
