#include "align/template_alignment.h"

#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace facetrace {
namespace {

// The template's points moved into an image by a known similarity: scale, rotation, shift.
Landmarks Transformed(const Landmarks& points, double scale, double degrees, cv::Point2d shift) {
  const double a = degrees * CV_PI / 180;
  Landmarks out{};
  for (size_t i = 0; i < points.size(); ++i) {
    const double x = points[i].x, y = points[i].y;
    out[i] = {static_cast<float>(scale * (std::cos(a) * x - std::sin(a) * y) + shift.x),
              static_cast<float>(scale * (std::sin(a) * x + std::cos(a) * y) + shift.y)};
  }
  return out;
}

TEST(TemplateAlignmentTest, ArcFaceTemplateIsInsightfacesReferencePoints) {
  const LandmarkTemplate t = ArcFaceTemplate112();
  EXPECT_EQ(t.size, cv::Size(112, 112));
  EXPECT_NEAR(t.points[0].x, 38.2946f, 1e-4f);  // the eye on the image's left comes first
  EXPECT_NEAR(t.points[1].x, 73.5318f, 1e-4f);
  EXPECT_NEAR(t.points[2].y, 71.7366f, 1e-4f);  // nose
  EXPECT_NEAR(t.points[4].y, 92.2041f, 1e-4f);  // mouth corner on the image's right
}

TEST(TemplateAlignmentTest, RecoversTheSimilarityThatPlacedTheFace) {
  const LandmarkTemplate t = ArcFaceTemplate112();
  const Landmarks face = Transformed(t.points, 2.5, 17, {300, 120});
  const cv::Mat m = SimilarityToTemplate(face, t);
  ASSERT_EQ(m.rows, 2);
  ASSERT_EQ(m.cols, 3);
  for (size_t i = 0; i < face.size(); ++i) {
    const double x =
        m.at<double>(0, 0) * face[i].x + m.at<double>(0, 1) * face[i].y + m.at<double>(0, 2);
    const double y =
        m.at<double>(1, 0) * face[i].x + m.at<double>(1, 1) * face[i].y + m.at<double>(1, 2);
    EXPECT_NEAR(x, t.points[i].x, 0.01) << i;
    EXPECT_NEAR(y, t.points[i].y, 0.01) << i;
  }
  // A similarity: no shear, one scale (1 / 2.5).
  EXPECT_NEAR(m.at<double>(0, 0), m.at<double>(1, 1), 1e-6);
  EXPECT_NEAR(m.at<double>(0, 1), -m.at<double>(1, 0), 1e-6);
  EXPECT_NEAR(std::hypot(m.at<double>(0, 0), m.at<double>(1, 0)), 0.4, 1e-4);
}

TEST(TemplateAlignmentTest, LeastSquaresOverAllFivePoints) {
  // One point off by 4 px: the fit spreads the error instead of ignoring the point.
  const LandmarkTemplate t = ArcFaceTemplate112();
  Landmarks face = t.points;
  face[4].y += 4;
  const cv::Mat m = SimilarityToTemplate(face, t);
  const double y4 =
      m.at<double>(1, 0) * face[4].x + m.at<double>(1, 1) * face[4].y + m.at<double>(1, 2);
  EXPECT_GT(y4 - t.points[4].y, 0.5);  // pulled towards the template, not onto it
  EXPECT_LT(y4 - t.points[4].y, 4.0);
}

TEST(TemplateAlignmentTest, WarpPutsTheLandmarksWhereTheTemplateSays) {
  // An image with a bright dot at each landmark of a face placed by a known similarity.
  const LandmarkTemplate t = ArcFaceTemplate112();
  const Landmarks face = Transformed(t.points, 3, -10, {200, 150});
  cv::Mat image(700, 700, CV_8UC3, cv::Scalar::all(0));
  for (const Point2f& p : face)
    cv::circle(image, {cvRound(p.x), cvRound(p.y)}, 6, {255, 255, 255}, -1);
  const cv::Mat chip = WarpToTemplate(image, face, t);
  ASSERT_EQ(chip.size(), t.size);
  ASSERT_EQ(chip.type(), CV_8UC3);
  for (const Point2f& p : t.points) {
    EXPECT_GT(chip.at<cv::Vec3b>(cvRound(p.y), cvRound(p.x))[0], 200) << p.x << "," << p.y;
  }
  EXPECT_LT(chip.at<cv::Vec3b>(5, 5)[0], 50);  // and the rest stays dark
}

TEST(TemplateAlignmentTest, DegenerateLandmarksAreATypedError) {
  Landmarks same{};
  for (Point2f& p : same) p = {10, 10};
  try {
    SimilarityToTemplate(same, ArcFaceTemplate112());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace facetrace
