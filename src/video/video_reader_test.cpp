#include "video/video_reader.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

// `seconds` of `fps` frames, 160x120, each frame's number written as its grey level x 4.
std::filesystem::path WriteVideo(const testing::ScratchDir& dir, const std::string& name,
                                 int fourcc, double fps, double seconds) {
  const auto path = dir / name;
  cv::VideoWriter writer(path.string(), cv::CAP_FFMPEG, fourcc, fps, cv::Size(160, 120));
  EXPECT_TRUE(writer.isOpened()) << name;
  const int frames = static_cast<int>(fps * seconds);
  for (int i = 0; i < frames; ++i) writer.write(cv::Mat(120, 160, CV_8UC3, cv::Scalar::all(i * 4)));
  return path;
}

TEST(VideoReaderTest, SamplesByTimeNotByFrameCount) {
  testing::ScratchDir dir;
  const auto avi = WriteVideo(dir, "a.avi", cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 20, 2);
  VideoReader reader(avi, 5);
  EXPECT_NEAR(reader.info().fps, 20, 0.01);
  EXPECT_EQ(reader.info().width, 160);
  std::vector<double> times;
  VideoFrame frame;
  while (reader.Next(frame)) {
    times.push_back(frame.time_s);
    EXPECT_EQ(frame.bgr.cols, 160);
    EXPECT_NEAR(frame.bgr.at<cv::Vec3b>(60, 80)[0], frame.index * 4, 6);  // the right frame
  }
  ASSERT_EQ(times.size(), 10u);  // 2 s at 5 samples per second
  for (size_t i = 0; i < times.size(); ++i) EXPECT_NEAR(times[i], 0.2 * i, 1e-6);
  EXPECT_EQ(reader.frames_read(), 40);
}

TEST(VideoReaderTest, EveryFrameAndOtherContainers) {
  testing::ScratchDir dir;
  const auto mp4 = WriteVideo(dir, "a.mp4", cv::VideoWriter::fourcc('m', 'p', '4', 'v'), 10, 1);
  const auto mkv = WriteVideo(dir, "a.mkv", cv::VideoWriter::fourcc('X', 'V', 'I', 'D'), 10, 1);
  const auto webm = WriteVideo(dir, "a.webm", cv::VideoWriter::fourcc('V', 'P', '8', '0'), 10, 1);
  for (const auto& path : {mp4, mkv, webm}) {
    VideoReader reader(path, 0);
    int n = 0;
    VideoFrame frame;
    while (reader.Next(frame)) ++n;
    EXPECT_EQ(n, 10) << path;
  }
}

TEST(VideoReaderTest, BadFilesAreTypedErrorsNamingThem) {
  testing::ScratchDir dir;
  testing::WriteFile(dir / "empty.mp4", "");
  testing::WriteFile(dir / "text.mp4", std::string(4096, 'x'));
  const std::vector<std::pair<std::string, std::vector<ErrorCode>>> cases = {
      {"absent.mp4", {ErrorCode::kNotFound}},
      {"empty.mp4", {ErrorCode::kEmptyFile}},
      {"text.mp4", {ErrorCode::kUnsupportedFormat, ErrorCode::kCorruptImage}}};
  for (const auto& [name, codes] : cases) {
    try {
      VideoReader reader(dir / name, 5);
      VideoFrame frame;
      while (reader.Next(frame)) {
      }
      ADD_FAILURE() << name;
    } catch (const Error& e) {
      EXPECT_NE(std::find(codes.begin(), codes.end(), e.code()), codes.end()) << name << e.what();
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace facetrace
