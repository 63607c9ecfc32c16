#include "cluster/bcubed.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace facetrace {
namespace {

TEST(BCubedTest, PerfectClusteringScoresOne) {
  const BCubedScore s = ScoreBCubed({7, 7, 3, 3, 3}, {1, 1, 2, 2, 2});
  EXPECT_DOUBLE_EQ(s.precision, 1.0);
  EXPECT_DOUBLE_EQ(s.recall, 1.0);
  EXPECT_DOUBLE_EQ(s.f, 1.0);
}

TEST(BCubedTest, MergingTwoPeopleCostsPrecision) {
  // One cluster holding two people of two photos each: every item's cluster is half right.
  const BCubedScore s = ScoreBCubed({0, 0, 0, 0}, {1, 1, 2, 2});
  EXPECT_DOUBLE_EQ(s.precision, 0.5);
  EXPECT_DOUBLE_EQ(s.recall, 1.0);
  EXPECT_NEAR(s.f, 2 * 0.5 / 1.5, 1e-12);
}

TEST(BCubedTest, SplittingOnePersonCostsRecall) {
  const BCubedScore s = ScoreBCubed({0, 0, 1, 2}, {5, 5, 5, 5});
  EXPECT_DOUBLE_EQ(s.precision, 1.0);
  // Items 0,1 see 2/4 of their class, items 2,3 see 1/4: (0.5+0.5+0.25+0.25)/4.
  EXPECT_DOUBLE_EQ(s.recall, 0.375);
}

TEST(BCubedTest, EmptyInputScoresZeroAndMismatchedSizesThrow) {
  EXPECT_DOUBLE_EQ(ScoreBCubed({}, {}).f, 0.0);
  try {
    ScoreBCubed({1, 2}, {1});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace facetrace
