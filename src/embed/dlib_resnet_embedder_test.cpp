#include "embed/dlib_resnet_embedder.h"

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
    embedder_ = new DlibResnetEmbedder(ModelPaths::Resolve().Require(ModelFiles::kResnet),
                                       {.flip_fusion = false, .batch_size = 16});
  }
  static void TearDownTestSuite() { delete embedder_; }
  static DlibResnetEmbedder* embedder_;
};
DlibResnetEmbedder* FaceEmbedderTest::embedder_ = nullptr;

TEST_F(FaceEmbedderTest, SamePersonIsCloserThanDifferentPeople) {
  const std::vector<FaceChip> chips = {ChipOf("dlib_johns/John_Savage/000264_01099001.jpg"),
                                       ChipOf("dlib_johns/John_Savage/000290_01099067.jpg"),
                                       ChipOf("dlib_johns/John_Salley/000179_02159509.jpg")};
  const auto e = embedder_->EmbedChips(chips);
  ASSERT_EQ(e.size(), 3u);
  for (const auto& v : e) ASSERT_EQ(v.size(), static_cast<size_t>(embedder_->info().dim));
  const float same = EmbeddingDistance(e[0], e[1]);
  const float different = EmbeddingDistance(e[0], e[2]);
  EXPECT_LT(same, 0.6f);
  EXPECT_GT(different, 0.6f);
}

TEST_F(FaceEmbedderTest, BatchingDoesNotChangeResults) {
  const std::vector<FaceChip> chips = {ChipOf("dlib_johns/John_Salley/000179_02159509.jpg"),
                                       ChipOf("dlib_johns/John_Savage/000264_01099001.jpg")};
  const auto together = embedder_->EmbedChips(chips);
  const auto alone = embedder_->EmbedChips({chips[1]});
  EXPECT_LT(EmbeddingDistance(together[1], alone[0]), 1e-4f);
  EXPECT_TRUE(embedder_->EmbedChips({}).empty());
  // Through the interface: the chip is what this model reads, the image is not needed.
  const auto via_interface = embedder_->Embed(cv::Mat(), {FaceToEmbed{chips[1], {}}});
  EXPECT_LT(EmbeddingDistance(via_interface[0], alone[0]), 1e-6f);
}

TEST_F(FaceEmbedderTest, ModelIdAndDimDescribeTheEmbeddings) {
  EXPECT_EQ(embedder_->info().model_id, "dlib_resnet_v1-noflip");
  EXPECT_EQ(embedder_->info().dim, 128);
  EXPECT_FLOAT_EQ(embedder_->info().match_distance, 0.6f);
  // The default (flip-fused) keeps the id catalogs and the shipped calibration use.
  EXPECT_EQ(DlibResnetEmbedder::Describe({}).model_id, "dlib_resnet_v1");
  EXPECT_EQ(DlibResnetEmbedder::Describe({.jitters = 5}).model_id, "dlib_resnet_v1-jitter5");
}

TEST_F(FaceEmbedderTest, FlipFusionAveragesWithTheMirrorImage) {
  DlibResnetEmbedder fused(ModelPaths::Resolve().Require(ModelFiles::kResnet),
                           {.flip_fusion = true});
  const FaceChip chip = ChipOf("dlib_johns/John_Savage/000264_01099001.jpg");
  const auto plain = embedder_->EmbedChips({chip, dlib::fliplr(chip)});
  const auto both = fused.EmbedChips({chip});
  for (size_t i = 0; i < both[0].size(); ++i) {
    EXPECT_NEAR(both[0][i], (plain[0][i] + plain[1][i]) / 2, 1e-5f);
  }
}

TEST_F(FaceEmbedderTest, JitterFusionIsDeterministicAndStaysNearThePlainEmbedding) {
  DlibResnetEmbedder jittered(ModelPaths::Resolve().Require(ModelFiles::kResnet),
                              {.flip_fusion = false, .jitters = 3});
  const FaceChip chip = ChipOf("dlib_johns/John_Savage/000264_01099001.jpg");
  const auto once = jittered.EmbedChips({chip});
  const auto again =
      jittered.EmbedChips({ChipOf("dlib_johns/John_Salley/000179_02159509.jpg"), chip});
  EXPECT_LT(EmbeddingDistance(once[0], again[1]), 1e-6f);  // same jitters whatever the batch
  const auto plain = embedder_->EmbedChips({chip});
  const float moved = EmbeddingDistance(once[0], plain[0]);
  EXPECT_GT(moved, 1e-4f);  // the jittered copies did change the mean
  EXPECT_LT(moved, 0.2f);   // but it is still the same face
}

TEST(FaceEmbedderErrors, CorruptModelAndBadBatchSize) {
  testing::ScratchDir dir;
  testing::WriteFile(dir / "net.dat", std::string(1000, 'x'));
  try {
    DlibResnetEmbedder e(dir / "net.dat");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kModelInvalid);
  }
  const auto resnet = ModelPaths::Resolve().Require(ModelFiles::kResnet);
  EXPECT_THROW(DlibResnetEmbedder(resnet, {.batch_size = 0}), Error);
  EXPECT_THROW(DlibResnetEmbedder(resnet, {.jitters = -1}), Error);
}

}  // namespace
}  // namespace facetrace
