#include "cluster/clustering_json.h"

#include <gtest/gtest.h>

#include "cluster/test_embeddings.h"
#include "core/error.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

Clustering Sample() {
  Clustering clustering;
  ClusterFace face;
  face.image = "/photos/a.jpg";
  face.width = 640;
  face.height = 480;
  face.box = {10, 20, 30, 40};
  face.quality = 0.75f;
  face.embedding = testing::AxisEmbedding(3, 0.5f);
  Cluster cluster;
  cluster.id = 4;
  cluster.faces = {face, face};
  clustering.clusters.push_back(cluster);
  face.image = "/photos/b.jpg";
  clustering.outliers.push_back(face);
  clustering.options = {.threshold = 0.45f, .min_size = 3};
  clustering.next_id = 5;
  clustering.images = {"/photos/a.jpg", "/photos/b.jpg", "/photos/none.jpg"};
  return clustering;
}

void ExpectSame(const Clustering& a, const Clustering& b) {
  EXPECT_EQ(ClusteringToJson(a), ClusteringToJson(b));
}

TEST(ClusteringJsonTest, RoundTripsThroughJsonAndAFile) {
  const Clustering clustering = Sample();
  const nlohmann::json json = ClusteringToJson(clustering);
  EXPECT_EQ(json["clusters"][0]["id"], 4);
  EXPECT_EQ(json["clusters"][0]["size"], 2);
  EXPECT_EQ(json["outliers"][0]["image"], "/photos/b.jpg");
  ExpectSame(ClusteringFromJson(json), clustering);

  testing::ScratchDir dir;
  SaveClustering(clustering, dir / "clusters.json");
  const Clustering loaded = LoadClustering(dir / "clusters.json");
  ExpectSame(loaded, clustering);
  EXPECT_EQ(loaded.next_id, 5);
  EXPECT_EQ(loaded.options.min_size, 3);
  EXPECT_FALSE(std::filesystem::exists(dir / "clusters.json.tmp"));
}

TEST(ClusteringJsonTest, MissingAndMalformedFilesAreTypedErrorsNamingThePath) {
  testing::ScratchDir dir;
  const auto expect_error = [](const std::filesystem::path& path, ErrorCode code) {
    try {
      LoadClustering(path);
      FAIL() << "expected an error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code);
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos);
    }
  };
  expect_error(dir / "absent.json", ErrorCode::kNotFound);
  testing::WriteFile(dir / "garbage.json", "{not json");
  expect_error(dir / "garbage.json", ErrorCode::kInvalidArgument);
  testing::WriteFile(dir / "other.json", R"({"version": 1, "clusters": []})");
  expect_error(dir / "other.json", ErrorCode::kInvalidArgument);
  nlohmann::json short_embedding = ClusteringToJson(Sample());
  short_embedding["outliers"][0]["embedding"] = {1, 2, 3};
  testing::WriteFile(dir / "short.json", short_embedding.dump());
  expect_error(dir / "short.json", ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace facetrace
