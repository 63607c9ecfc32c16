#include "align/face_aligner.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "core/model_paths.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

FaceAligner MakeAligner() {
  return FaceAligner(ModelPaths::Resolve().Require(ModelFiles::kShapePredictor5));
}

// dlib_johns holds 150x150 chips aligned the way dlib aligns: the face fills the centre.
cv::Mat JohnChip() {
  return cv::imread(testing::DatasetFile("dlib_johns/John_Savage/000264_01099001.jpg").string());
}

TEST(FaceAlignerTest, ProducesAChipAndPlausibleLandmarks) {
  const cv::Mat image = JohnChip();
  ASSERT_FALSE(image.empty());
  Detection d;
  d.box = {25, 25, 100, 100};
  const AlignedFace aligned = MakeAligner().Align(image, d);
  EXPECT_EQ(aligned.chip.nr(), kChipSize);
  EXPECT_EQ(aligned.chip.nc(), kChipSize);
  const Landmarks& lm = aligned.landmarks;
  // Image-left eye is left of the image-right eye, both above the nose, mouth below the nose.
  EXPECT_LT(lm[0].x, lm[1].x);
  EXPECT_LT(lm[0].y, lm[2].y);
  EXPECT_LT(lm[1].y, lm[2].y);
  EXPECT_GT(lm[3].y, lm[2].y);
  EXPECT_LT(lm[3].x, lm[4].x);
  for (const Point2f& p : lm) {
    EXPECT_GT(p.x, 0);
    EXPECT_LT(p.x, image.cols);
  }
  // On an aligned chip the eyes are roughly level and ~40-60 px apart.
  EXPECT_NEAR(lm[0].y, lm[1].y, 8);
  EXPECT_GT(lm[1].x - lm[0].x, 30);
  EXPECT_LT(lm[1].x - lm[0].x, 80);
}

TEST(FaceAlignerTest, RejectsNonColourImages) {
  const cv::Mat grey(100, 100, CV_8UC1, cv::Scalar(128));
  Detection d;
  d.box = {10, 10, 80, 80};
  EXPECT_THROW(MakeAligner().Align(grey, d), Error);
}

TEST(FaceAlignerTest, CorruptModelIsATypedError) {
  testing::ScratchDir dir;
  testing::WriteFile(dir / "sp.dat", "this is not a dlib model");
  try {
    FaceAligner aligner(dir / "sp.dat");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kModelInvalid);
    EXPECT_NE(std::string(e.what()).find("sp.dat"), std::string::npos);
  }
}

TEST(LandmarksFromShapeTest, OrdersEyesAndPlacesMouthBelowNose) {
  // dlib order: image-right eye corners, image-left eye corners, nose base.
  const std::array<Point2f, 5> shape = {Point2f{90, 50}, Point2f{75, 50}, Point2f{30, 50},
                                        Point2f{45, 50}, Point2f{60, 80}};
  const Landmarks lm = LandmarksFromShape(shape);
  EXPECT_FLOAT_EQ(lm[0].x, 37.5f);
  EXPECT_FLOAT_EQ(lm[1].x, 82.5f);
  EXPECT_FLOAT_EQ(lm[2].y, 80.0f);
  EXPECT_GT(lm[3].y, 80.0f);
  EXPECT_LT(lm[3].x, lm[4].x);
}

}  // namespace
}  // namespace facetrace

namespace facetrace {
namespace {

TEST(ShapePredictorBoxTest, DlibDetectionsKeepTheirBox) {
  Detection d;
  d.box = {10, 20, 30, 40};
  const Box b = ShapePredictorBox(d);
  EXPECT_FLOAT_EQ(b.x, 10);
  EXPECT_FLOAT_EQ(b.height, 40);
}

TEST(ShapePredictorBoxTest, LandmarkDetectionsGetADlibStyleSquare) {
  Detection d;
  d.has_landmarks = true;
  d.box = {0, 0, 200, 260};  // a tall box, as YuNet draws them
  // Frontal face, eyes 40 px apart at y=100, mouth 44 px below the eyes.
  d.landmarks = {Point2f{80, 100}, Point2f{120, 100}, Point2f{100, 125}, Point2f{85, 144},
                 Point2f{115, 144}};
  const Box b = ShapePredictorBox(d);
  EXPECT_FLOAT_EQ(b.width, b.height);
  EXPECT_NEAR(b.width, 2.45f * 40, 0.5f);
  EXPECT_NEAR(b.x + b.width / 2, 100, 0.5f);
  EXPECT_NEAR(b.y + b.height / 2, 100 + 0.49f * 40, 0.5f);
  // A head turned sideways: eyes only 20 px apart, the scale follows the eye-to-mouth drop.
  d.landmarks[0].x = 90;
  d.landmarks[1].x = 110;
  EXPECT_NEAR(ShapePredictorBox(d).width, 2.45f * 40, 0.5f);
}

}  // namespace
}  // namespace facetrace
