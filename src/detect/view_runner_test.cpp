// DetectInLevels: which levels of a plan run, and what the largest-face search saves.
#include "detect/view_runner.h"

#include <algorithm>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "detect/yunet_detector.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

// A fake network that reports one face of `face_side` view px in views no wider than
// `coarse_width` (the whole-image level of a large photo), nothing elsewhere, and counts views.
struct FakeNetwork {
  int coarse_width = 0;
  float face_side = 0;
  int views = 0;
  std::vector<Detection> operator()(const cv::Mat& view) {
    ++views;
    if (view.cols > coarse_width) return {};
    Detection d;
    d.box = {10, 10, face_side, face_side};
    d.score = 0.9f;
    return {d};
  }
};

int RunCount(const cv::Mat& image, FaceSearch search, FakeNetwork& network) {
  DetectorOptions options;
  options.search = search;
  const auto plan = PlanPyramid(image.size(), 20, YunetDetector::kReach, search);
  DetectInLevels("fake", image, plan, options, std::ref(network));
  return network.views;
}

TEST(DetectInLevelsTest, TheLargestFaceSearchSkipsFineLevelsOnceABigFaceIsFound) {
  const cv::Mat photo(3000, 4000, CV_8UC3, cv::Scalar::all(90));
  // A 200 px face in the 640 px whole-image view is 1250 px in the photo: no fine level can
  // keep anything that big, so only the whole-image view runs.
  FakeNetwork big{.coarse_width = 640, .face_side = 200};
  EXPECT_EQ(RunCount(photo, FaceSearch::kLargestFace, big), 1);
  FakeNetwork all{.coarse_width = 640, .face_side = 200};
  EXPECT_GT(RunCount(photo, FaceSearch::kAllFaces, all), 3);  // every fine level, every tile
}

TEST(DetectInLevelsTest, TheLargestFaceSearchGoesFinerWhileFacesAreSmall) {
  const cv::Mat photo(3000, 4000, CV_8UC3, cv::Scalar::all(90));
  // A 30 px face in the whole-image view is ~190 px in the photo: the 0.25 level keeps faces up
  // to fine_max_face / 0.25 px, so it may hold a bigger one and must run; finer ones need not.
  ASSERT_GT(YunetDetector::kReach.fine_max_face / 0.25, 30 * 4000.0 / 640);
  ASSERT_LT(YunetDetector::kReach.fine_max_face / 0.5, 30 * 4000.0 / 640);
  FakeNetwork small{.coarse_width = 640, .face_side = 30};
  EXPECT_EQ(RunCount(photo, FaceSearch::kLargestFace, small), 2);  // whole image + 0.25 level
  // Nothing anywhere: every level runs, then the retries.
  FakeNetwork none{.coarse_width = 0, .face_side = 30};
  FakeNetwork none_all{.coarse_width = 0, .face_side = 30};
  EXPECT_EQ(RunCount(photo, FaceSearch::kLargestFace, none),
            RunCount(photo, FaceSearch::kAllFaces, none_all));
}

// On real large photos the largest-face search finds the same main face as the full search.
TEST(DetectInLevelsTest, RealPhotosKeepTheirLargestFace) {
  int large = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(testing::DatasetsDir() / "deepface")) {
    const cv::Mat image = cv::imread(entry.path().string(), cv::IMREAD_COLOR);
    if (image.empty() || std::max(image.cols, image.rows) < 1500) continue;
    DetectorOptions all_options;
    DetectorOptions largest_options;
    largest_options.search = FaceSearch::kLargestFace;
    const auto model = ModelPaths::Resolve().Require(ModelFiles::kYunet);
    YunetDetector all(model, all_options);
    YunetDetector largest(model, largest_options);
    const auto by_area = [](const Detection& a, const Detection& b) {
      return a.box.area() < b.box.area();
    };
    const auto every = all.Detect(image);
    const auto main = largest.Detect(image);
    ASSERT_FALSE(every.empty()) << entry.path();
    ASSERT_FALSE(main.empty()) << entry.path();
    const Detection& expected = *std::max_element(every.begin(), every.end(), by_area);
    const Detection& got = *std::max_element(main.begin(), main.end(), by_area);
    EXPECT_GT(IntersectionOverUnion(expected.box, got.box), 0.8) << entry.path();
    if (++large == 4) break;
  }
  EXPECT_EQ(large, 4) << "expected large photos in deepface";
}

}  // namespace
}  // namespace facetrace
