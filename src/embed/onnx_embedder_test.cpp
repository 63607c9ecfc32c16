#include "embed/onnx_embedder.h"

#include <cmath>
#include <functional>
#include <numeric>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/model_paths.h"
#include "detect/face_detector.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

OnnxEmbedderConfig ConfigFor(const std::filesystem::path& model, int dim = 512) {
  return ParseOnnxEmbedderConfig(
      {{"model_id", "test_model"}, {"model", model.string()}, {"output_dim", dim}}, "/",
      "test.json");
}

// Model-independent: what goes wrong before or around the network.
TEST(OnnxEmbedderErrors, MissingCorruptAndWrongModelsAreTypedErrors) {
  testing::ScratchDir dir;
  EXPECT_EQ(testing::ThrownError([&] { OnnxEmbedder e(ConfigFor(dir / "none.onnx")); }).code(),
            ErrorCode::kModelMissing);
  testing::WriteFile(dir / "junk.onnx", std::string(2000, 'x'));
  EXPECT_EQ(testing::ThrownError([&] { OnnxEmbedder e(ConfigFor(dir / "junk.onnx")); }).code(),
            ErrorCode::kModelInvalid);
  // A valid ONNX file that is not a recognition model (YuNet, a detector): it loads, and the
  // first embedding reports that its output is not output_dim values per face.
  const auto yunet = ModelPaths::Resolve().Require(ModelFiles::kYunet);
  EXPECT_EQ(testing::ThrownError([&] { OnnxEmbedder e(ConfigFor(yunet), {.jitters = 2}); }).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      testing::ThrownError([&] { OnnxEmbedder e(ConfigFor(yunet), {.batch_size = 0}); }).code(),
      ErrorCode::kInvalidArgument);
  OnnxEmbedder detector_as_embedder(ConfigFor(yunet));
  EXPECT_EQ(detector_as_embedder.info().model_id, "test_model");
  EXPECT_EQ(detector_as_embedder.info().dim, 512);
  const cv::Mat image(200, 200, CV_8UC3, cv::Scalar::all(128));
  const Landmarks lm = {Point2f{70, 80}, Point2f{130, 80}, Point2f{100, 110}, Point2f{75, 140},
                        Point2f{125, 140}};
  EXPECT_TRUE(detector_as_embedder.Embed(image, {}).empty());
  EXPECT_EQ(testing::ThrownError([&] {
              detector_as_embedder.Embed(image, {FaceToEmbed{{}, lm}});
            }).code(),
            ErrorCode::kModelInvalid);
}

TEST(OnnxEmbedderErrors, DescribeNeedsNoModelFile) {
  const EmbedderInfo info =
      OnnxEmbedder::Describe(ConfigFor("/nowhere.onnx", 256), {.flip_fusion = false});
  EXPECT_EQ(info.model_id, "test_model-noflip");
  EXPECT_EQ(info.dim, 256);
  EXPECT_NEAR(info.match_distance, std::sqrt(1.4f), 1e-6f);
}

TEST(OnnxEmbedderErrors, AlignedChipFollowsTheTemplate) {
  const auto yunet = ModelPaths::Resolve().Require(ModelFiles::kYunet);
  const OnnxEmbedder e(ConfigFor(yunet));
  cv::Mat image(300, 300, CV_8UC3, cv::Scalar::all(0));
  const Landmarks lm = ArcFaceTemplate112().points;                    // already at template scale
  cv::rectangle(image, {0, 0}, {56, 300}, cv::Scalar(255, 0, 0), -1);  // blue left half
  const cv::Mat chip = e.AlignedChip(image, lm);
  EXPECT_EQ(chip.size(), cv::Size(112, 112));
  EXPECT_GT(chip.at<cv::Vec3b>(56, 20)[0], 200);  // left stays blue (BGR kept)
  EXPECT_LT(chip.at<cv::Vec3b>(56, 100)[0], 50);
}

// With the optional faceplugin model (scripts/setup --with-faceplugin).
class FacepluginEmbedderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto config = ModelPaths::Resolve().directory() / "faceplugin_mfn.json";
    if (!std::filesystem::exists(config)) {
      GTEST_SKIP() << "optional model absent: run scripts/setup --with-faceplugin to install "
                   << config.string();
    }
    config_ = LoadOnnxEmbedderConfig(config);
  }

  // The main face of a dataset photo, as the pipeline gives it to an embedder.
  static std::pair<cv::Mat, Landmarks> FaceOf(const std::string& relative) {
    static auto detector = CreateFaceDetector("yunet", ModelPaths::Resolve());
    cv::Mat image = cv::imread(testing::DatasetFile(relative).string());
    const auto detections = detector->Detect(image);
    EXPECT_FALSE(detections.empty()) << relative;
    return {image, detections.empty() ? Landmarks{} : detections.front().landmarks};
  }

  OnnxEmbedderConfig config_;
};

TEST_F(FacepluginEmbedderTest, SamePersonIsCloserThanDifferentPeople) {
  OnnxEmbedder embedder(config_, {.flip_fusion = false});
  EXPECT_EQ(embedder.info().dim, 512);
  auto embed = [&](const std::string& f) {
    const auto [image, lm] = FaceOf(f);
    return embedder.Embed(image, {FaceToEmbed{{}, lm}}).at(0);
  };
  const Embedding a = embed("celeb5_kaggle/ben_afflek/test_ben.jpg");
  const Embedding b = embed("celeb5_kaggle/ben_afflek/train_httpcsvkmeuaeccjpg.jpg");
  const Embedding c = embed("celeb5_kaggle/elton_john/test_ej.jpg");
  EXPECT_NEAR(std::sqrt(std::inner_product(a.begin(), a.end(), a.begin(), 0.0)), 1.0, 1e-5);
  EXPECT_LT(EmbeddingDistance(a, b), embedder.info().match_distance);
  EXPECT_GT(EmbeddingDistance(a, c), embedder.info().match_distance);
}

TEST_F(FacepluginEmbedderTest, BatchingAndFlipFusion) {
  OnnxEmbedder plain(config_, {.flip_fusion = false, .batch_size = 2});
  OnnxEmbedder fused(config_, {.flip_fusion = true});
  const auto [image, lm] = FaceOf("dlib_johns/John_Savage/000264_01099001.jpg");
  const auto three =
      plain.Embed(image, {FaceToEmbed{{}, lm}, FaceToEmbed{{}, lm}, FaceToEmbed{{}, lm}});
  ASSERT_EQ(three.size(), 3u);  // two batches
  EXPECT_LT(EmbeddingDistance(three[0], three[2]), 1e-5f);
  EXPECT_EQ(fused.info().model_id, config_.model_id);
  EXPECT_EQ(plain.info().model_id, config_.model_id + "-noflip");
  // An aligned chip given with the template's own landmarks is warped by the identity, so
  // the chip and its mirror can be embedded on their own: flip fusion is their normalised mean.
  const Landmarks on_template = config_.alignment.points;
  const cv::Mat chip = plain.AlignedChip(image, lm);
  cv::Mat mirror;
  cv::flip(chip, mirror, 1);
  const Embedding a = plain.Embed(chip, {FaceToEmbed{{}, on_template}}).at(0);
  const Embedding b = plain.Embed(mirror, {FaceToEmbed{{}, on_template}}).at(0);
  Embedding mean(a.size());
  for (size_t d = 0; d < mean.size(); ++d) mean[d] = (a[d] + b[d]) / 2;
  NormalizeL2(mean);
  const Embedding both = fused.Embed(chip, {FaceToEmbed{{}, on_template}}).at(0);
  EXPECT_LT(EmbeddingDistance(mean, both), 1e-4f);
  EXPECT_GT(EmbeddingDistance(a, both), 1e-3f);
}

}  // namespace
}  // namespace facetrace
