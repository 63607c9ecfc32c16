// VideoReader: the frames of a video file, sampled at a chosen rate, through OpenCV's video
// I/O (FFmpeg backend: MP4, MKV, AVI, WebM, ...).
//
// Sampling goes by the frame's time (index / native fps), not by a frame stride, so `--fps 5`
// means five frames per second of footage whatever the file's own rate. Frames between
// samples are grabbed but not converted. A file that opens but yields no frame at all is an
// error at the end (it is corrupt or truncated before the first frame).
#pragma once

#include <cstdint>
#include <filesystem>

#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

namespace facetrace {

struct VideoFrame {
  int64_t index = 0;  // in the file
  double time_s = 0;  // index / native fps
  cv::Mat bgr;
};

struct VideoInfo {
  double fps = 0;           // native rate (25 assumed when the container does not say)
  int64_t frame_count = 0;  // as the container reports it (may be approximate)
  int width = 0;
  int height = 0;
};

class VideoReader {
 public:
  // Throws Error(kNotFound) for a missing file, Error(kEmptyFile) for a zero-byte one and
  // Error(kUnsupportedFormat) for one OpenCV cannot open as video; each names the file.
  // `sample_fps` <= 0 means every frame.
  VideoReader(const std::filesystem::path& path, double sample_fps);

  const VideoInfo& info() const { return info_; }

  // The next sampled frame; false at the end of the file. Throws Error(kCorruptImage) naming
  // the file when the end comes before any frame could be decoded.
  bool Next(VideoFrame& frame);

  int64_t frames_read() const { return index_; }

 private:
  std::filesystem::path path_;
  cv::VideoCapture capture_;
  VideoInfo info_;
  double interval_s_ = 0;
  double next_sample_s_ = 0;
  int64_t index_ = 0;
  int64_t decoded_ = 0;  // frames actually decoded (grab can succeed where retrieve fails)
};

}  // namespace facetrace
