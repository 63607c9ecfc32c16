#include "quality/face_quality.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "support/test_support.h"

namespace facetrace {
namespace {

Landmarks Frontal(float scale) {
  // Eyes level, nose midway, mouth below: a frontal face with inter-ocular distance 60*scale.
  return {Point2f{0, 0}, Point2f{60 * scale, 0}, Point2f{30 * scale, 35 * scale},
          Point2f{10 * scale, 60 * scale}, Point2f{50 * scale, 60 * scale}};
}

cv::Mat Chip() {
  return cv::imread(testing::DatasetFile("dlib_johns/John_Savage/000264_01099001.jpg").string());
}

TEST(FaceQualityTest, InRangeAndMonotoneInEachFactor) {
  const cv::Mat chip = Chip();
  const QualityFactors good = AssessFaceQuality(chip, Frontal(1), 0.95f);
  EXPECT_GT(good.overall, 0.6f);
  EXPECT_LE(good.overall, 1.0f);

  const QualityFactors small = AssessFaceQuality(chip, Frontal(0.25f), 0.95f);
  EXPECT_LT(small.size, good.size);
  EXPECT_LT(small.overall, good.overall);

  cv::Mat blurred;
  cv::GaussianBlur(chip, blurred, cv::Size(0, 0), 4);
  const QualityFactors blurry = AssessFaceQuality(blurred, Frontal(1), 0.95f);
  EXPECT_LT(blurry.sharpness, good.sharpness - 0.2f);
  EXPECT_LT(blurry.overall, good.overall);

  Landmarks turned = Frontal(1);
  turned[2].x = 55;  // nose next to one eye: a head turned ~60 degrees
  const QualityFactors profile = AssessFaceQuality(chip, turned, 0.95f);
  EXPECT_LT(profile.pose, 0.3f);
  EXPECT_LT(profile.overall, good.overall);

  const QualityFactors unsure = AssessFaceQuality(chip, Frontal(1), 0.2f);
  EXPECT_LT(unsure.overall, good.overall);
}

TEST(FaceQualityTest, DegenerateInputsGiveLowNotNaN) {
  const QualityFactors q = AssessFaceQuality(cv::Mat(), Landmarks{}, 0.0f);
  EXPECT_GE(q.overall, 0.0f);
  EXPECT_LT(q.overall, 0.2f);
  EXPECT_EQ(q.pose, 0.0f);
}

}  // namespace
}  // namespace facetrace
