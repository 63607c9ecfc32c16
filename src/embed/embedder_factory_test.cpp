#include "embed/embedder_factory.h"

#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "embed/dlib_resnet_embedder.h"
#include "embed/fused_embedder.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

// A model folder holding the real models plus an ONNX config whose network is YuNet (enough
// to exercise loading; it is not a recognition model).
class EmbedderFactoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ModelPaths real = ModelPaths::Resolve();
    for (const char* f : {ModelFiles::kResnet, ModelFiles::kYunet}) {
      std::filesystem::create_symlink(std::filesystem::absolute(real.Require(f)), dir_ / f);
    }
    testing::WriteFile(dir_ / "toy.json",
                       R"({"model_id": "toy", "model": "yunet_n_640_640.onnx",
                           "output_dim": 64, "metric": "euclidean", "threshold": 2.0})");
  }
  testing::ScratchDir dir_;
  ModelPaths models() const { return ModelPaths(dir_.path()); }
};

TEST_F(EmbedderFactoryTest, DlibIsTheDefault) {
  EXPECT_STREQ(kDefaultEmbedder, "dlib");
  const auto e = CreateFaceEmbedder("dlib", models(), {.flip_fusion = false});
  EXPECT_EQ(e->info().model_id, "dlib_resnet_v1-noflip");
  EXPECT_EQ(e->info().dim, 128);
  EXPECT_EQ(DescribeFaceEmbedder("dlib", models()).model_id, "dlib_resnet_v1");
}

TEST_F(EmbedderFactoryTest, ConfigsByPathOrByNameInTheModelFolder) {
  for (const std::string& spec :
       {(dir_ / "toy.json").string(), std::string("toy.json"), std::string("toy")}) {
    const EmbedderInfo info = DescribeFaceEmbedder(spec, models());
    EXPECT_EQ(info.model_id, "toy") << spec;
    EXPECT_EQ(info.dim, 64);
    EXPECT_FLOAT_EQ(info.match_distance, 2.0f);
    EXPECT_EQ(CreateFaceEmbedder(spec, models())->info().model_id, "toy");
  }
}

TEST_F(EmbedderFactoryTest, PlusJoinsModelsIntoAFusion) {
  const EmbedderInfo info = DescribeFaceEmbedder("dlib+toy", models(), {.jitters = 3});
  EXPECT_EQ(info.model_id, "dlib_resnet_v1-jitter3+toy");  // jitter is dlib's only
  EXPECT_EQ(info.dim, 128 + 64);
  EXPECT_NEAR(info.match_distance, std::sqrt(2.0f), 1e-6f);
  EXPECT_EQ(CreateFaceEmbedder("dlib+toy", models())->info().dim, 192);
}

TEST_F(EmbedderFactoryTest, BadSpecsAreTypedErrors) {
  EXPECT_EQ(testing::ThrownError([&] { DescribeFaceEmbedder("nothing", models()); }).code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(testing::ThrownError([&] { DescribeFaceEmbedder("dlib++toy", models()); }).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(testing::ThrownError([&] { DescribeFaceEmbedder("", models()); }).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      testing::ThrownError([&] { CreateFaceEmbedder("toy", models(), {.jitters = 2}); }).code(),
      ErrorCode::kInvalidArgument);
  testing::WriteFile(dir_ / "bad.json", R"({"model_id": "bad"})");
  EXPECT_EQ(testing::ThrownError([&] { CreateFaceEmbedder("bad", models()); }).code(),
            ErrorCode::kInvalidArgument);
}

TEST(FusedEmbedderTest, ConcatenatesEmbeddingsInUnitsOfEachModelsMatchDistance) {
  const auto resnet = ModelPaths::Resolve().Require(ModelFiles::kResnet);
  std::vector<std::unique_ptr<FaceEmbedder>> parts;
  parts.push_back(std::make_unique<DlibResnetEmbedder>(resnet, EmbedderOptions{}));
  parts.push_back(
      std::make_unique<DlibResnetEmbedder>(resnet, EmbedderOptions{.flip_fusion = false}));
  FusedEmbedder fused(std::move(parts));
  EXPECT_EQ(fused.info().model_id, "dlib_resnet_v1+dlib_resnet_v1-noflip");
  EXPECT_EQ(fused.info().dim, 256);

  DlibResnetEmbedder flip(resnet), plain(resnet, {.flip_fusion = false});
  const cv::Mat photo =
      cv::imread(testing::DatasetFile("dlib_johns/John_Savage/000264_01099001.jpg").string());
  const FaceAligner aligner(ModelPaths::Resolve().Require(ModelFiles::kShapePredictor5));
  Detection centre;  // the photo is a 150x150 dlib chip already: the face fills the centre
  centre.box = {25, 25, 100, 100};
  FaceToEmbed face{aligner.Align(photo, centre).chip, {}};
  const Embedding f = fused.Embed(photo, {face}).at(0);
  const Embedding a = flip.Embed(photo, {face}).at(0), b = plain.Embed(photo, {face}).at(0);
  ASSERT_EQ(f.size(), 256u);
  EXPECT_NEAR(f[3], a[3] / 0.6f, 1e-5f);
  EXPECT_NEAR(f[128 + 3], b[3] / 0.6f, 1e-5f);
  EXPECT_THROW(FusedEmbedder({}), Error);
}

}  // namespace
}  // namespace facetrace
