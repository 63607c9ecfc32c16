#include "embed/face_embedder.h"

#include <cmath>

#include <gtest/gtest.h>

#include "core/error.h"

namespace facetrace {
namespace {

TEST(EmbeddingDistanceTest, EuclideanAndLengthChecked) {
  EXPECT_FLOAT_EQ(EmbeddingDistance({0, 0}, {3, 4}), 5.0f);
  EXPECT_THROW(EmbeddingDistance({0}, {1, 2}), Error);
}

TEST(NormalizeL2Test, UnitLengthAndZeroLeftAlone) {
  Embedding e = {3, 4};
  NormalizeL2(e);
  EXPECT_FLOAT_EQ(e[0], 0.6f);
  EXPECT_FLOAT_EQ(e[1], 0.8f);
  Embedding zero = {0, 0};
  NormalizeL2(zero);
  EXPECT_EQ(zero, (Embedding{0, 0}));
}

TEST(EmbeddingModelIdTest, RunOptionsThatChangeEmbeddingsArePartOfTheId) {
  EXPECT_EQ(EmbeddingModelId("m", {}), "m");
  EXPECT_EQ(EmbeddingModelId("m", {.flip_fusion = false}), "m-noflip");
  EXPECT_EQ(EmbeddingModelId("m", {.flip_fusion = false, .jitters = 5}), "m-noflip-jitter5");
  EXPECT_EQ(EmbeddingModelId("m", {.batch_size = 3}), "m");  // batching changes nothing
}

}  // namespace
}  // namespace facetrace
