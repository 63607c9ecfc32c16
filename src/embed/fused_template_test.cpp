#include "embed/fused_template.h"

#include <cmath>

#include <gtest/gtest.h>

#include "core/error.h"
#include "embed/dlib_resnet_embedder.h"

namespace facetrace {
namespace {

Embedding Axis(int axis, float length) {
  Embedding e(DlibResnetEmbedder::kDim, 0.0f);
  e[static_cast<size_t>(axis)] = length;
  return e;
}

float Length(const Embedding& e) {
  double s = 0;
  for (float v : e) s += static_cast<double>(v) * v;
  return static_cast<float>(std::sqrt(s));
}

TEST(FusedTemplateTest, MeanDirectionAtTheMeanLength) {
  const Embedding t = FusedTemplate({Axis(0, 1), Axis(1, 3)});
  EXPECT_NEAR(Length(t), 2.0f, 1e-5);
  EXPECT_NEAR(t[0], t[1] / 3, 1e-5);  // mean (0.5, 1.5) rescaled
}

TEST(FusedTemplateTest, WeightsPullTowardsTheHeavierFace) {
  const Embedding t = FusedTemplate({Axis(0, 1), Axis(1, 1)}, {3.0f, 1.0f});
  EXPECT_NEAR(t[0], 3 * t[1], 1e-5);
  EXPECT_NEAR(Length(t), 1.0f, 1e-5);
}

TEST(FusedTemplateTest, BadInputIsRefused) {
  EXPECT_THROW(FusedTemplate({}), Error);
  EXPECT_THROW(FusedTemplate({Axis(0, 1), Embedding(3, 0.0f)}), Error);
  EXPECT_THROW(FusedTemplate({Axis(0, 1)}, {1.0f, 2.0f}), Error);
  EXPECT_THROW(FusedTemplate({Axis(0, 1)}, {0.0f}), Error);
}

}  // namespace
}  // namespace facetrace
