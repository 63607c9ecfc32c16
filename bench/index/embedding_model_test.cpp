// The fitted generator recovers the model it was drawn from, and round-trips through its file.
#include "index/embedding_model.h"

#include <cmath>
#include <fstream>
#include <memory>

#include <gtest/gtest.h>

#include "index/synthetic_embeddings.h"
#include "support/test_support.h"

namespace facetrace::bench {
namespace {

// A 4-D model with known covariances: people spread 0.4 along the first two axes and 0.1
// along the others; photos of one person spread 0.05 along every axis.
EmbeddingModel Known() {
  EmbeddingModel m;
  m.dim = 4;
  m.mean = {0.5f, -0.2f, 0.1f, 0.0f};
  m.between.assign(16, 0.0f);
  m.within.assign(16, 0.0f);
  for (int i = 0; i < 4; ++i) {
    m.between[static_cast<size_t>(i * 4 + i)] = i < 2 ? 0.4f : 0.1f;
    m.within[static_cast<size_t>(i * 4 + i)] = 0.05f;
  }
  return m;
}

// Variance of axis `i` under a factor F (F F^T).
double Variance(const std::vector<float>& factor, int dim, int i) {
  double v = 0;
  for (int k = 0; k < dim; ++k) v += std::pow(factor[static_cast<size_t>(i * dim + k)], 2);
  return v;
}

std::vector<LabelledEmbedding> Labelled(const SyntheticGallery& g) {
  std::vector<LabelledEmbedding> faces;
  for (int64_t i = 0; i < g.size(); ++i) {
    const float* row = g.vectors.data() + i * g.dim;
    faces.push_back({"set/" + std::to_string(g.identities[static_cast<size_t>(i)]),
                     std::vector<float>(row, row + g.dim)});
  }
  return faces;
}

TEST(EmbeddingModelTest, FitRecoversTheCovariancesItWasDrawnFrom) {
  SyntheticOptions options;
  options.faces = 40000;
  options.model = std::make_shared<const EmbeddingModel>(Known());
  const SyntheticGallery g = MakeGallery(options);
  ASSERT_EQ(g.dim, 4);
  const EmbeddingModel fitted = FitEmbeddingModel(Labelled(g));
  EXPECT_EQ(fitted.faces, 40000);
  for (int i = 0; i < 4; ++i) {
    const double between = i < 2 ? 0.16 : 0.01;
    EXPECT_NEAR(Variance(fitted.between, 4, i), between, 0.1 * between) << "axis " << i;
    EXPECT_NEAR(Variance(fitted.within, 4, i), 0.0025, 0.00025) << "axis " << i;
    EXPECT_NEAR(fitted.mean[static_cast<size_t>(i)], Known().mean[static_cast<size_t>(i)], 0.02);
  }
  // Same person: sqrt(2 * 4) * 0.05 = 0.14 apart; strangers much further.
  const DistanceCheck d = CheckDistances(MakeGallery(options), 5000, 3);
  EXPECT_NEAR(d.SameMedian(), 0.13, 0.03);
  EXPECT_GT(d.DifferentMedian(), 0.5);
}

TEST(EmbeddingModelTest, RoundTripsThroughItsFileAndRefusesOthers) {
  testing::ScratchDir dir;
  const EmbeddingModel m = Known();
  std::ofstream(dir / "m.json") << ToJson(m).dump();
  const EmbeddingModel back = LoadEmbeddingModel(dir / "m.json");
  EXPECT_EQ(back.dim, 4);
  EXPECT_EQ(back.between, m.between);
  EXPECT_EQ(back.mean, m.mean);
  nlohmann::json broken = ToJson(m);
  broken["within"].erase(0);
  EXPECT_THROW(EmbeddingModelFromJson(broken), std::runtime_error);
  EXPECT_THROW(LoadEmbeddingModel(dir / "absent.json"), std::runtime_error);
  EXPECT_THROW(FitEmbeddingModel({{"a/x", {0.1f, 0.2f}}, {"a/x", {0.1f, 0.3f}}}),
               std::runtime_error);  // one identity: no spread of people to fit
}

TEST(EmbeddingModelTest, ReadsTheLargestFaceOfEachPhotoOfEmbedOutput) {
  testing::ScratchDir dir;
  testing::WriteFile(
      dir / "e.jsonl",
      R"({"image":"/d/set_a/ann/1.jpg","error":null,"faces":[{"embedding":[1,2]},{"embedding":[3,4]}]})"
      "\n"
      R"({"image":"/d/set_a/ann/2.jpg","error":"corrupt","faces":[]})"
      "\n"
      R"({"image":"/d/set_b/ann/1.jpg","error":null,"faces":[{"embedding":[5,6]}]})"
      "\n");
  const auto faces = ReadEmbedOutput(dir / "e.jsonl");
  ASSERT_EQ(faces.size(), 2u);
  EXPECT_EQ(faces[0].identity, "set_a/ann");
  EXPECT_EQ(faces[0].embedding, (std::vector<float>{1, 2}));
  EXPECT_EQ(faces[1].identity, "set_b/ann");  // another set's "ann" is another person
  testing::WriteFile(dir / "bad.jsonl", "{\"image\": 3}\n");
  EXPECT_THROW(ReadEmbedOutput(dir / "bad.jsonl"), std::runtime_error);
}

}  // namespace
}  // namespace facetrace::bench
