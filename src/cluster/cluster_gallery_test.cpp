#include "cluster/cluster_gallery.h"

#include <cmath>

#include <gtest/gtest.h>

#include "cluster/test_embeddings.h"
#include "core/error.h"
#include "embed/face_embedder.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

using testing::AxisEmbedding;

Cluster ClusterOfJohn() {
  Cluster cluster;
  cluster.id = 3;
  const auto photos = testing::SortedImages(testing::DatasetsDir() / "dlib_johns" / "John_Salley");
  for (size_t i = 0; i < 3; ++i) {
    ClusterFace face;
    face.image = photos.at(i).string();
    face.width = face.height = 150;
    face.box = {20, 20, 100, 100};
    face.embedding = AxisEmbedding(7, 1, 0.01f, static_cast<unsigned>(i));
    cluster.faces.push_back(face);
  }
  return cluster;
}

TEST(ClusterGalleryTest, EnrollsTheClusteredFacesOnceAndFindsThemAsATemplate) {
  testing::ScratchDir dir;
  auto gallery = Gallery::Open(dir / "g.db");
  const Cluster cluster = ClusterOfJohn();
  const ClusterEnrollResult first = EnrollCluster(*gallery, cluster, "Unknown 3", "cluster test");
  EXPECT_EQ(first.images_added, 3);
  EXPECT_EQ(first.images_already_present, 0);
  const ClusterEnrollResult again = EnrollCluster(*gallery, cluster, "Unknown 3", "cluster test");
  EXPECT_EQ(again.images_added, 0);
  EXPECT_EQ(again.images_already_present, 3);
  EXPECT_EQ(gallery->catalog().Stats().faces, 3);

  const auto candidates = SearchCluster(*gallery, cluster, 5);
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(candidates[0].identity, "Unknown 3");
  EXPECT_LT(candidates[0].distance, 0.1f);
  // The index was saved: a reopened gallery finds the faces without a rebuild.
  gallery.reset();
  auto reopened = Gallery::Open(dir / "g.db");
  EXPECT_FALSE(reopened->index_was_rebuilt());
  EXPECT_EQ(SearchCluster(*reopened, cluster, 1).at(0).identity, "Unknown 3");
}

TEST(ClusterGalleryTest, EmptyNameAndVanishedPhotosAreTypedErrors) {
  testing::ScratchDir dir;
  auto gallery = Gallery::Open(dir / "g.db");
  Cluster cluster = ClusterOfJohn();
  try {
    EnrollCluster(*gallery, cluster, "", "x");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
  cluster.faces[0].image = (dir / "gone.jpg").string();
  try {
    EnrollCluster(*gallery, cluster, "Unknown", "x");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_NE(std::string(e.what()).find("gone.jpg"), std::string::npos);
  }
}

}  // namespace
}  // namespace facetrace
