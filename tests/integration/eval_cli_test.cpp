// `facetrace eval`, `calibrate` and calibrated decisions in `identify` / `verify`, through the
// real CLI on the shared photos. The open-set figure is issue 3's bar: cs131_faces, 8
// identities enrolled and 8 held out, DIR >= 0.90 at FPIR 0.01.
#include <fstream>

#include <gtest/gtest.h>

#include "integration/cli_runner.h"

namespace facetrace::testing {
namespace {

namespace fs = std::filesystem;

nlohmann::json ReadJson(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

TEST(EvalCliTest, OpenSetIdentificationOnCs131) {
  ScratchDir dir;
  const auto r = RunFacetrace({"eval", "identify", DatasetFile("cs131_faces").string(), "--report",
                               (dir / "r.json").string(), "--plots", (dir / "plots").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("DIR at FPIR 0.01"), std::string::npos) << r.out;
  const auto report = ReadJson(dir / "r.json");
  const auto& open = report["open_set"];
  EXPECT_EQ(open["enrolled_identities"], 8);
  EXPECT_EQ(open["held_out_identities"], 8);
  ASSERT_FALSE(open["dir_at_fpir"]["0.01"].is_null());  // 480 non-mated searches resolve 1 %
  const double dir_at_1e2 = open["dir_at_fpir"]["0.01"]["dir"].get<double>();
  std::printf("[eval] cs131_faces open set: DIR %.4f at FPIR 0.01; closed rank-1 %.4f\n",
              dir_at_1e2, report["closed_set"]["rank1"].get<double>());
  EXPECT_GE(dir_at_1e2, 0.90);
  EXPECT_GE(report["closed_set"]["rank1"].get<double>(), 0.97);
  EXPECT_TRUE(fs::exists(dir / "plots" / "cmc.svg"));
  EXPECT_TRUE(fs::exists(dir / "plots" / "det.svg"));
}

TEST(EvalCliTest, VerifyOverGeneratedPairs) {
  ScratchDir dir;
  const auto root = DatasetFile("orl_att").string();
  const auto pairs = (dir / "pairs.txt").string();
  const auto made = RunFacetrace({"eval", "pairs", root, "--out", pairs, "--per-fold", "20"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const auto r = RunFacetrace({"eval", "verify", "--pairs", pairs, "--root", root, "--report",
                               (dir / "v.json").string(), "--plots", (dir / "plots").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = ReadJson(dir / "v.json");
  EXPECT_EQ(report["pairs"], 400);
  EXPECT_EQ(report["folds"], 10);
  EXPECT_EQ(report["pairs_without_face"], 0);
  std::printf("[eval] orl_att 400 pairs: accuracy %.4f, EER %.4f\n",
              report["accuracy"].get<double>(), report["eer"].get<double>());
  EXPECT_GE(report["accuracy"].get<double>(), 0.97);
  EXPECT_LE(report["eer"].get<double>(), 0.05);
  EXPECT_TRUE(report["tar_at_far_1e-3"].is_null());  // 200 impostor pairs cannot resolve it
  EXPECT_FALSE(report["tar_at_far_1e-2"].is_null());
  EXPECT_TRUE(fs::exists(dir / "plots" / "roc.svg"));
}

TEST(EvalCliTest, BadPairsFileIsAUsageError) {
  ScratchDir dir;
  WriteFile(dir / "pairs.txt", "1 1\nnobody 1 2\nnobody 1 other 1\n");
  const auto r = RunFacetrace(
      {"eval", "verify", "--pairs", (dir / "pairs.txt").string(), "--root", dir.path().string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nobody"), std::string::npos) << r.err;
}

// A gallery of three dlib_johns identities; John_Simm and John_Salley's others are probes.
class DecisionCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* who : {"John_Savage", "John_Simm", "John_Schneider"}) {
      const auto files = SortedImages(DatasetFile(std::string("dlib_johns/") + who));
      fs::create_directories(dir_ / "gallery" / who);
      for (size_t i = 0; i < 4; ++i) {
        fs::create_symlink(files[i], dir_ / "gallery" / who / files[i].filename());
      }
    }
    db_ = (dir_ / "g.db").string();
    const auto r = RunFacetrace({"enroll", "--db", db_, (dir_ / "gallery").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  nlohmann::json Identify(const fs::path& photo, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"identify", "--db", db_, "--json", photo.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = RunFacetrace(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return ParseJsonLines(r.out).at(0)["faces"].at(0);
  }

  ScratchDir dir_;
  std::string db_;
};

TEST_F(DecisionCliTest, EnrolledPersonIsAPossibleMatchAndAStrangerIsNoMatch) {
  const auto simm = Identify(SortedImages(DatasetFile("dlib_johns/John_Simm")).at(6));
  EXPECT_TRUE(simm["match"]);
  EXPECT_EQ(simm["candidates"][0]["identity"], "John_Simm");
  EXPECT_TRUE(simm["candidates"][0]["possible_match"]);
  EXPECT_LT(simm["candidates"][0]["false_match_rate"].get<double>(), 1e-3);

  const auto stranger = Identify(SortedImages(DatasetFile("dlib_johns/John_Salley")).at(0));
  EXPECT_FALSE(stranger["match"]);
  EXPECT_FALSE(stranger["candidates"].empty());  // still ranked, for the analyst to see
  for (const auto& c : stranger["candidates"]) EXPECT_FALSE(c["possible_match"]);

  // The policy is the user's: accepting every comparison (rate 1) makes anyone a possible match.
  const auto loose = Identify(SortedImages(DatasetFile("dlib_johns/John_Salley")).at(0),
                              {"--max-false-match-rate", "1"});
  EXPECT_TRUE(loose["match"]);
  EXPECT_TRUE(loose["candidates"][0]["possible_match"]);
}

TEST_F(DecisionCliTest, TableSaysNoMatch) {
  const auto r = RunFacetrace({"identify", "--db", db_,
                               SortedImages(DatasetFile("dlib_johns/John_Salley")).at(0).string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("no match"), std::string::npos) << r.out;
}

TEST_F(DecisionCliTest, MissingOrUnresolvableCalibrationIsAnError) {
  const auto photo = SortedImages(DatasetFile("dlib_johns/John_Simm")).at(6).string();
  auto r = RunFacetrace(
      {"identify", "--db", db_, "--calibration", (dir_ / "none.json").string(), photo});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("none.json"), std::string::npos) << r.err;
  r = RunFacetrace({"identify", "--db", db_, "--max-false-match-rate", "1e-9", photo});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("calibrate"), std::string::npos) << r.err;
}

TEST_F(DecisionCliTest, RanksByTemplateByDefaultWithTheTemplateCalibration) {
  const auto photo = SortedImages(DatasetFile("dlib_johns/John_Simm")).at(6);
  const auto simm = Identify(photo);
  EXPECT_TRUE(simm["match"]);
  EXPECT_EQ(simm["candidates"][0]["identity"], "John_Simm");
  EXPECT_EQ(simm["candidates"][0]["template_faces"], 4);
  EXPECT_TRUE(simm["candidates"][0]["possible_match"]);
  const auto by_photo = Identify(photo, {"--rank-by", "photo"});
  EXPECT_EQ(by_photo["candidates"][0]["identity"], "John_Simm");
  EXPECT_FALSE(by_photo["candidates"][0].contains("template_faces"));
  EXPECT_EQ(simm["candidates"][0]["gallery_image"], by_photo["candidates"][0]["gallery_image"])
      << "the evidence shown is the closest photo either way";
  EXPECT_NE(simm["candidates"][0]["distance"], by_photo["candidates"][0]["distance"]);

  // A photo-to-photo calibration does not describe template distances: refused by name.
  const auto photo_calibration = (dir_ / "photo.json").string();
  fs::copy_file(SourceDir() / "calibration/dlib_resnet_v1.calibration.json", photo_calibration);
  auto r =
      RunFacetrace({"identify", "--db", db_, "--calibration", photo_calibration, photo.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--rank-by template"), std::string::npos) << r.err;
  r = RunFacetrace({"identify", "--db", db_, "--rank-by", "photo", "--calibration",
                    photo_calibration, photo.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = RunFacetrace({"identify", "--db", db_, "--rank-by", "mean", photo.string()});
  EXPECT_EQ(r.exit_code, 1);  // a usage error, naming the choices
  EXPECT_NE(r.err.find("template"), std::string::npos) << r.err;
}

TEST(CalibrateCliTest, WritesACalibrationVerifyAndIdentifyUse) {
  ScratchDir dir;
  const auto out = (dir / "mine.json").string();
  // verify compares two photos: it needs a photo-to-photo calibration.
  const auto r =
      RunFacetrace({"calibrate", DatasetFile("dlib_johns").string(),
                    DatasetFile("facerecjs_bbt").string(), "--rank-by", "photo", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("held-out check"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("calibrated photo distances"), std::string::npos) << r.out;
  const auto calibration = ReadJson(out);
  EXPECT_EQ(calibration["provenance"]["data"], "dlib_johns, facerecjs_bbt");
  EXPECT_EQ(calibration["provenance"]["identities"], 10);

  const auto simm = SortedImages(DatasetFile("dlib_johns/John_Simm"));
  const auto v = RunFacetrace({"verify", "--json", "--calibration", out, "--max-false-match-rate",
                               "0.01", simm[0].string(), simm[1].string()});
  ASSERT_EQ(v.exit_code, 0) << v.err;
  const auto j = nlohmann::json::parse(v.out);
  EXPECT_TRUE(j["same"]);
  EXPECT_LT(j["distance"].get<double>(), j["threshold"].get<double>());
  EXPECT_LE(j["false_match_rate"].get<double>(), 0.01);
}

TEST(CalibrateCliTest, CalibratesTemplateDistancesByDefaultAsIdentifyRanks) {
  ScratchDir dir;
  const auto out = (dir / "templates.json").string();
  const auto r = RunFacetrace({"calibrate", DatasetFile("dlib_johns").string(),
                               DatasetFile("facerecjs_bbt").string(), "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("calibrated template distances"), std::string::npos) << r.out;
  const auto calibration = ReadJson(out);
  EXPECT_EQ(calibration["provenance"]["comparison"], "template");
  // Each photo against the four other identities' templates of its own set (five in each).
  EXPECT_EQ(calibration["provenance"]["impostor_pairs"],
            4 * calibration["provenance"]["images"].get<int>());

  // verify compares two photos: a template calibration is refused there.
  const auto simm = SortedImages(DatasetFile("dlib_johns/John_Simm"));
  const auto v =
      RunFacetrace({"verify", "--json", "--calibration", out, simm[0].string(), simm[1].string()});
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_NE(v.err.find("template"), std::string::npos) << v.err;
}

}  // namespace
}  // namespace facetrace::testing
