#include "pipeline/image_batch.h"

#include <gtest/gtest.h>
#include <omp.h>
#include <opencv2/core/utility.hpp>

#include "pipeline/compute_threads.h"
#include "pipeline/result_json.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

TEST(ProcessImagesTest, ResultsInOrderWithErrorsInPlace) {
  testing::ScratchDir dir;
  testing::WriteFile(dir / "empty.jpg", "");
  const std::vector<std::filesystem::path> paths = {
      testing::DatasetFile("dlib_johns/John_Salley/000179_02159509.jpg"), dir / "empty.jpg",
      testing::DatasetFile("detection_dlib_faces/bald_guys.jpg")};
  std::vector<ImageResult> results;
  const StageTimings timings =
      ProcessImages(paths, BatchOptions{.threads = 2, .pipeline = {}},
                    [&](ImageResult&& r) { results.push_back(std::move(r)); });
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[0].faces.size(), 1u);
  EXPECT_EQ(results[0].width, 150);
  EXPECT_FALSE(results[1].ok());
  EXPECT_EQ(*results[1].error_code, ErrorCode::kEmptyFile);
  EXPECT_NE(results[1].error.find("empty.jpg"), std::string::npos);
  EXPECT_GE(results[2].faces.size(), 5u);
  for (size_t i = 1; i < results[2].faces.size(); ++i) {
    EXPECT_GE(results[2].faces[i - 1].detection.box.area(),
              results[2].faces[i].detection.box.area());
  }
  EXPECT_GT(timings.decode, 0.0);
  EXPECT_GT(timings.embed, 0.0);

  const auto json = EmbedResultToJson(results[0]);
  EXPECT_EQ(json["faces"][0]["embedding"].size(), 128u);
  EXPECT_EQ(json["image"], paths[0].string());
  EXPECT_TRUE(json["error"].is_null());
  EXPECT_EQ(DetectResultToJson(results[1])["error"], results[1].error);
  EXPECT_FALSE(DetectResultToJson(results[0])["faces"][0].contains("embedding"));
}

TEST(ComputeThreadsTest, SingleThreadLibrariesWhileWorkersRunThenRestore) {
  EXPECT_EQ(ResolveThreadCount(3), 3);
  EXPECT_GE(ResolveThreadCount(0), 1);
  const int before = cv::getNumThreads();
  omp_set_num_threads(2);
  {
    const ComputeThreadsScope scope(2);
    EXPECT_EQ(cv::getNumThreads(), 1);
    EXPECT_EQ(omp_get_max_threads(), 1);
  }
  EXPECT_EQ(cv::getNumThreads(), before);
  EXPECT_EQ(omp_get_max_threads(), 2);
  {
    const ComputeThreadsScope scope(1);  // one worker: libraries keep every core
    EXPECT_EQ(cv::getNumThreads(), before);
    EXPECT_EQ(omp_get_max_threads(), 2);
  }
}

TEST(JsonLineTest, InvalidUtf8IsReplacedNotFatal) {
  const std::string line = JsonLine({{"image", std::string("caf\xe9.jpg")}});
  EXPECT_NE(line.find("caf"), std::string::npos);
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace facetrace
