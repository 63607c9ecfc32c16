#include "cluster/clustering.h"

#include <gtest/gtest.h>

#include "cluster/test_embeddings.h"
#include "core/error.h"

namespace facetrace {
namespace {

using testing::AxisEmbedding;

ClusterFace FaceOf(int person, unsigned photo) {
  ClusterFace face;
  face.image = "/photos/" + std::to_string(person) + "_" + std::to_string(photo) + ".jpg";
  face.embedding = AxisEmbedding(person, 1, 0.005f, photo * 131u + person);
  return face;
}

TEST(ClusteringTest, GroupsPeopleAndPutsLoneFacesInTheOutlierBucket) {
  Clustering clustering;
  AddFaces(clustering, {FaceOf(0, 1), FaceOf(1, 1), FaceOf(0, 2), FaceOf(2, 1), FaceOf(1, 2)},
           {.threshold = 0.5f, .min_size = 2});
  ASSERT_EQ(clustering.clusters.size(), 2u);
  EXPECT_EQ(clustering.clusters[0].id, 1);
  EXPECT_EQ(clustering.clusters[0].faces.size(), 2u);
  EXPECT_EQ(clustering.clusters[0].faces[0].image, "/photos/0_1.jpg");
  EXPECT_EQ(clustering.clusters[1].id, 2);
  EXPECT_EQ(clustering.clusters[1].faces[0].image, "/photos/1_1.jpg");
  ASSERT_EQ(clustering.outliers.size(), 1u);
  EXPECT_EQ(clustering.outliers[0].image, "/photos/2_1.jpg");
  EXPECT_EQ(clustering.next_id, 3);
}

TEST(ClusteringTest, NewFacesJoinExistingClustersWhoseIdsStayStable) {
  Clustering clustering;
  AddFaces(clustering, {FaceOf(0, 1), FaceOf(0, 2), FaceOf(1, 1), FaceOf(1, 2), FaceOf(2, 1)}, {});
  ASSERT_EQ(clustering.clusters.size(), 2u);
  // Person 1 again, person 2's second photo (joins the outlier into a new cluster), person 3.
  AddFaces(clustering, {FaceOf(1, 3), FaceOf(2, 2), FaceOf(3, 1)}, {});
  ASSERT_EQ(clustering.clusters.size(), 3u);
  EXPECT_EQ(clustering.clusters[0].id, 1);
  EXPECT_EQ(clustering.clusters[0].faces.size(), 2u);
  EXPECT_EQ(clustering.clusters[1].id, 2);
  EXPECT_EQ(clustering.clusters[1].faces.size(), 3u);
  EXPECT_EQ(clustering.clusters[2].id, 3);
  EXPECT_EQ(clustering.clusters[2].faces.size(), 2u);
  ASSERT_EQ(clustering.outliers.size(), 1u);
  EXPECT_EQ(clustering.outliers[0].image, "/photos/3_1.jpg");
}

TEST(ClusteringTest, TwoExistingClustersAreNeverMerged) {
  // Built with a strict threshold, the same person's two halves stay two clusters when a
  // later run uses a looser one.
  Clustering clustering;
  ClusterFace a = FaceOf(0, 1), b = FaceOf(0, 2), c = FaceOf(0, 3), d = FaceOf(0, 4);
  b.embedding[0] = c.embedding[0] = 1.2f;  // another group 0.2 away
  d.embedding[0] = 1.2f;
  AddFaces(clustering, {a, b, c, FaceOf(0, 5)}, {.threshold = 0.1f, .min_size = 2});
  ASSERT_EQ(clustering.clusters.size(), 2u);
  AddFaces(clustering, {d}, {.threshold = 0.5f, .min_size = 2});
  EXPECT_EQ(clustering.clusters.size(), 2u);
  EXPECT_EQ(clustering.clusters[0].faces.size() + clustering.clusters[1].faces.size(), 5u);
  EXPECT_FLOAT_EQ(clustering.options.threshold, 0.5f);
}

TEST(ClusteringTest, BadOptionsAreRefused) {
  Clustering clustering;
  for (const ClusterOptions& bad : {ClusterOptions{.threshold = 0, .min_size = 2},
                                    ClusterOptions{.threshold = 0.5f, .min_size = 0}}) {
    try {
      AddFaces(clustering, {FaceOf(0, 1)}, bad);
      FAIL() << "expected an error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(ClusteringTest, FindClusterAndFaceLabels) {
  Clustering clustering;
  AddFaces(clustering, {FaceOf(0, 1), FaceOf(0, 2), FaceOf(1, 1), FaceOf(2, 1)}, {});
  EXPECT_EQ(FindCluster(clustering, 1).faces.size(), 2u);
  try {
    FindCluster(clustering, 42);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_NE(std::string(e.what()).find("42"), std::string::npos);
  }
  EXPECT_EQ(FaceLabels(clustering), (std::vector<int>{1, 1, -1, -2}));
}

}  // namespace
}  // namespace facetrace

namespace facetrace {
namespace {

TEST(ClusteringMethodTest, NamesParseAndDefaults) {
  EXPECT_EQ(ParseClusterMethod("whispers"), ClusterMethod::kChineseWhispers);
  EXPECT_EQ(ParseClusterMethod("average"), ClusterMethod::kAverageLinkage);
  EXPECT_STREQ(ClusterMethodName(ClusterMethod::kAverageLinkage), "average");
  EXPECT_STREQ(ClusterMethodName(ClusterMethod::kChineseWhispers), "whispers");
  EXPECT_FLOAT_EQ(DefaultClusterThreshold(ClusterMethod::kChineseWhispers), 0.52f);
  EXPECT_FLOAT_EQ(DefaultClusterThreshold(ClusterMethod::kAverageLinkage), 0.52f);
  try {
    ParseClusterMethod("kmeans");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("kmeans"), std::string::npos);
  }
}

TEST(ClusteringMethodTest, AverageLinkageIsSelectable) {
  Clustering clustering;
  AddFaces(clustering, {FaceOf(0, 1), FaceOf(0, 2), FaceOf(1, 1)},
           {.method = ClusterMethod::kAverageLinkage, .threshold = 0.5f, .min_size = 2});
  EXPECT_EQ(clustering.clusters.size(), 1u);
  EXPECT_EQ(clustering.outliers.size(), 1u);
}

}  // namespace
}  // namespace facetrace
