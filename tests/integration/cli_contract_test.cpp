// The CLI contract later issues and users rely on: JSON shapes, exit codes, idempotent enroll,
// remove, stats, verify, embed and detect --draw.
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "integration/cli_runner.h"

namespace facetrace::testing {
namespace {

namespace fs = std::filesystem;

// A small gallery: three dlib_johns identities, two photos each, as a folder tree of links.
class CliContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* who : {"John_Salley", "John_Savage", "John_Simm"}) {
      const auto files = SortedImages(DatasetFile(std::string("dlib_johns/") + who));
      for (size_t i = 0; i < 2; ++i) {
        fs::create_directories(dir_ / "gallery" / who);
        fs::create_symlink(files[i], dir_ / "gallery" / who / files[i].filename());
      }
      probes_.emplace_back(who, files[3]);
    }
    db_ = (dir_ / "g.db").string();
  }

  CommandResult Enroll() {
    return RunFacetrace({"enroll", "--db", db_, (dir_ / "gallery").string()});
  }

  nlohmann::json Stats() {
    const auto r = RunFacetrace({"stats", "--db", db_, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }

  ScratchDir dir_;
  std::string db_;
  std::vector<std::pair<std::string, fs::path>> probes_;
};

TEST_F(CliContractTest, EnrollIsIdempotent) {
  const auto first = Enroll();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("enrolled 6 image(s)"), std::string::npos) << first.err;
  const auto before = Stats();
  EXPECT_EQ(before["identities"], 3);
  EXPECT_EQ(before["images"], 6);
  EXPECT_EQ(before["faces"], 6);
  EXPECT_EQ(before["indexed_faces"], 6);

  const auto again = Enroll();
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("enrolled 0 image(s), 6 already present"), std::string::npos)
      << again.err;
  EXPECT_NE(again.err.find("(6 unchanged since an earlier enroll and not read again"),
            std::string::npos)
      << again.err;
  const auto after = Stats();
  EXPECT_EQ(after["images"], 6);
  EXPECT_EQ(after["faces"], 6);
  EXPECT_EQ(after["generation"], before["generation"]);
}

TEST_F(CliContractTest, IdentifyJsonFollowsTheContract) {
  ASSERT_EQ(Enroll().exit_code, 0);
  std::vector<std::string> args = {"identify", "--db", db_, "--json", "--top-k", "3"};
  for (const auto& [who, path] : probes_) args.push_back(path.string());
  const auto r = RunFacetrace(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = ParseJsonLines(r.out);
  ASSERT_EQ(lines.size(), probes_.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto& line = lines[i];
    EXPECT_EQ(line["image"], probes_[i].second.string());
    EXPECT_TRUE(line["error"].is_null());
    ASSERT_EQ(line["faces"].size(), 1u);
    const auto& face = line["faces"][0];
    ASSERT_EQ(face["box"].size(), 4u);
    ASSERT_EQ(face["landmarks"].size(), 5u);
    EXPECT_EQ(face["landmarks"][0].size(), 2u);
    EXPECT_GT(face["detector_score"].get<double>(), 0.0);
    EXPECT_GT(face["quality"].get<double>(), 0.0);
    EXPECT_LE(face["quality"].get<double>(), 1.0);
    const auto& candidates = face["candidates"];
    ASSERT_EQ(candidates.size(), 3u);  // per identity: three distinct names
    EXPECT_EQ(candidates[0]["identity"], probes_[i].first);
    EXPECT_NE(candidates[0]["identity"], candidates[1]["identity"]);
    EXPECT_LE(candidates[0]["distance"].get<double>(), candidates[1]["distance"].get<double>());
    EXPECT_GE(candidates[0]["score"].get<double>(), candidates[1]["score"].get<double>());
    EXPECT_GT(candidates[0]["identity_id"].get<int64_t>(), 0);
    EXPECT_TRUE(fs::exists(candidates[0]["gallery_image"].get<std::string>()));
    EXPECT_NE(candidates[0]["gallery_image"].get<std::string>().find(probes_[i].first),
              std::string::npos);
  }
  // Without --json: a readable table naming the best candidate.
  const auto table = RunFacetrace({"identify", "--db", db_, probes_[0].second.string()});
  ASSERT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find(probes_[0].first), std::string::npos);
  EXPECT_NE(table.out.find("distance"), std::string::npos);
}

TEST_F(CliContractTest, RemoveDropsTheIdentityFromSearchAtOnce) {
  ASSERT_EQ(Enroll().exit_code, 0);
  const auto removed = RunFacetrace({"remove", "--db", db_, "--identity", "John_Savage"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  const auto stats = Stats();
  EXPECT_EQ(stats["identities"], 2);
  EXPECT_EQ(stats["faces"], 4);
  EXPECT_EQ(stats["indexed_faces"], 4);
  const auto r =
      RunFacetrace({"identify", "--db", db_, "--json", "--top-k", "5", probes_[1].second.string()});
  const auto lines = ParseJsonLines(r.out);
  ASSERT_EQ(lines.size(), 1u);
  for (const auto& c : lines[0]["faces"][0]["candidates"]) EXPECT_NE(c["identity"], "John_Savage");
  EXPECT_EQ(RunFacetrace({"remove", "--db", db_, "--identity", "Nobody"}).exit_code, 1);
}

TEST_F(CliContractTest, VerifySameAndDifferent) {
  const auto same =
      RunFacetrace({"verify", "--json",
                    (dir_ / "gallery/John_Simm").string() + "/" +
                        SortedImages(dir_ / "gallery/John_Simm")[0].filename().string(),
                    probes_[2].second.string()});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  const auto s = nlohmann::json::parse(same.out);
  EXPECT_TRUE(s["same"].get<bool>());
  EXPECT_LT(s["distance"].get<double>(), s["threshold"].get<double>());

  const auto diff =
      RunFacetrace({"verify", "--json", probes_[0].second.string(), probes_[2].second.string()});
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  const auto d = nlohmann::json::parse(diff.out);
  EXPECT_FALSE(d["same"].get<bool>());
  EXPECT_GT(d["distance"].get<double>(), d["threshold"].get<double>());
}

TEST_F(CliContractTest, EmbedPrintsUnitSizedEmbeddings) {
  const auto r = RunFacetrace({"embed", "--json", probes_[0].second.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = ParseJsonLines(r.out);
  ASSERT_EQ(lines.size(), 1u);
  const auto& e = lines[0]["faces"][0]["embedding"];
  ASSERT_EQ(e.size(), 128u);
  double norm = 0;
  for (const auto& v : e) norm += v.get<double>() * v.get<double>();
  EXPECT_GT(norm, 0.1);  // a real embedding, not zeros
  EXPECT_TRUE(lines[0]["faces"][0].contains("box"));
}

TEST_F(CliContractTest, DetectDrawsTheFaces) {
  const auto photo = DatasetFile("detection_dlib_faces/bald_guys.jpg");
  const auto out = dir_ / "drawn.jpg";
  const auto r = RunFacetrace({"detect", photo.string(), "--draw", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = ParseJsonLines(r.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_GE(lines[0]["faces"].size(), 5u);
  const cv::Mat original = cv::imread(photo.string()), drawn = cv::imread(out.string());
  ASSERT_FALSE(drawn.empty());
  EXPECT_EQ(drawn.size(), original.size());
  EXPECT_GT(cv::norm(original, drawn, cv::NORM_L1), 0.0);  // something was drawn
}

TEST_F(CliContractTest, UsageErrorsExitOne) {
  EXPECT_EQ(RunFacetrace({}).exit_code, 1);
  EXPECT_EQ(RunFacetrace({"identify"}).exit_code, 1);
  EXPECT_EQ(RunFacetrace({"enroll", "--db", db_}).exit_code, 1);
  EXPECT_EQ(RunFacetrace({"identify", "--db", (dir_ / "absent.db").string(), "x.jpg"}).exit_code,
            1);
  EXPECT_EQ(RunFacetrace({"frobnicate"}).exit_code, 1);
  EXPECT_EQ(RunFacetrace({"--help"}).exit_code, 0);
}

}  // namespace
}  // namespace facetrace::testing
