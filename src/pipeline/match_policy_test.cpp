#include "pipeline/match_policy.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/model_paths.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

Calibration Synthetic(const std::string& model_id = "dlib_resnet_v1",
                      Comparison comparison = Comparison::kPhoto) {
  std::vector<float> genuine, impostor;
  for (int i = 0; i < 100; ++i) genuine.push_back(0.2f + 0.003f * static_cast<float>(i));
  for (int i = 0; i < 1000; ++i) impostor.push_back(0.45f + 0.0007f * static_cast<float>(i));
  CalibrationProvenance provenance;
  provenance.model_id = model_id;
  provenance.comparison = comparison;
  return Calibration::Fit(genuine, impostor, provenance);
}

TEST(MatchPolicyTest, MarksCandidatesWithinTheRate) {
  const MatchPolicy policy(Synthetic(), 0.01);
  EXPECT_FLOAT_EQ(policy.threshold(), 0.455f);  // the last grid point within 1 %
  std::vector<Candidate> candidates(3);
  candidates[0].distance = 0.40f;
  candidates[1].distance = 0.452f;
  candidates[2].distance = 0.60f;
  policy.Apply(candidates);
  EXPECT_TRUE(candidates[0].possible_match);
  EXPECT_TRUE(candidates[1].possible_match);
  EXPECT_FALSE(candidates[2].possible_match);
  ASSERT_TRUE(candidates[2].false_match_rate);
  EXPECT_DOUBLE_EQ(*candidates[0].false_match_rate, 0.0);
  EXPECT_GT(*candidates[2].false_match_rate, 0.1);
  EXPECT_THROW(MatchPolicy(Synthetic(), 1e-5), Error);  // 1000 impostors cannot vouch for it
}

TEST(MatchPolicyTest, LoadsTheShippedCalibrationOrTheGivenOne) {
  const Calibration shipped = LoadCalibration({}, {}, "dlib_resnet_v1");
  EXPECT_EQ(shipped.provenance().model_id, "dlib_resnet_v1");
  EXPECT_GT(shipped.provenance().impostor_pairs, 100000);
  // The shipped threshold at 1e-3 is stricter than dlib's 0.6 operating point.
  EXPECT_LT(shipped.ThresholdFor(1e-3), 0.6f);
  testing::ScratchDir dir;
  Synthetic().Save(dir / "c.json");
  EXPECT_EQ(LoadCalibration(dir / "c.json", {}, "dlib_resnet_v1").provenance().impostor_pairs,
            1000);
  Synthetic("arcface_r50").Save(dir / "other.json");  // another model's distances
  EXPECT_THROW(LoadCalibration(dir / "other.json", {}, "dlib_resnet_v1"), Error);
  // Flip fusion changes the distances: a calibration of the flip-fused model does not serve
  // embeddings made without it, nor the other way round.
  EXPECT_THROW(LoadCalibration(dir / "c.json", {}, "dlib_resnet_v1-noflip"), Error);
  // The default file is per model.
  Synthetic("arcface_r50").Save(dir / CalibrationFileName("arcface_r50"));
  EXPECT_EQ(LoadCalibration({}, dir.path(), "arcface_r50").provenance().model_id, "arcface_r50");
  try {
    LoadCalibration({}, dir.path(), "dlib_resnet_v1");  // a folder without this calibration
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kModelMissing);
    EXPECT_NE(std::string(e.what()).find("scripts/setup"), std::string::npos) << e.what();
  }
}

TEST(MatchPolicyTest, TemplateRankingNeedsATemplateCalibration) {
  EXPECT_EQ(CalibrationFileName("m", Comparison::kMeanTemplate), "m.template.calibration.json");
  // The shipped one, installed beside the models by scripts/setup.
  const Calibration shipped = LoadCalibration({}, {}, "dlib_resnet_v1", Comparison::kMeanTemplate);
  EXPECT_EQ(shipped.provenance().comparison, Comparison::kMeanTemplate);
  EXPECT_GT(shipped.provenance().impostor_pairs, 50000);  // one per photo and other identity
  // Stricter than the photo calibration at the default rate, and with fewer misses.
  const Calibration photos = LoadCalibration({}, {}, "dlib_resnet_v1");
  EXPECT_LT(shipped.ThresholdFor(1e-3), photos.ThresholdFor(1e-3));
  EXPECT_LT(shipped.FalseNonMatchRate(shipped.ThresholdFor(1e-3)), 0.1);
  testing::ScratchDir dir;
  Synthetic().Save(dir / "photo.json");
  const std::string message = testing::ExpectErrorCode(ErrorCode::kInvalidArgument, [&] {
    LoadCalibration(dir / "photo.json", {}, "dlib_resnet_v1", Comparison::kMeanTemplate);
  });
  EXPECT_NE(message.find("--rank-by template"), std::string::npos) << message;
  Synthetic("dlib_resnet_v1", Comparison::kMeanTemplate).Save(dir / "template.json");
  testing::ExpectErrorCode(ErrorCode::kInvalidArgument,
                           [&] { LoadCalibration(dir / "template.json", {}, "dlib_resnet_v1"); });
  const std::string missing = testing::ExpectErrorCode(ErrorCode::kModelMissing, [&] {
    LoadCalibration({}, dir.path(), "dlib_resnet_v1", Comparison::kMeanTemplate);
  });
  EXPECT_NE(missing.find("--rank-by template"), std::string::npos) << missing;
}

}  // namespace
}  // namespace facetrace
