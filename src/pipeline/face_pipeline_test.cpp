#include "pipeline/face_pipeline.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "support/test_support.h"

namespace facetrace {
namespace {

cv::Mat GroupPhoto() {
  return cv::imread(testing::DatasetFile("detection_dlib_faces/bald_guys.jpg").string());
}

TEST(FacePipelineTest, EveryFaceLargestFirstAndCounted) {
  FacePipeline pipeline(PipelineOptions{});
  const std::vector<Face> faces = pipeline.ProcessImage(GroupPhoto());
  ASSERT_GE(faces.size(), 5u);
  for (size_t i = 1; i < faces.size(); ++i) {
    EXPECT_GE(faces[i - 1].detection.box.area(), faces[i].detection.box.area());
  }
  for (const Face& face : faces) EXPECT_EQ(face.embedding.size(), 128u);
  EXPECT_EQ(pipeline.timings().faces, faces.size());
  EXPECT_GT(pipeline.timings().detect, 0.0);
  EXPECT_GT(pipeline.timings().embed, 0.0);
}

TEST(FacePipelineTest, LargestFaceSearchEmbedsOnlyTheLargest) {
  FacePipeline every(PipelineOptions{});
  const std::vector<Face> all = every.ProcessImage(GroupPhoto());
  ASSERT_GE(all.size(), 2u);

  PipelineOptions options;
  options.detector_options.search = FaceSearch::kLargestFace;
  FacePipeline largest(options);
  const std::vector<Face> one = largest.ProcessImage(GroupPhoto());
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(largest.timings().faces, 1u);
  // The same face as the all-faces search ranks first, so enroll keeps what it kept before.
  EXPECT_FLOAT_EQ(one[0].detection.box.x, all[0].detection.box.x);
  EXPECT_FLOAT_EQ(one[0].detection.box.y, all[0].detection.box.y);
  EXPECT_FLOAT_EQ(one[0].detection.box.area(), all[0].detection.box.area());
  EXPECT_LT(cv::norm(cv::Mat(one[0].embedding), cv::Mat(all[0].embedding)), 1e-4);
}

TEST(FacePipelineTest, MainFaceIsTheLargest) {
  EXPECT_EQ(MainFaceIndex({}), -1);
  std::vector<Face> faces(3);
  faces[0].detection.box = Box{0, 0, 20, 20};
  faces[1].detection.box = Box{0, 0, 50, 40};
  faces[2].detection.box = Box{0, 0, 30, 30};
  EXPECT_EQ(MainFaceIndex(faces), 1);
}

TEST(FacePipelineTest, StageTimingsAdd) {
  StageTimings total{.decode = 1, .detect = 2, .align = 3, .embed = 4, .faces = 5};
  total += StageTimings{.decode = 0.5, .detect = 0.5, .align = 0.5, .embed = 0.5, .faces = 2};
  EXPECT_DOUBLE_EQ(total.decode, 1.5);
  EXPECT_DOUBLE_EQ(total.detect, 2.5);
  EXPECT_DOUBLE_EQ(total.align, 3.5);
  EXPECT_DOUBLE_EQ(total.embed, 4.5);
  EXPECT_EQ(total.faces, 7u);
}

}  // namespace
}  // namespace facetrace
