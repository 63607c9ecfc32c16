#include "embed/face_embedder.h"

#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "core/model_paths.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

// dlib_johns photos are 150x150 chips already aligned by dlib: align them with a fixed centre
// box so this test exercises only the embedder.
FaceChip ChipOf(const std::string& relative) {
  static const FaceAligner aligner(ModelPaths::Resolve().Require(ModelFiles::kShapePredictor5));
  const cv::Mat image = cv::imread(testing::DatasetFile(relative).string());
  Detection d;
  d.box = {25, 25, 100, 100};
  return aligner.Align(image, d).chip;
}

class FaceEmbedderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    embedder_ = new FaceEmbedder(ModelPaths::Resolve().Require(ModelFiles::kResnet),
                                 {.flip_fusion = false, .batch_size = 16});
  }
  static void TearDownTestSuite() { delete embedder_; }
  static FaceEmbedder* embedder_;
};
FaceEmbedder* FaceEmbedderTest::embedder_ = nullptr;

TEST_F(FaceEmbedderTest, SamePersonIsCloserThanDifferentPeople) {
  const std::vector<FaceChip> chips = {ChipOf("dlib_johns/John_Savage/000264_01099001.jpg"),
                                       ChipOf("dlib_johns/John_Savage/000290_01099067.jpg"),
                                       ChipOf("dlib_johns/John_Salley/000179_02159509.jpg")};
  const auto e = embedder_->Embed(chips);
  ASSERT_EQ(e.size(), 3u);
  for (const auto& v : e) ASSERT_EQ(v.size(), static_cast<size_t>(kEmbeddingDim));
  const float same = EmbeddingDistance(e[0], e[1]);
  const float different = EmbeddingDistance(e[0], e[2]);
  EXPECT_LT(same, 0.6f);
  EXPECT_GT(different, 0.6f);
}

TEST_F(FaceEmbedderTest, BatchingDoesNotChangeResults) {
  const std::vector<FaceChip> chips = {ChipOf("dlib_johns/John_Salley/000179_02159509.jpg"),
                                       ChipOf("dlib_johns/John_Savage/000264_01099001.jpg")};
  const auto together = embedder_->Embed(chips);
  const auto alone = embedder_->Embed({chips[1]});
  EXPECT_LT(EmbeddingDistance(together[1], alone[0]), 1e-4f);
  EXPECT_TRUE(embedder_->Embed({}).empty());
}

TEST_F(FaceEmbedderTest, FlipFusionAveragesWithTheMirrorImage) {
  FaceEmbedder fused(ModelPaths::Resolve().Require(ModelFiles::kResnet), {.flip_fusion = true});
  const FaceChip chip = ChipOf("dlib_johns/John_Savage/000264_01099001.jpg");
  const auto plain = embedder_->Embed({chip, dlib::fliplr(chip)});
  const auto both = fused.Embed({chip});
  for (int i = 0; i < kEmbeddingDim; ++i) {
    EXPECT_NEAR(both[0][i], (plain[0][i] + plain[1][i]) / 2, 1e-5f);
  }
}

TEST(FaceEmbedderErrors, CorruptModelAndBadBatchSize) {
  testing::ScratchDir dir;
  testing::WriteFile(dir / "net.dat", std::string(1000, 'x'));
  try {
    FaceEmbedder e(dir / "net.dat");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kModelInvalid);
  }
  EXPECT_THROW(FaceEmbedder(ModelPaths::Resolve().Require(ModelFiles::kResnet), {.batch_size = 0}),
               Error);
}

TEST(EmbeddingDistanceTest, EuclideanAndLengthChecked) {
  EXPECT_FLOAT_EQ(EmbeddingDistance({0, 0}, {3, 4}), 5.0f);
  EXPECT_THROW(EmbeddingDistance({0}, {1, 2}), Error);
}

}  // namespace
}  // namespace facetrace
