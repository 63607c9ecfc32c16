#include "cluster/cluster_sheets.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "cluster/test_embeddings.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

TEST(ClusterSheetsTest, OneSheetPerClusterPlusOutliersAndAnIndex) {
  testing::ScratchDir dir;
  const auto photos = testing::SortedImages(testing::DatasetsDir() / "dlib_johns" / "John_Salley");
  Clustering clustering;
  Cluster cluster;
  cluster.id = 7;
  for (size_t i = 0; i < 3; ++i) {
    ClusterFace face;
    face.image = photos.at(i).string();
    face.box = {25, 25, 100, 100};
    face.embedding = testing::AxisEmbedding(0, 1);
    cluster.faces.push_back(face);
  }
  clustering.clusters.push_back(cluster);
  ClusterFace gone = cluster.faces[0];
  gone.image = (dir / "moved_away.jpg").string();  // shows as a black tile, not an error
  clustering.outliers.push_back(gone);

  const auto sheets = WriteClusterSheets(clustering, dir.path());
  ASSERT_EQ(sheets.size(), 2u);
  EXPECT_EQ(sheets[0].filename(), "cluster_0007.jpg");
  EXPECT_EQ(sheets[1].filename(), "outliers.jpg");
  EXPECT_FALSE(cv::imread(sheets[0].string()).empty());
  EXPECT_FALSE(cv::imread(sheets[1].string()).empty());
  const std::string html = testing::ReadFile(dir / "index.html");
  EXPECT_NE(html.find("cluster_0007.jpg"), std::string::npos);
  EXPECT_EQ(ClusterSheetName(12), "cluster_0012.jpg");
}

}  // namespace
}  // namespace facetrace
