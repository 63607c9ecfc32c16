#include "pipeline/enroller.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "embed/face_embedder.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

std::vector<EnrollItem> JohnItems(size_t per_identity) {
  std::vector<EnrollItem> items;
  for (const char* who : {"John_Salley", "John_Savage"}) {
    const auto files =
        testing::SortedImages(testing::DatasetFile(std::string("dlib_johns/") + who));
    for (size_t i = 0; i < per_identity; ++i)
      items.push_back({who, files[i], {{"team", "johns"}}, "test"});
  }
  return items;
}

TEST(EnrollerTest, FaceRecordCarriesTheFaceAndTheModel) {
  Face face;
  face.detection.box = {1, 2, 30, 40};
  face.detection.score = 0.9f;
  face.detection.landmarks[0] = {5, 6};
  face.quality = 0.7f;
  face.embedding = Embedding(kEmbeddingDim, 0.25f);
  const FaceRecord record = ToFaceRecord(face, 42);
  EXPECT_EQ(record.identity_id, 42);
  EXPECT_EQ(record.box.height, 40);
  EXPECT_EQ(record.landmarks[0].y, 6);
  EXPECT_FLOAT_EQ(record.detector_score, 0.9f);
  EXPECT_FLOAT_EQ(record.quality, 0.7f);
  EXPECT_EQ(record.model_id, FaceEmbedder::kModelId);
  EXPECT_EQ(record.embedding, face.embedding);
}

TEST(EnrollerTest, EnrollsReportsAndSkipsWhatIsThere) {
  testing::ScratchDir dir;
  auto gallery = Gallery::Open(dir / "g.db");
  std::vector<EnrollItem> items = JohnItems(3);
  items.push_back({"ghost", dir / "missing.jpg", {}, "test"});
  items.push_back(items.front());  // the same photo twice in one run

  std::vector<EnrollStatus> statuses;
  size_t last_progress = 0;
  EnrollOptions options;
  options.threads = 2;
  options.on_item = [&](const EnrollItem&, const EnrollOutcome& o) {
    statuses.push_back(o.status);
  };
  options.on_progress = [&](const EnrollProgress& p) {
    EXPECT_EQ(p.done, last_progress + 1);
    last_progress = p.done;
  };
  const EnrollSummary first = Enroll(*gallery, items, options);
  EXPECT_EQ(first.enrolled, 6u);
  EXPECT_EQ(first.failed, 1u);
  EXPECT_EQ(first.already_present, 1u);
  EXPECT_EQ(statuses.size(), items.size());
  EXPECT_EQ(statuses[6], EnrollStatus::kFailed);
  EXPECT_EQ(last_progress, items.size());
  EXPECT_GT(first.stages.embed, 0.0);
  EXPECT_GT(first.stages.detect, 0.0);

  const auto identity = gallery->catalog().FindIdentity("John_Savage");
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->metadata["team"], "johns");
  EXPECT_EQ(gallery->index().size(), 6);

  last_progress = 0;
  const EnrollSummary again = Enroll(*gallery, items, options);
  EXPECT_EQ(again.enrolled, 0u);
  EXPECT_EQ(again.already_present, 7u);
  EXPECT_EQ(gallery->catalog().Stats().images, 6);
}

TEST(EnrollerTest, MissingModelsFailTheRunNotEachImage) {
  testing::ScratchDir dir;
  auto gallery = Gallery::Open(dir / "g.db");
  EnrollOptions options;
  options.pipeline.model_dir = dir / "no-models";
  EXPECT_THROW(Enroll(*gallery, JohnItems(1), options), Error);
}

}  // namespace
}  // namespace facetrace
