#include "calibration/calibration.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

// Genuine distances 0.30, 0.31, ... 0.59 (30 pairs); impostor 0.50, 0.51, ... 1.49 (100).
Calibration MakeCalibration() {
  std::vector<float> genuine, impostor;
  for (int i = 0; i < 30; ++i) genuine.push_back(0.30f + 0.01f * static_cast<float>(i));
  for (int i = 0; i < 100; ++i) impostor.push_back(0.50f + 0.01f * static_cast<float>(i));
  CalibrationProvenance p;
  p.model_id = "m";
  p.data = "synthetic";
  return Calibration::Fit(genuine, impostor, p);
}

TEST(CalibrationTest, RatesFollowTheMeasuredDistances) {
  const Calibration c = MakeCalibration();
  EXPECT_EQ(c.provenance().genuine_pairs, 30);
  EXPECT_EQ(c.provenance().impostor_pairs, 100);
  EXPECT_DOUBLE_EQ(c.FalseMatchRate(0.2f), 0.0);
  EXPECT_NEAR(c.FalseMatchRate(0.595f), 0.10, 0.011);  // 0.50 .. 0.59: ten impostors
  EXPECT_NEAR(c.FalseMatchRate(2.0f), 1.0, 1e-9);
  EXPECT_DOUBLE_EQ(c.FalseNonMatchRate(0.1f), 1.0);
  EXPECT_NEAR(c.FalseNonMatchRate(0.445f), 0.5, 0.034);  // 0.45 .. 0.59 are further away
  EXPECT_DOUBLE_EQ(c.FalseNonMatchRate(0.7f), 0.0);
}

TEST(CalibrationTest, ThresholdIsTheInverseOfTheFalseMatchRate) {
  const Calibration c = MakeCalibration();
  for (const double rate : {0.01, 0.05, 0.2, 0.5}) {
    const float t = c.ThresholdFor(rate);
    EXPECT_LE(c.FalseMatchRate(t), rate) << rate;
    EXPECT_GT(c.FalseMatchRate(t + 0.02f), rate) << rate;  // and not needlessly strict
  }
  EXPECT_LT(c.ThresholdFor(0.01), c.ThresholdFor(0.1));
}

TEST(CalibrationTest, ThresholdNeverAdmitsMoreImpostorsThanAsked) {
  // Two of 1000 impostors inside one grid cell: a threshold inside that cell could admit both.
  std::vector<float> impostor = {0.6005f, 0.6010f};
  for (int i = 0; i < 998; ++i) impostor.push_back(0.62f + 0.0005f * static_cast<float>(i));
  const Calibration c = Calibration::Fit({0.3f, 0.4f}, impostor, {});
  const float t = c.ThresholdFor(1e-3);
  const auto admitted =
      std::count_if(impostor.begin(), impostor.end(), [&](float d) { return d <= t; });
  EXPECT_LE(admitted, 1) << t;
  EXPECT_GE(c.FalseMatchRate(0.6007f), 1e-3);  // a distance inside the cell is not under-stated
  // Impostors at distance 0 (one photo under two names): no threshold keeps 1e-3.
  EXPECT_THROW(Calibration::Fit({0.3f}, std::vector<float>(10, 0.0f), {}).ThresholdFor(0.5), Error);
}

TEST(CalibrationTest, RefusesRatesItCannotResolve) {
  const Calibration c = MakeCalibration();
  EXPECT_DOUBLE_EQ(c.ResolvableRate(), 0.01);
  for (const double rate : {0.001, 0.0, -1.0, 1.5}) {
    try {
      c.ThresholdFor(rate);
      ADD_FAILURE() << rate;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(CalibrationTest, FitNeedsBothKindsOfPairs) {
  EXPECT_THROW(Calibration::Fit({}, {0.5f}, {}), Error);
  EXPECT_THROW(Calibration::Fit({0.5f}, {}, {}), Error);
}

TEST(CalibrationTest, SavesAndLoads) {
  testing::ScratchDir dir;
  const Calibration c = MakeCalibration();
  c.Save(dir / "c.json");
  const Calibration back = Calibration::Load(dir / "c.json");
  EXPECT_EQ(back.provenance().model_id, "m");
  EXPECT_EQ(back.provenance().impostor_pairs, 100);
  EXPECT_FLOAT_EQ(back.ThresholdFor(0.05), c.ThresholdFor(0.05));
  EXPECT_DOUBLE_EQ(back.FalseNonMatchRate(0.4f), c.FalseNonMatchRate(0.4f));
}

TEST(CalibrationTest, RecordsItsComparisonAndOlderFilesAreOfPhotos) {
  std::vector<float> genuine = {0.2f, 0.3f}, impostor = {0.7f, 0.8f};
  CalibrationProvenance p;
  p.model_id = "m";
  p.comparison = Comparison::kMeanTemplate;
  const Calibration c = Calibration::Fit(genuine, impostor, p);
  nlohmann::json json = c.ToJson();
  EXPECT_EQ(json["provenance"]["comparison"], "template");
  EXPECT_EQ(Calibration::FromJson(json).provenance().comparison, Comparison::kMeanTemplate);
  json["provenance"].erase("comparison");  // written before template ranking existed
  EXPECT_EQ(Calibration::FromJson(json).provenance().comparison, Comparison::kPhoto);
  json["provenance"]["comparison"] = "median";
  testing::ExpectErrorCode(ErrorCode::kInvalidArgument, [&] { Calibration::FromJson(json); });
}

TEST(CalibrationTest, LoadRejectsBadFilesByName) {
  testing::ScratchDir dir;
  try {
    Calibration::Load(dir / "absent.json");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
  auto json = MakeCalibration().ToJson();
  json["false_match_rate"][10] = 2.0;
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"garbage.json", "{not json"},
      {"other.json", R"({"format": "something else"})"},
      {"range.json", json.dump()}};
  for (const auto& [name, text] : bad) {
    testing::WriteFile(dir / name, text);
    try {
      Calibration::Load(dir / name);
      ADD_FAILURE() << name;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << name;
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace facetrace
