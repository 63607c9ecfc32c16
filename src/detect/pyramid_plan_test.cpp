// The geometry every detector shares: pyramid levels, tiles, crop views and their mapping back.
#include "detect/pyramid_plan.h"

#include <cmath>

#include <gtest/gtest.h>

#include "detect/dlib_detection.h"
#include "detect/scaled_view.h"
#include "detect/yunet_detector.h"

namespace facetrace {
namespace {

const DetectorReach& Yunet() { return YunetDetector::kReach; }

// The levels that always run: the plan without its conditional extra views and retries.
std::vector<PyramidLevel> Always(const std::vector<PyramidLevel>& plan) {
  std::vector<PyramidLevel> always;
  for (const PyramidLevel& level : plan) {
    if (level.when == RunWhen::kAlways) always.push_back(level);
  }
  return always;
}

// The retries every plan ends with: a crop view, then an equalised one, if no face was found.
void ExpectRetriesAtTheEnd(const std::vector<PyramidLevel>& plan, cv::Size image, int side) {
  ASSERT_GE(plan.size(), 3u);
  const PyramidLevel& crop = plan[plan.size() - 2];
  const PyramidLevel& equalised = plan.back();
  for (const PyramidLevel* retry : {&crop, &equalised}) {
    EXPECT_EQ(retry->when, RunWhen::kIfNoFace);
    EXPECT_TRUE(retry->crop_view);
    EXPECT_DOUBLE_EQ(retry->scale, CropViewScale(image, side));
  }
  EXPECT_EQ(crop.contrast, Contrast::kAsIs);
  EXPECT_EQ(equalised.contrast, Contrast::kEqualized);
}

TEST(PlanPyramidTest, APhotoThatFitsTheNetworkIsOnePass) {
  const auto plan = PlanPyramid({640, 480}, 20, Yunet());
  const auto always = Always(plan);
  ASSERT_EQ(always.size(), 1u);
  EXPECT_DOUBLE_EQ(always[0].scale, 1.0);
  EXPECT_FALSE(always[0].crop_view);
  EXPECT_DOUBLE_EQ(always[0].max_face, Yunet().whole_max_face);
  // Faces too big for that view are looked for in a crop view, only if there are any.
  ASSERT_EQ(plan.size(), 4u);
  EXPECT_EQ(plan[1].when, RunWhen::kIfFacesTooBig);
  EXPECT_TRUE(plan[1].crop_view);
  EXPECT_TRUE(std::isinf(plan[1].max_face));
  ExpectRetriesAtTheEnd(plan, {640, 480}, Yunet().crop.view_side);
  // Slightly bigger: still one pass, shrunk by at most 20%.
  EXPECT_EQ(Always(PlanPyramid({800, 600}, 20, Yunet())).size(), 1u);
}

TEST(PlanPyramidTest, ALargePhotoGetsFinerLevelsDownToTheSmallestFace) {
  const auto levels = Always(PlanPyramid({4000, 3000}, 20, Yunet()));
  ASSERT_EQ(levels.size(), 4u);
  EXPECT_DOUBLE_EQ(levels[0].scale, 1.0);  // a 20 px face is 20 px: YuNet's smallest
  EXPECT_DOUBLE_EQ(levels[1].scale, 0.5);
  EXPECT_DOUBLE_EQ(levels[2].scale, 0.25);
  EXPECT_DOUBLE_EQ(levels[3].scale, 640.0 / 4000);  // the whole photo in one view
  for (int i = 0; i < 3; ++i) EXPECT_DOUBLE_EQ(levels[i].max_face, Yunet().fine_max_face);
  // Bigger minimum faces need fewer levels; smaller ones enlarge, at most 2x.
  EXPECT_EQ(Always(PlanPyramid({4000, 3000}, 80, Yunet())).size(), 2u);
  EXPECT_DOUBLE_EQ(PlanPyramid({4000, 3000}, 5, Yunet()).front().scale, 2.0);
}

TEST(PlanPyramidTest, TheLargestFaceSearchRunsTheSameLevelsCoarsestFirst) {
  const auto all = PlanPyramid({4000, 3000}, 20, Yunet());
  const auto largest = PlanPyramid({4000, 3000}, 20, Yunet(), FaceSearch::kLargestFace);
  ASSERT_EQ(largest.size(), all.size());
  EXPECT_DOUBLE_EQ(largest[0].scale, 640.0 / 4000);  // the whole photo first
  EXPECT_EQ(largest[0].when, RunWhen::kAlways);
  EXPECT_EQ(largest[1].when, RunWhen::kIfFacesTooBig);  // right after the level it follows
  const double fine_scales[] = {0.25, 0.5, 1.0};
  for (int i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(largest[2 + i].scale, fine_scales[i]);
    EXPECT_EQ(largest[2 + i].when, RunWhen::kUnlessBiggerFaceFound);
    EXPECT_DOUBLE_EQ(LargestFaceKept(largest[2 + i]), Yunet().fine_max_face / fine_scales[i]);
  }
  ExpectRetriesAtTheEnd(largest, {4000, 3000}, Yunet().crop.view_side);
  // A small image: its crop view first, then the 1:1 level only for faces it may hold.
  const auto small = PlanPyramid({320, 240}, 20, Yunet(), FaceSearch::kLargestFace);
  EXPECT_TRUE(small[0].crop_view);
  EXPECT_DOUBLE_EQ(small[1].scale, 1.0);
  EXPECT_EQ(small[1].when, RunWhen::kUnlessBiggerFaceFound);
}

TEST(PlanPyramidTest, SmallImagesArePaddedCropViews) {
  const auto plan = PlanPyramid({64, 64}, 20, Yunet());
  const auto crop = Always(plan);
  ASSERT_EQ(crop.size(), 1u);
  EXPECT_TRUE(crop[0].crop_view);
  EXPECT_DOUBLE_EQ(crop[0].scale, CropViewScale({64, 64}, Yunet().crop.view_side));
  EXPECT_GT(crop[0].scale, 2.5);  // enlarged: the face becomes ~180 px
  EXPECT_TRUE(std::isinf(crop[0].max_face));
  ExpectRetriesAtTheEnd(plan, {64, 64}, Yunet().crop.view_side);
  // A 320 px image shrinks in its crop view, so its 20 px faces need a level at 1:1.
  const auto small_photo = Always(PlanPyramid({320, 240}, 20, Yunet()));
  ASSERT_EQ(small_photo.size(), 2u);
  EXPECT_DOUBLE_EQ(small_photo[0].scale, 1.0);
  EXPECT_TRUE(small_photo[1].crop_view);
}

TEST(PlanSingleViewTest, OneViewOrACropViewThenTheRetries) {
  const CropViewRule rule{320, 288};
  const auto photo = PlanSingleView({640, 480}, 2.5, rule);
  ASSERT_EQ(photo.size(), 3u);
  EXPECT_DOUBLE_EQ(photo[0].scale, 2.5);
  EXPECT_FALSE(photo[0].crop_view);
  ExpectRetriesAtTheEnd(photo, {640, 480}, 288);
  const auto crop = PlanSingleView({92, 112}, 2.5, rule);
  EXPECT_TRUE(crop[0].crop_view);
  EXPECT_EQ(crop[0].when, RunWhen::kAlways);
  ExpectRetriesAtTheEnd(crop, {92, 112}, 288);
}

TEST(PlanTilesTest, EqualTilesCoverTheViewWithTheOverlap) {
  const cv::Size view(4000, 3000);
  const auto tiles = PlanTiles(view, 640, 128, 32);
  cv::Mat covered(view, CV_8U, cv::Scalar(0));
  for (const cv::Rect& t : tiles) {
    EXPECT_EQ(t.size(), tiles[0].size());
    EXPECT_LE(t.width, 640);
    EXPECT_EQ(t.width % 32, 0);
    EXPECT_EQ(t.height % 32, 0);
    EXPECT_EQ(t & cv::Rect({}, view), t);
    covered(t).setTo(1);
  }
  EXPECT_EQ(cv::countNonZero(covered), view.area());
  EXPECT_EQ(tiles.size(), 48u);  // 8 x 6
  EXPECT_GE(tiles[0].br().x - tiles[1].x, 128);
  EXPECT_EQ(PlanTiles({500, 300}, 640, 128, 32), std::vector<cv::Rect>{cv::Rect(0, 0, 500, 300)});
}

TEST(PlanTilesTest, DetectionsNearASharedEdgeAreFragments) {
  const cv::Size view(2000, 640);
  const cv::Rect left(0, 0, 640, 640), middle(600, 0, 640, 640);
  EXPECT_FALSE(NearInnerTileEdge({2, 100, 50, 50}, left, view));   // the view's own border
  EXPECT_TRUE(NearInnerTileEdge({600, 100, 38, 50}, left, view));  // cut by the right edge
  EXPECT_TRUE(NearInnerTileEdge({2, 100, 50, 50}, middle, view));
  EXPECT_FALSE(NearInnerTileEdge({100, 0, 50, 50}, middle, view));  // top of the view
  EXPECT_FALSE(NearInnerTileEdge({100, 100, 50, 50}, middle, view));
}

Detection Square(float x, float y, float side) {
  Detection d;
  d.box = {x, y, side, side};
  d.landmarks[0] = {x + side / 4, y + side / 3};
  return d;
}

TEST(ScaledViewTest, CropViewsMapBackThroughPaddingAndScale) {
  const cv::Mat image(112, 92, CV_8UC3, cv::Scalar::all(200));
  const double scale = CropViewScale(image.size(), 288);
  const ScaledView view = MakeCropView(image, scale);
  EXPECT_EQ(view.image.rows, 288);  // 112 px + 30% each side, enlarged to 288
  EXPECT_TRUE(view.padded());
  EXPECT_EQ(view.image.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 0));  // a black border
  EXPECT_EQ(view.image.at<cv::Vec3b>(144, 144), cv::Vec3b(200, 200, 200));
  // A face at (10, 20) size 50 in the image, seen in the view, maps back.
  const auto to_view = [&](float v, double pad) { return static_cast<float>((v + pad) * scale); };
  Detection seen = Square(to_view(10, view.pad_x), to_view(20, view.pad_y), 50 * scale);
  seen.landmarks[0] = {to_view(22.5f, view.pad_x), to_view(36.7f, view.pad_y)};
  const Detection back = view.ToOriginal(seen, image.cols, image.rows);
  EXPECT_NEAR(back.box.x, 10, 0.5);
  EXPECT_NEAR(back.box.y, 20, 0.5);
  EXPECT_NEAR(back.box.width, 50, 0.5);
  EXPECT_NEAR(back.landmarks[0].x, 22.5, 0.5);
  // A box reaching into the padding is clipped to the image.
  const Detection clipped =
      view.ToOriginal(Square(0, 0, to_view(30, view.pad_x)), image.cols, image.rows);
  EXPECT_FLOAT_EQ(clipped.box.x, 0);
  EXPECT_NEAR(clipped.box.right(), 30, 0.5);
}

TEST(ScaledViewTest, EqualisedCropViewsBrightenADarkHalf) {
  cv::Mat image(100, 100, CV_8UC3);
  cv::randn(image, cv::Scalar::all(10), cv::Scalar::all(3));  // a dark, textured half
  image(cv::Rect(50, 0, 50, 100)) += cv::Scalar::all(110);    // and a lit one
  const double scale = CropViewScale(image.size(), 160);
  const ScaledView plain = MakeCropView(image, scale);
  const ScaledView equalised = MakeCropView(image, scale, Contrast::kEqualized);
  const cv::Rect dark_half(static_cast<int>(plain.pad_x * scale) + 5,
                           static_cast<int>(plain.pad_y * scale) + 5, 30, 60);
  EXPECT_GT(cv::mean(equalised.image(dark_half))[0], 1.5 * cv::mean(plain.image(dark_half))[0]);
}

TEST(ScaledViewTest, NeverEmpty) {
  EXPECT_EQ(MakeScaledView(cv::Mat(1, 5000, CV_8UC3), 0.1).image.size(), cv::Size(500, 1));
}

TEST(DlibViewTest, EnlargesToTheWindowWithinTheBudget) {
  const cv::Size photo(1000, 1000);
  EXPECT_DOUBLE_EQ(ScaleForMinFace(photo, 40, 80, 1e8), 2.0);     // 40 px faces become 80 px
  EXPECT_DOUBLE_EQ(ScaleForMinFace(photo, 40, 80, 2.25e6), 1.5);  // capped by the budget
  EXPECT_DOUBLE_EQ(ScaleForMinFace(photo, 200, 80, 1e8), 1.0);    // never shrinks a photo that fits
  EXPECT_NEAR(ScaleForMinFace({4000, 4000}, 20, 80, 4e6), 0.5, 1e-9);  // shrinks one that doesn't
  const DlibReach reach{80, 8e6, {320, 288}};
  EXPECT_TRUE(PlanDlibView({92, 112}, 20, reach)[0].crop_view);
  EXPECT_DOUBLE_EQ(PlanDlibView({640, 480}, 20, reach)[0].scale, 4.0);
}

TEST(DlibViewTest, MarginsBecomeScores) {
  EXPECT_FLOAT_EQ(MarginToScore(0), 0.5f);
  EXPECT_NEAR(MarginToScore(1), 0.88f, 0.01f);
  EXPECT_GT(MarginToScore(2), 0.95f);
  EXPECT_LT(MarginToScore(-2), 0.05f);
  const Detection d = DetectionFromDlib(dlib::rectangle(10, 20, 49, 59), 1.0);
  EXPECT_FLOAT_EQ(d.box.x, 10);
  EXPECT_FLOAT_EQ(d.box.width, 40);  // dlib's corners are inclusive
  EXPECT_FALSE(d.has_landmarks);
}

}  // namespace
}  // namespace facetrace
