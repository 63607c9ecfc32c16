#include "pipeline/enroller.h"

#include <chrono>
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "embed/face_embedder.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

namespace fs = std::filesystem;

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
  face.embedding = Embedding(128, 0.25f);
  const FaceRecord record = ToFaceRecord(face, 42, "some_model_v1");
  EXPECT_EQ(record.identity_id, 42);
  EXPECT_EQ(record.box.height, 40);
  EXPECT_EQ(record.landmarks[0].y, 6);
  EXPECT_FLOAT_EQ(record.detector_score, 0.9f);
  EXPECT_FLOAT_EQ(record.quality, 0.7f);
  EXPECT_EQ(record.model_id, "some_model_v1");
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
  EXPECT_EQ(again.unchanged, 7u);  // every file seen before; the missing one is tried again
  EXPECT_EQ(again.failed, 1u);
  EXPECT_EQ(gallery->catalog().Stats().images, 6);
}

// A copy of `from` at `to` with the same modification time, so the copy's stamp is the
// original's but for the path.
void CopyWithTime(const fs::path& from, const fs::path& to) {
  fs::create_directories(to.parent_path());
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  fs::last_write_time(to, fs::last_write_time(from));
}

TEST(EnrollerTest, AResumedRunSkipsSeenFilesUnreadAndReadsChangedOnes) {
  testing::ScratchDir dir;
  auto gallery = Gallery::Open(dir / "g.db");
  std::vector<EnrollItem> items;
  const auto johns = JohnItems(2);
  for (size_t i = 0; i < johns.size(); ++i) {
    const fs::path copy = dir / "photos" / johns[i].identity / johns[i].image.filename();
    CopyWithTime(johns[i].image, copy);
    items.push_back({johns[i].identity, copy, {}, "test"});
  }
  const fs::path blank = dir / "photos" / "nobody" / "wall.png";
  fs::create_directories(blank.parent_path());
  ASSERT_TRUE(cv::imwrite(blank.string(), cv::Mat(480, 640, CV_8UC3, cv::Scalar(90, 120, 150))));
  items.push_back({"nobody", blank, {}, "test"});
  EnrollOptions options;
  options.threads = 2;
  const EnrollSummary first = Enroll(*gallery, items, options);
  ASSERT_EQ(first.enrolled, 4u);
  ASSERT_EQ(first.no_face, 1u);
  EXPECT_EQ(first.unchanged, 0u);

  // Unchanged files are not read: one overwritten with garbage of the same size, its time put
  // back, still counts as enrolled, and the no-face photo is not detected again.
  const fs::path tampered = items[0].image;
  const auto stamp = fs::last_write_time(tampered);
  const auto size = fs::file_size(tampered);
  testing::WriteFile(tampered, std::string(size, 'x'));
  fs::last_write_time(tampered, stamp);
  std::vector<EnrollOutcome> outcomes;
  options.on_item = [&](const EnrollItem&, const EnrollOutcome& o) { outcomes.push_back(o); };
  const EnrollSummary resumed = Enroll(*gallery, items, options);
  EXPECT_EQ(resumed.already_present, 4u);
  EXPECT_EQ(resumed.no_face, 1u);
  EXPECT_EQ(resumed.unchanged, 5u);
  EXPECT_EQ(resumed.failed, 0u);
  EXPECT_EQ(resumed.stages.detect, 0.0);
  ASSERT_EQ(outcomes.size(), 5u);
  EXPECT_NE(outcomes[4].error.find("not read again"), std::string::npos) << outcomes[4].error;

  // Other detection settings search the faceless photo again; the photos stay skipped.
  PipelineOptions smaller = options.pipeline;
  smaller.detector_options.min_face_size = 16;
  EnrollOptions other = options;
  other.pipeline = smaller;
  other.on_item = nullptr;
  const EnrollSummary redetected = Enroll(*gallery, items, other);
  EXPECT_EQ(redetected.no_face, 1u);
  EXPECT_EQ(redetected.unchanged, 4u);
  EXPECT_GT(redetected.stages.detect, 0.0);

  // A changed stamp makes the file read again: the garbage now fails, and a touched photo is
  // found by its bytes. (The faceless photo is searched again too: its record now names the
  // smaller minimum face.)
  fs::last_write_time(tampered, stamp + std::chrono::seconds(5));
  fs::last_write_time(items[1].image, stamp + std::chrono::seconds(5));
  outcomes.clear();
  const EnrollSummary changed = Enroll(*gallery, items, options);
  EXPECT_EQ(changed.failed, 1u);
  EXPECT_EQ(changed.already_present, 3u);
  EXPECT_EQ(changed.unchanged, 2u);
  EXPECT_FALSE(outcomes[1].unchanged);
  EXPECT_EQ(outcomes[1].status, EnrollStatus::kAlreadyPresent);

  // A photo removed from the catalog is enrolled again from its unchanged file.
  ASSERT_EQ(gallery->RemoveIdentity(items[2].identity), 2);
  const EnrollSummary again = Enroll(*gallery, items, options);
  EXPECT_EQ(again.enrolled, 2u);
  EXPECT_EQ(gallery->catalog().Stats().images, 4);
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
