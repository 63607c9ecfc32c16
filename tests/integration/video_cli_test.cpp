// facetrace video through the real CLI, on videos the test makes from the dev photos: a face
// sliding across the frame, and two people taking turns (issue 6).
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "integration/cli_runner.h"

namespace facetrace::testing {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> Photos(const std::string& who) {
  return SortedImages(DatasetFile("facerecjs_bbt/" + who));
}

// A 480x360 frame: grey background with `face` pasted at (x, 100).
cv::Mat FrameWith(const cv::Mat& face, int x) {
  cv::Mat frame(360, 480, CV_8UC3, cv::Scalar(120, 130, 125));
  face.copyTo(frame(cv::Rect(x, 100, face.cols, face.rows)));
  return frame;
}

// Writes `frames` at 10 fps.
void WriteVideo(const fs::path& path, int fourcc, const std::vector<cv::Mat>& frames) {
  cv::VideoWriter writer(path.string(), cv::CAP_FFMPEG, fourcc, 10, cv::Size(480, 360));
  ASSERT_TRUE(writer.isOpened()) << path;
  for (const cv::Mat& f : frames) writer.write(f);
}

class VideoCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Gallery: photos 2..7 of two cast members; photo 0 of each appears in the videos.
    for (const std::string who : {kA, kB}) {
      const auto photos = Photos(who);
      fs::create_directories(dir_ / "gallery" / who);
      for (size_t i = 2; i < 8; ++i) {
        fs::create_symlink(photos[i], dir_ / "gallery" / who / photos[i].filename());
      }
    }
    db_ = (dir_ / "g.db").string();
    const auto r = RunFacetrace({"enroll", "--db", db_, (dir_ / "gallery").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::vector<nlohmann::json> Video(const std::vector<std::string>& files, int expected_exit = 0) {
    std::vector<std::string> args = {
        "video", "--db", db_, "--json", "--contact-sheet", (dir_ / "sheet.jpg").string()};
    args.insert(args.end(), files.begin(), files.end());
    const auto r = RunFacetrace(args);
    EXPECT_EQ(r.exit_code, expected_exit) << r.err;
    return ParseJsonLines(r.out);
  }

  static constexpr const char* kA = "howard";
  static constexpr const char* kB = "sheldon";
  ScratchDir dir_;
  std::string db_;
};

TEST_F(VideoCliTest, ASlidingFaceIsOneTrackIdentifiedOnce) {
  const cv::Mat face = cv::imread(Photos(kA)[0].string());
  std::vector<cv::Mat> frames;
  for (int i = 0; i < 30; ++i) frames.push_back(FrameWith(face, 10 * i));  // 3 s
  const auto path = dir_ / "slide.avi";
  WriteVideo(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), frames);
  const auto tracks = Video({path.string()});
  ASSERT_EQ(tracks.size(), 1u);
  const auto& t = tracks[0];
  EXPECT_EQ(t["video"], path.string());
  EXPECT_EQ(t["track_id"], 1);
  EXPECT_EQ(t["frames"], 15);  // 3 s sampled at the default 5 per second
  EXPECT_NEAR(t["start_s"].get<double>(), 0.0, 1e-6);
  EXPECT_NEAR(t["end_s"].get<double>(), 2.8, 1e-6);
  EXPECT_EQ(t["best_frames"].size(), 5u);
  EXPECT_EQ(t["candidates"][0]["identity"], kA);
  EXPECT_TRUE(t["match"]);
  EXPECT_TRUE(fs::file_size(dir_ / "sheet.jpg") > 1000);
}

TEST_F(VideoCliTest, TwoPeopleTakingTurnsAreTwoTracks) {
  const cv::Mat a = cv::imread(Photos(kA)[0].string());
  const cv::Mat b = cv::imread(Photos(kB)[0].string());
  std::vector<cv::Mat> frames;
  for (int i = 0; i < 30; ++i) frames.push_back(FrameWith((i / 10) % 2 == 0 ? a : b, 160));
  const auto path = dir_ / "turns.mp4";
  WriteVideo(path, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), frames);
  const auto tracks = Video({path.string()});
  ASSERT_EQ(tracks.size(), 2u);
  EXPECT_EQ(tracks[0]["candidates"][0]["identity"], kA);
  EXPECT_EQ(tracks[0]["frames"], 10);  // seen in 0-1 s and again in 2-3 s
  EXPECT_NEAR(tracks[0]["end_s"].get<double>(), 2.8, 1e-6);
  EXPECT_EQ(tracks[1]["candidates"][0]["identity"], kB);
  EXPECT_NEAR(tracks[1]["start_s"].get<double>(), 1.0, 1e-6);
  EXPECT_NEAR(tracks[1]["end_s"].get<double>(), 1.8, 1e-6);
}

TEST_F(VideoCliTest, BadVideosAreReportedAndTheOthersProcessed) {
  const cv::Mat face = cv::imread(Photos(kB)[0].string());
  const auto good = dir_ / "good.avi";
  WriteVideo(good, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'),
             std::vector<cv::Mat>(10, FrameWith(face, 100)));
  WriteFile(dir_ / "bad.mp4", std::string(2048, 'x'));
  const auto lines =
      Video({(dir_ / "bad.mp4").string(), (dir_ / "missing.mkv").string(), good.string()}, 2);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[0]["error"].get<std::string>().find("bad.mp4"), std::string::npos);
  EXPECT_NE(lines[1]["error"].get<std::string>().find("missing.mkv"), std::string::npos);
  EXPECT_EQ(lines[2]["candidates"][0]["identity"], kB);
}

}  // namespace
}  // namespace facetrace::testing
