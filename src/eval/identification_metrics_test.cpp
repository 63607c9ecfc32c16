#include "eval/identification_metrics.h"

#include <gtest/gtest.h>

namespace facetrace {
namespace {

RankedSearch S(int truth, std::vector<std::pair<int, float>> ranked) {
  RankedSearch s;
  s.true_identity = truth;
  s.ranked = std::move(ranked);
  return s;
}

TEST(IdentificationMetricsTest, CumulativeMatchCurve) {
  const std::vector<RankedSearch> mated = {
      S(1, {{1, 0.3f}, {2, 0.5f}, {3, 0.6f}}),  // rank 1
      S(2, {{1, 0.3f}, {2, 0.5f}, {3, 0.6f}}),  // rank 2
      S(3, {{1, 0.3f}, {2, 0.5f}}),             // not returned
      S(1, {}),                                 // no face
  };
  const auto cmc = CumulativeMatchCurve(mated, 3);
  ASSERT_EQ(cmc.size(), 3u);
  EXPECT_DOUBLE_EQ(cmc[0], 0.25);
  EXPECT_DOUBLE_EQ(cmc[1], 0.5);
  EXPECT_DOUBLE_EQ(cmc[2], 0.5);
  EXPECT_TRUE(CumulativeMatchCurve({}, 2) == std::vector<double>(2, 0.0));
}

TEST(IdentificationMetricsTest, DirAtFpirUsesTheNonMatedTail) {
  // Mated hits at 0.30 and 0.44, a wrong rank-1 at 0.20 (never a hit), one miss with no face.
  const std::vector<RankedSearch> mated = {S(1, {{1, 0.30f}}), S(2, {{2, 0.44f}}),
                                           S(3, {{1, 0.20f}, {3, 0.25f}}), S(4, {})};
  // Ten non-mated searches, best distances 0.40, 0.41, ... 0.49.
  std::vector<RankedSearch> non_mated;
  for (int i = 0; i < 10; ++i)
    non_mated.push_back(S(9, {{1, 0.40f + 0.01f * static_cast<float>(i)}}));
  const auto strict = DirAtFpir(mated, non_mated, 0.1);  // one false positive allowed
  ASSERT_TRUE(strict);
  EXPECT_DOUBLE_EQ(strict->fpir, 0.1);
  EXPECT_LT(strict->threshold, 0.41f);
  EXPECT_DOUBLE_EQ(strict->dir, 0.25);  // only the 0.30 hit is within
  const auto loose = DirAtFpir(mated, non_mated, 0.5);
  ASSERT_TRUE(loose);
  EXPECT_DOUBLE_EQ(loose->dir, 0.5);                // 0.44 is within too
  EXPECT_FALSE(DirAtFpir(mated, non_mated, 0.01));  // ten searches cannot resolve 1 %
}

TEST(IdentificationMetricsTest, OpenSetCurveIsMonotone) {
  std::vector<RankedSearch> mated, non_mated;
  for (int i = 0; i < 50; ++i) {
    mated.push_back(S(i, {{i, 0.2f + 0.01f * static_cast<float>(i)}}));
    non_mated.push_back(S(-1, {{i, 0.5f + 0.01f * static_cast<float>(i)}}));
  }
  const auto curve = OpenSetCurve(mated, non_mated);
  ASSERT_FALSE(curve.empty());
  for (size_t i = 1; i < curve.size(); ++i) {
    EXPECT_GE(curve[i].fpir, curve[i - 1].fpir);
    EXPECT_GE(curve[i].dir, curve[i - 1].dir);
  }
  EXPECT_DOUBLE_EQ(curve.back().dir, 1.0);
}

}  // namespace
}  // namespace facetrace
