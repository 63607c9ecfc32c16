#include "detect/yunet_detector.h"

#include <gtest/gtest.h>

#include "core/model_paths.h"

namespace facetrace {
namespace {

TEST(YunetDetector, PadsRegionsToTheStrideGridAndToAtLeast64Px) {
  EXPECT_EQ(YunetDetector::InputSize({640, 640}), cv::Size(640, 640));
  EXPECT_EQ(YunetDetector::InputSize({600, 449}), cv::Size(608, 480));
  EXPECT_EQ(YunetDetector::InputSize({96, 65}), cv::Size(96, 96));
  // Never 32 px high or wide, where OpenCV 4.6 reads unwritten memory.
  EXPECT_EQ(YunetDetector::InputSize({640, 32}), cv::Size(640, 64));
  EXPECT_EQ(YunetDetector::InputSize({600, 16}), cv::Size(608, 64));
  EXPECT_EQ(YunetDetector::InputSize({20, 640}), cv::Size(64, 640));
  EXPECT_EQ(YunetDetector::InputSize({1, 1}), cv::Size(64, 64));
}

// A 640x16 strip is a 640x16 view, once a 640x32 input. ctest also runs this test under
// valgrind (src/CMakeLists.txt), which fails it on any read of memory OpenCV never wrote: the
// error that gave gray strips "faces" in some runs and not others.
TEST(YunetDetector, FindsNothingInAThinGrayStrip) {
  YunetDetector detector(ModelPaths::Resolve().Require(ModelFiles::kYunet), DetectorOptions{});
  EXPECT_TRUE(detector.Detect(cv::Mat(16, 640, CV_8UC3, cv::Scalar::all(90))).empty());
}

}  // namespace
}  // namespace facetrace
