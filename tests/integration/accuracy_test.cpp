// Rank-1 identification accuracy through the real CLI on the shared datasets, split protocol:
// per identity, files sorted by name, even positions enrolled, odd positions identified; a hit
// is when the largest face's first candidate is the right identity (no face = a miss).
//
// The floors are what a plain, single-threaded dlib recipe reaches on these sets (issue 2),
// raised where issue 3 asks the engine to beat the model alone (celeb5_kaggle 0.98,
// facerecjs_bbt 0.95, extyaleb_subset 0.80). Measured values are printed for docs/ACCURACY.md.
#include <cstdio>

#include <gtest/gtest.h>

#include "integration/cli_runner.h"

namespace facetrace::testing {
namespace {

struct AccuracyCase {
  const char* set;
  double min_rank1;
};

class RankOneAccuracy : public ::testing::TestWithParam<AccuracyCase> {};

TEST_P(RankOneAccuracy, MeetsTheFloor) {
  const AccuracyCase& c = GetParam();
  const SplitProtocol split = SplitDataset(DatasetFile(c.set));
  ASSERT_FALSE(split.probes.empty());
  ScratchDir dir;
  const auto manifest = WriteManifest(dir / "gallery.csv", split.gallery);
  const auto db = (dir / "gallery.db").string();

  const CommandResult enroll =
      RunFacetrace({"enroll", "--db", db, "--manifest", manifest.string()});
  ASSERT_TRUE(enroll.exit_code == 0 || enroll.exit_code == 2) << enroll.err;

  std::vector<std::string> args = {"identify", "--db", db, "--json", "--top-k", "1"};
  for (const auto& [identity, image] : split.probes) args.push_back(image.string());
  const CommandResult identify = RunFacetrace(args);
  ASSERT_TRUE(identify.exit_code == 0 || identify.exit_code == 2) << identify.err;
  const auto lines = ParseJsonLines(identify.out);
  ASSERT_EQ(lines.size(), split.probes.size());

  size_t hits = 0, no_face = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    ASSERT_EQ(lines[i]["image"], split.probes[i].second.string());
    const auto& faces = lines[i]["faces"];
    if (faces.empty()) {
      ++no_face;
      continue;
    }
    const auto& candidates = faces[0]["candidates"];
    if (!candidates.empty() && candidates[0]["identity"] == split.probes[i].first) ++hits;
  }
  const double rank1 = static_cast<double>(hits) / static_cast<double>(split.probes.size());
  std::printf("[accuracy] %s: rank-1 %.4f (%zu/%zu), probes without a face: %zu\n", c.set, rank1,
              hits, split.probes.size(), no_face);
  RecordProperty("rank1", std::to_string(rank1));
  EXPECT_GE(rank1, c.min_rank1) << c.set;
}

INSTANTIATE_TEST_SUITE_P(
    Datasets, RankOneAccuracy,
    ::testing::Values(AccuracyCase{"celeb5_kaggle", 0.98}, AccuracyCase{"cs131_faces", 0.97},
                      AccuracyCase{"deepface", 0.99}, AccuracyCase{"dlib_johns", 0.99},
                      AccuracyCase{"facerecjs_bbt", 0.95}, AccuracyCase{"orl_att", 0.99},
                      AccuracyCase{"extyaleb_subset", 0.80}, AccuracyCase{"yalefaces", 0.97}),
    [](const ::testing::TestParamInfo<AccuracyCase>& param_info) {
      return std::string(param_info.param.set);
    });

}  // namespace
}  // namespace facetrace::testing
