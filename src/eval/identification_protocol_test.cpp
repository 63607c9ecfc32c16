// The protocols on real photos: dlib_johns (5 identities, 55 chips), embedded once for all tests.
#include "eval/identification_protocol.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "core/error.h"
#include "eval/calibration_fit.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

class ProtocolTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    size_t calls = 0, last_total = 0;
    set_ = new LabelledSet(
        EmbedLabelledSet(testing::DatasetFile("dlib_johns"), {}, [&](size_t, size_t total) {
          ++calls;
          last_total = total;
        }));
    progress_calls_ = calls;
    progress_total_ = last_total;
  }
  static void TearDownTestSuite() { delete set_; }
  static LabelledSet* set_;
  static size_t progress_calls_, progress_total_;
};
LabelledSet* ProtocolTest::set_ = nullptr;
size_t ProtocolTest::progress_calls_ = 0;
size_t ProtocolTest::progress_total_ = 0;

TEST_F(ProtocolTest, EmbedsEveryPhotoOfEveryIdentity) {
  EXPECT_EQ(set_->name, "dlib_johns");
  EXPECT_EQ(set_->identities.size(), 5u);
  EXPECT_EQ(set_->faces.size(), 55u);
  EXPECT_EQ(set_->Missing(), 0);
  EXPECT_EQ(progress_calls_, 55u);
  EXPECT_EQ(progress_total_, 55u);
  EXPECT_EQ(set_->faces[0].position, 0);
  EXPECT_EQ(set_->faces[1].position, 1);
  EXPECT_LT(set_->faces[0].path, set_->faces[1].path);
  EXPECT_LT(FaceDistance(set_->faces[0], set_->faces[1]), 0.6f);  // same identity
}

TEST_F(ProtocolTest, ClosedAndOpenSetOnRealPhotos) {
  IdentificationOptions options;
  options.holdout = 0.4;  // identities 2 and 4 held out
  const auto result = EvaluateIdentification({*set_}, options);
  const auto& r = result.report;
  EXPECT_DOUBLE_EQ(r["closed_set"]["rank1"].get<double>(), 1.0);  // measured: 25/25
  EXPECT_EQ(r["closed_set"]["probes"], 25);
  ASSERT_EQ(result.cmc.size(), 10u);
  EXPECT_DOUBLE_EQ(result.cmc.back(), 1.0);
  EXPECT_EQ(r["open_set"]["enrolled_identities"], 3);
  EXPECT_EQ(r["open_set"]["held_out_identities"], 2);
  EXPECT_TRUE(r["open_set"]["dir_at_fpir"]["0.001"].is_null());  // ~22 non-mated searches
  ASSERT_FALSE(r["open_set"]["dir_at_fpir"]["0.1"].is_null());
  EXPECT_GE(r["open_set"]["dir_at_fpir"]["0.1"]["dir"].get<double>(), 0.9);
  EXPECT_TRUE(r["closed_set"]["by_subset"].contains("set:dlib_johns"));
  EXPECT_TRUE(r["closed_set"]["by_subset"].contains("colour"));

  testing::ScratchDir dir;
  WriteIdentificationCharts(result, dir / "plots");
  EXPECT_TRUE(std::filesystem::file_size(dir / "plots" / "cmc.svg") > 500);
  EXPECT_TRUE(std::filesystem::file_size(dir / "plots" / "det.svg") > 500);
}

TEST_F(ProtocolTest, TemplateModes) {
  for (const char* name : {"best", "mean", "quality-mean"}) {
    IdentificationOptions options;
    options.mode = ParseTemplateMode(name);
    EXPECT_EQ(TemplateModeName(options.mode), name);
    const auto r = EvaluateIdentification({*set_}, options).report;
    EXPECT_EQ(r["template"], name);
    EXPECT_GE(r["closed_set"]["rank1"].get<double>(), 0.96) << name;
  }
  EXPECT_THROW(ParseTemplateMode("median"), Error);
}

TEST_F(ProtocolTest, CalibrationCountsEveryPairOnce) {
  int64_t same = 0;
  std::vector<int> per_identity(5, 0);
  for (const auto& f : set_->faces) ++per_identity[static_cast<size_t>(f.identity)];
  for (const int n : per_identity) same += n * (n - 1) / 2;
  const int64_t all = 55 * 54 / 2;
  const Calibration c = FitCalibration({*set_}, "m");
  EXPECT_EQ(c.provenance().impostor_pairs, all - same);
  EXPECT_LE(c.provenance().genuine_pairs, same);  // near-duplicates are left out
  EXPECT_GT(c.provenance().genuine_pairs, same / 2);
  EXPECT_EQ(c.provenance().images, 55);
  EXPECT_EQ(c.provenance().data, "dlib_johns");
  EXPECT_EQ(static_cast<int64_t>(SetPairDistances(*set_, Comparison::kPhoto).impostor.size()),
            all - same);
  const float t = c.ThresholdFor(0.01);
  EXPECT_GT(t, 0.3f);
  EXPECT_LT(t, 0.7f);
}

TEST_F(ProtocolTest, TemplateCalibrationComparesEachPhotoWithEveryTemplate) {
  std::vector<int> per_identity(5, 0);
  for (const auto& f : set_->faces) ++per_identity[static_cast<size_t>(f.identity)];
  const PairDistances d = SetPairDistances(*set_, Comparison::kMeanTemplate);
  EXPECT_EQ(d.impostor.size(), 55u * 4);  // each photo against the four other identities
  EXPECT_LE(d.genuine.size(), 55u);       // against its own identity's other photos
  EXPECT_GT(d.genuine.size(), 50u);
  const Calibration c = FitCalibration({*set_}, "m", Comparison::kMeanTemplate);
  EXPECT_EQ(c.provenance().comparison, Comparison::kMeanTemplate);
  // A template averages out one photo's pose and light: the same person is closer to it than
  // to a typical photo of himself, so the same false-non-match rate needs a smaller distance.
  const Calibration photos = FitCalibration({*set_}, "m");
  const auto median = [](std::vector<float> v) {
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  EXPECT_LT(median(d.genuine), median(SetPairDistances(*set_, Comparison::kPhoto).genuine));
  EXPECT_GT(photos.FalseNonMatchRate(0.35f), c.FalseNonMatchRate(0.35f));
  const auto checks =
      CheckCalibrationOnHeldOutSets({*set_, *set_}, {0.05}, Comparison::kMeanTemplate);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_LE(checks[0].observed_rate, 0.05);
}

TEST_F(ProtocolTest, HeldOutChecksNeedTwoSets) {
  EXPECT_TRUE(CheckCalibrationOnHeldOutSets({*set_}, {0.01}).empty());
  LabelledSet half = *set_;
  half.name = "copy";
  const auto checks = CheckCalibrationOnHeldOutSets({*set_, half}, {0.01});
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].set, "dlib_johns");
  EXPECT_NEAR(checks[0].observed_rate, 0.01, 0.01);  // the same photos: the rate transfers
}

TEST(ProtocolErrorsTest, EmptyOrMissingFolders) {
  testing::ScratchDir dir;
  EXPECT_THROW(EmbedLabelledSet(dir.path(), {}), Error);
  EXPECT_THROW(EmbedLabelledSet(dir / "absent", {}), Error);
  EXPECT_THROW(EvaluateIdentification({}, {}), Error);
}

}  // namespace
}  // namespace facetrace
