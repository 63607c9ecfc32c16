#include "eval/verification_metrics.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace facetrace {
namespace {

// `genuine` and `impostor` distances, spread round-robin over `folds` folds.
std::vector<ScoredPair> Pairs(const std::vector<float>& genuine, const std::vector<float>& impostor,
                              int folds = 1) {
  std::vector<ScoredPair> pairs;
  int i = 0;
  for (const float d : genuine) pairs.push_back({d, true, i++ % folds});
  for (const float d : impostor) pairs.push_back({d, false, i++ % folds});
  return pairs;
}

std::vector<float> Range(float from, float step, int n) {
  std::vector<float> v;
  for (int i = 0; i < n; ++i) v.push_back(from + step * static_cast<float>(i));
  return v;
}

TEST(VerificationMetricsTest, SeparatedDistributionsArePerfect) {
  const auto m =
      EvaluateVerification(Pairs(Range(0.2f, 0.001f, 100), Range(0.8f, 0.001f, 1000), 10));
  EXPECT_EQ(m.genuine_pairs, 100);
  EXPECT_EQ(m.impostor_pairs, 1000);
  EXPECT_EQ(m.folds, 10);
  EXPECT_DOUBLE_EQ(m.accuracy_mean, 1.0);
  EXPECT_DOUBLE_EQ(m.eer, 0.0);
  ASSERT_TRUE(m.tar_at_far_1e3);
  EXPECT_DOUBLE_EQ(*m.tar_at_far_1e3, 1.0);
  EXPECT_FALSE(m.roc.empty());
  EXPECT_LE(m.roc.size(), static_cast<size_t>(kRocPoints) + 2);
}

TEST(VerificationMetricsTest, OverlapCostsWhatItShould) {
  // Genuine 0.40..0.59, impostor 0.50..0.69: the best threshold (just below 0.50 or at 0.59)
  // gets 30 of 40 pairs right.
  const auto pairs = Pairs(Range(0.40f, 0.01f, 20), Range(0.50f, 0.01f, 20));
  const auto m = EvaluateVerification(pairs);
  EXPECT_NEAR(m.accuracy_mean, 0.75, 1e-9);
  EXPECT_NEAR(m.eer, 0.25, 0.03);
  // 20 impostors cannot resolve a FAR of 1e-2.
  EXPECT_FALSE(TarAtFar(pairs, 1e-2));
  ASSERT_TRUE(TarAtFar(pairs, 0.1));  // 2 impostors allowed: genuine below 0.52 -> 12 of 20
  EXPECT_NEAR(*TarAtFar(pairs, 0.1), 0.6, 1e-9);
}

TEST(VerificationMetricsTest, KFoldNeverTunesOnTheTestFold) {
  // One fold of genuine pairs only at 0.5 and impostors at 0.4: whatever threshold the other
  // folds pick (between 0.3 and 0.7), this fold scores 0 or 0.5, never 1.
  std::vector<ScoredPair> pairs;
  for (int f = 1; f < 5; ++f) {
    pairs.push_back({0.3f, true, f});
    pairs.push_back({0.7f, false, f});
  }
  pairs.push_back({0.5f, true, 0});
  pairs.push_back({0.4f, false, 0});
  const auto m = EvaluateVerification(pairs);
  EXPECT_LT(m.accuracy_mean, 1.0);
  EXPECT_GT(m.accuracy_std, 0.0);
}

TEST(VerificationMetricsTest, NeedsBothKinds) {
  EXPECT_THROW(EvaluateVerification(Pairs({0.3f}, {})), Error);
  EXPECT_THROW(EvaluateVerification(Pairs({}, {0.3f})), Error);
}

}  // namespace
}  // namespace facetrace
