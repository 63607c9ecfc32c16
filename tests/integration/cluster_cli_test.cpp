// facetrace cluster / cluster enroll / cluster search through the real CLI (issue 6).
#include <cstdio>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "integration/cli_runner.h"

namespace facetrace::testing {
namespace {

namespace fs = std::filesystem;

fs::path Bbt(const std::string& who) { return DatasetsDir() / "facerecjs_bbt" / who; }

// The clusters.json of an output folder: cluster id -> member photos.
std::map<int, std::set<std::string>> Members(const fs::path& out) {
  const auto json = nlohmann::json::parse(ReadFile(out / "clusters.json"));
  std::map<int, std::set<std::string>> members;
  for (const auto& c : json["clusters"])
    for (const auto& f : c["faces"])
      members[c["id"].get<int>()].insert(f["image"].get<std::string>());
  return members;
}

std::string SheetName(int id) {
  char name[32];
  std::snprintf(name, sizeof name, "cluster_%04d.jpg", id);
  return name;
}

// The person (folder) of every member; a pure cluster has one.
std::set<std::string> People(const std::set<std::string>& images) {
  std::set<std::string> people;
  for (const auto& image : images) people.insert(fs::path(image).parent_path().filename().string());
  return people;
}

TEST(ClusterCliTest, ThresholdFromACalibratedFalseMatchRate) {
  ScratchDir dir;
  const auto r = RunFacetrace({"cluster", "--out", (dir / "out").string(), "--max-false-match-rate",
                               "0.001", (DatasetsDir() / "facerecjs_bbt").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(ReadFile(dir / "out" / "clusters.json"));
  const float threshold = json["threshold"].get<float>();
  EXPECT_GT(threshold, 0.40f);  // the shipped calibration puts 1e-3 at about 0.47
  EXPECT_LT(threshold, 0.52f);  // stricter than the default cut
  for (const auto& [id, images] : Members(dir / "out")) EXPECT_EQ(People(images).size(), 1u) << id;

  const auto both =
      RunFacetrace({"cluster", "--out", (dir / "x").string(), "--threshold", "0.5",
                    "--max-false-match-rate", "0.001", (DatasetsDir() / "facerecjs_bbt").string()});
  EXPECT_EQ(both.exit_code, 1);
}

TEST(ClusterCliTest, ClustersASitcomCastIntoPureClustersWithSheetsAndJson) {
  ScratchDir dir;
  const auto r = RunFacetrace({"cluster", "--out", (dir / "out").string(), "--json",
                               (DatasetsDir() / "facerecjs_bbt").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = ParseJsonLines(r.out);
  ASSERT_GE(lines.size(), 6u);  // >= 5 clusters and the outlier line
  EXPECT_TRUE(lines.back()["cluster"].is_null());
  const auto members = Members(dir / "out");
  EXPECT_GE(members.size(), 5u);
  EXPECT_LE(members.size(), 8u);
  std::set<std::string> people;
  for (const auto& [id, images] : members) {
    EXPECT_EQ(People(images).size(), 1u) << "cluster " << id << " mixes people";
    people.insert(*People(images).begin());
    EXPECT_TRUE(fs::exists(dir / "out" / SheetName(id))) << id;
  }
  EXPECT_EQ(people.size(), 5u);  // every cast member has a cluster
  EXPECT_TRUE(fs::exists(dir / "out" / "index.html"));
}

TEST(ClusterCliTest, LaterRunsAddPhotosKeepIdsAndSkipWhatWasSeen) {
  ScratchDir dir;
  const std::string out = (dir / "out").string();
  ASSERT_EQ(RunFacetrace({"cluster", "--out", out, Bbt("sheldon").string(), Bbt("raj").string()})
                .exit_code,
            0);
  const auto before = Members(out);
  ASSERT_GE(before.size(), 2u);
  const auto r = RunFacetrace({"cluster", "--out", out, Bbt("sheldon").string(),
                               Bbt("raj").string(), Bbt("howard").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto after = Members(out);
  EXPECT_GT(after.size(), before.size());  // howard is new
  for (const auto& [id, images] : before) {
    EXPECT_EQ(after.at(id), images) << "cluster " << id << " changed though nothing new is like it";
  }
  for (const auto& [id, images] : after) EXPECT_EQ(People(images).size(), 1u) << id;
  // The same photos again: nothing is added.
  ASSERT_EQ(RunFacetrace({"cluster", "--out", out, Bbt("howard").string()}).exit_code, 0);
  EXPECT_EQ(Members(out), after);
}

TEST(ClusterCliTest, AClusterIsEnrolledAsAnIdentityAndSearchedAsATemplate) {
  ScratchDir dir;
  const std::string out = (dir / "out").string(), db = (dir / "g.db").string();
  const auto sheldon = SortedImages(Bbt("sheldon"));
  fs::create_directories(dir / "photos");
  for (size_t i = 0; i + 1 < sheldon.size(); ++i)
    fs::create_symlink(sheldon[i], dir / "photos" / sheldon[i].filename());
  ASSERT_EQ(RunFacetrace({"cluster", "--out", out, (dir / "photos").string()}).exit_code, 0);
  const auto members = Members(out);
  int biggest = 0;
  for (const auto& [id, images] : members)
    if (!biggest || images.size() > members.at(biggest).size()) biggest = id;

  const auto enrolled =
      RunFacetrace({"cluster", "enroll", "--out", out, "--cluster", std::to_string(biggest), "--db",
                    db, "--identity", "Unknown A"});
  ASSERT_EQ(enrolled.exit_code, 0) << enrolled.err;
  EXPECT_NE(enrolled.out.find("Unknown A"), std::string::npos);

  const auto search = RunFacetrace({"cluster", "search", "--out", out, "--cluster",
                                    std::to_string(biggest), "--db", db, "--json"});
  ASSERT_EQ(search.exit_code, 0) << search.err;
  const auto result = nlohmann::json::parse(search.out);
  EXPECT_EQ(result["candidates"][0]["identity"], "Unknown A");

  // The held-out photo of the same person is now identified as the enrolled cluster.
  const auto identify = RunFacetrace({"identify", "--db", db, "--json", sheldon.back().string()});
  ASSERT_EQ(identify.exit_code, 0) << identify.err;
  EXPECT_EQ(ParseJsonLines(identify.out)[0]["faces"][0]["candidates"][0]["identity"], "Unknown A");
}

TEST(ClusterCliTest, BadInputGetsClearErrors) {
  ScratchDir dir;
  fs::create_directories(dir / "empty");
  const std::string out = (dir / "out").string();
  auto r = RunFacetrace({"cluster", "--out", out, (dir / "empty").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no photos found"), std::string::npos) << r.err;

  r = RunFacetrace({"cluster", "--out", out});
  EXPECT_EQ(r.exit_code, 1);

  WriteFile(dir / "blank" / "blank.png", "");
  r = RunFacetrace({"cluster", "--out", out, (dir / "blank" / "blank.png").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("blank.png"), std::string::npos) << r.err;

  ASSERT_EQ(RunFacetrace({"cluster", "--out", out, Bbt("raj").string()}).exit_code, 0);
  r = RunFacetrace({"cluster", "enroll", "--out", out, "--cluster", "999", "--db",
                    (dir / "g.db").string(), "--identity", "X"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no cluster 999"), std::string::npos) << r.err;

  r = RunFacetrace({"cluster", "search", "--out", (dir / "nowhere").string(), "--cluster", "1",
                    "--db", (dir / "g.db").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("clusters.json"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace facetrace::testing
