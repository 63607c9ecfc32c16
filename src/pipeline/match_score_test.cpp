#include "pipeline/match_score.h"

#include <gtest/gtest.h>

namespace facetrace {
namespace {

TEST(MatchScoreTest, HalfAtTheThresholdAndMonotone) {
  EXPECT_NEAR(MatchScore(kDefaultMatchThreshold), 0.5f, 1e-6f);
  EXPECT_GT(MatchScore(0.42f), 0.98f);
  EXPECT_LT(MatchScore(0.78f), 0.02f);
  float previous = 1.0f;
  for (float d = 0; d < 1.5f; d += 0.01f) {
    const float s = MatchScore(d);
    EXPECT_LE(s, previous);
    previous = s;
  }
  EXPECT_NEAR(MatchScore(0.5f, 0.5f), 0.5f, 1e-6f);
  // A model on another distance scale (an ArcFace model's ~1.2) reads the same.
  EXPECT_NEAR(MatchScore(0.84f, 1.2f), MatchScore(0.42f, 0.6f), 1e-6f);
}

}  // namespace
}  // namespace facetrace
