#include "detect/face_detector.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

Detection At(float x, float y, float side, float score) {
  Detection d;
  d.box = {x, y, side, side};
  d.score = score;
  return d;
}

TEST(NonMaximumSuppressionTest, KeepsTheBestOfEachOverlappingGroup) {
  const auto kept =
      NonMaximumSuppression({At(0, 0, 10, 0.7f), At(1, 1, 10, 0.9f), At(50, 50, 10, 0.8f)}, 0.3f);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_FLOAT_EQ(kept[0].score, 0.9f);
  EXPECT_FLOAT_EQ(kept[1].score, 0.8f);
  EXPECT_TRUE(NonMaximumSuppression({}, 0.3f).empty());
}

TEST(NonMaximumSuppressionTest, TheThresholdIsStrict) {
  // Side 10, shifted by 5: IoU = 50 / 150 = 1/3. Kept at 0.34, suppressed at 0.3.
  const std::vector<Detection> pair = {At(0, 0, 10, 0.9f), At(5, 0, 10, 0.8f)};
  EXPECT_EQ(NonMaximumSuppression(pair, 0.34f).size(), 2u);
  EXPECT_EQ(NonMaximumSuppression(pair, 0.3f).size(), 1u);
}

TEST(NonMaximumSuppressionTest, ChainsKeepBoxesThatOnlyOverlapASuppressedOne) {
  // b overlaps a and c; a suppresses b, and c (which overlaps only b) survives.
  const auto kept =
      NonMaximumSuppression({At(0, 0, 10, 0.9f), At(4, 0, 10, 0.8f), At(8, 0, 10, 0.7f)}, 0.3f);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_FLOAT_EQ(kept[1].box.x, 8);
}

TEST(NonMaximumSuppressionTest, SortsByScoreStably) {
  const auto kept =
      NonMaximumSuppression({At(0, 0, 10, 0.5f), At(100, 0, 10, 0.9f), At(200, 0, 10, 0.5f)}, 0.3f);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_FLOAT_EQ(kept[0].box.x, 100);
  EXPECT_FLOAT_EQ(kept[1].box.x, 0);  // ties keep their input order
  EXPECT_FLOAT_EQ(kept[2].box.x, 200);
}

TEST(SuppressContainedTest, DropsFragmentsInsideABetterFace) {
  // A 30 px "eye and brow" inside a 100 px face: IoU 0.09, so NMS keeps it; containment does not.
  const std::vector<Detection> close_up = {At(0, 0, 100, 0.9f), At(50, 20, 30, 0.7f)};
  EXPECT_EQ(NonMaximumSuppression(close_up, 0.3f).size(), 2u);
  const auto kept = SuppressContained(close_up, kFragmentInside);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_FLOAT_EQ(kept[0].box.width, 100);
  // Neighbours that merely overlap, and a better face inside a worse box, are kept.
  EXPECT_EQ(SuppressContained({At(0, 0, 100, 0.9f), At(80, 0, 100, 0.8f)}, 0.8f).size(), 2u);
  EXPECT_EQ(SuppressContained({At(0, 0, 100, 0.6f), At(50, 20, 30, 0.9f)}, 0.8f).size(), 2u);
  // FinishDetections applies it.
  EXPECT_EQ(FinishDetections(close_up, DetectorOptions{}).size(), 1u);
}

TEST(FinishDetectionsTest, DropsFacesBelowTheMinimumSize) {
  DetectorOptions options;
  options.min_face_size = 20;
  const auto kept = FinishDetections({At(0, 0, 19, 0.99f), At(100, 100, 25, 0.7f)}, options);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_FLOAT_EQ(kept[0].box.width, 25);
}

TEST(CreateFaceDetectorTest, UnknownNamesAreInvalidArguments) {
  EXPECT_EQ(FaceDetectorNames(), (std::vector<std::string>{"yunet", "hog", "mmod"}));
  try {
    CreateFaceDetector("viola-jones", ModelPaths::Resolve());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("yunet"), std::string::npos) << e.what();
  }
}

TEST(CreateFaceDetectorTest, MissingModelsNameTheSetupScript) {
  testing::ScratchDir empty;
  for (const char* name : {"yunet", "mmod"}) {
    try {
      CreateFaceDetector(name, ModelPaths(empty.path()));
      FAIL() << name;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kModelMissing);
      EXPECT_NE(std::string(e.what()).find("scripts/setup"), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(CreateFaceDetector("hog", ModelPaths(empty.path())));  // built into dlib
}

TEST(CreateFaceDetectorTest, DamagedModelsAreInvalid) {
  testing::ScratchDir dir;
  testing::WriteFile(dir / ModelFiles::kYunet, "not onnx");
  testing::WriteFile(dir / ModelFiles::kMmodDetector, "not dlib");
  for (const char* name : {"yunet", "mmod"}) {
    try {
      CreateFaceDetector(name, ModelPaths(dir.path()));
      FAIL() << name;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kModelInvalid) << name;
    }
  }
}

class EveryDetector : public ::testing::TestWithParam<const char*> {};

TEST_P(EveryDetector, FindsNothingWithoutFaces) {
  auto detector = CreateFaceDetector(GetParam(), ModelPaths::Resolve());
  EXPECT_EQ(detector->name(), GetParam());
  EXPECT_TRUE(detector->Detect(cv::Mat(480, 640, CV_8UC3, cv::Scalar::all(127))).empty());
  EXPECT_TRUE(detector->Detect(cv::Mat(64, 64, CV_8UC3, cv::Scalar::all(30))).empty());
  cv::Mat noise(300, 400, CV_8UC3);
  cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(255));
  EXPECT_TRUE(detector->Detect(noise).empty());
  EXPECT_TRUE(detector->Detect(noise(cv::Rect(0, 0, 90, 110))).empty());  // a "crop" of noise
}

TEST_P(EveryDetector, RejectsWhatIsNotABgrImage) {
  auto detector = CreateFaceDetector(GetParam(), ModelPaths::Resolve());
  for (const cv::Mat& bad : {cv::Mat(), cv::Mat(100, 100, CV_8UC1), cv::Mat(100, 100, CV_32FC3)}) {
    try {
      detector->Detect(bad);
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST_P(EveryDetector, HandlesDegenerateShapes) {
  auto detector = CreateFaceDetector(GetParam(), ModelPaths::Resolve());
  EXPECT_TRUE(detector->Detect(cv::Mat(1, 1, CV_8UC3, cv::Scalar::all(90))).empty());
  EXPECT_TRUE(detector->Detect(cv::Mat(3, 2000, CV_8UC3, cv::Scalar::all(90))).empty());
}

// Thin strips make thin views, and thin network inputs: see YunetDetector::InputSize.
TEST_P(EveryDetector, FindsNothingInThinUniformStrips) {
  auto detector = CreateFaceDetector(GetParam(), ModelPaths::Resolve());
  for (const cv::Size strip : {cv::Size(640, 16), cv::Size(2000, 64)}) {
    EXPECT_TRUE(detector->Detect(cv::Mat(strip, CV_8UC3, cv::Scalar::all(90))).empty()) << strip;
  }
}

INSTANTIATE_TEST_SUITE_P(Detectors, EveryDetector, ::testing::Values("yunet", "hog", "mmod"));

}  // namespace
}  // namespace facetrace
