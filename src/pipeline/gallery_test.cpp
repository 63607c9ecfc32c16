#include "pipeline/gallery.h"

#include <random>

#include <gtest/gtest.h>

#include "core/error.h"
#include "embed/face_embedder.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

Embedding RandomEmbedding(std::mt19937& rng) {
  std::normal_distribution<float> n(0, 0.1f);
  Embedding e(kEmbeddingDim);
  for (float& v : e) v = n(rng);
  return e;
}

Embedding Near(const Embedding& e, float offset) {
  Embedding n = e;
  n[0] += offset;
  return n;
}

// Adds one image with one face for `identity`; returns the face id.
int64_t AddFace(Gallery& gallery, const std::string& identity, const std::string& sha,
                const Embedding& embedding) {
  ImageRecord image;
  image.sha256 = sha;
  // (append, not operator+: GCC 12 warns falsely about the latter, -Wrestrict)
  image.path = std::string("/photos/").append(sha).append(".jpg");
  image.identity_id = gallery.catalog().EnsureIdentity(identity);
  FaceRecord face;
  face.identity_id = image.identity_id;
  face.model_id = FaceEmbedder::kModelId;
  face.embedding = embedding;
  const auto ids = gallery.catalog().AddImage(image, {face});
  EXPECT_TRUE(ids.has_value());
  gallery.IndexFaces(*ids, {embedding});
  return ids->front();
}

TEST(GalleryTest, SearchAnswersPerIdentityBestFirst) {
  testing::ScratchDir dir;
  auto gallery = Gallery::Open(dir / "g.db");
  std::mt19937 rng(7);
  const Embedding alice = RandomEmbedding(rng), bob = RandomEmbedding(rng);
  // Alice has three photos close to the probe; Bob one, a little further.
  AddFace(*gallery, "alice", "a1", Near(alice, 0.05f));
  AddFace(*gallery, "alice", "a2", Near(alice, 0.02f));
  AddFace(*gallery, "alice", "a3", Near(alice, 0.08f));
  AddFace(*gallery, "bob", "b1", bob);
  for (int i = 0; i < 20; ++i) {
    const std::string n = std::to_string(i);
    AddFace(*gallery, std::string("other").append(n), std::string("o").append(n),
            RandomEmbedding(rng));
  }

  const auto candidates = gallery->Search(alice, 3);
  ASSERT_EQ(candidates.size(), 3u);
  EXPECT_EQ(candidates[0].identity, "alice");
  EXPECT_NEAR(candidates[0].distance, 0.02f, 1e-4f);
  EXPECT_EQ(candidates[0].gallery_image, "/photos/a2.jpg");  // alice's closest photo
  EXPECT_NE(candidates[1].identity, "alice");
  EXPECT_LE(candidates[1].distance, candidates[2].distance);
  EXPECT_GT(candidates[0].score, candidates[1].score);
  EXPECT_EQ(gallery->Search(alice, 100).size(), 22u);  // every identity once

  // Through another connection (as each server thread does): the same answer, with the
  // photo's id and the identity's metadata.
  gallery->catalog().UpdateIdentity(candidates[0].identity_id, std::nullopt,
                                    nlohmann::json{{"place", "Lviv"}});
  const auto reader = Catalog::Open(dir / "g.db");
  const auto again = gallery->Search(alice, 3, *reader);
  ASSERT_EQ(again.size(), 3u);
  EXPECT_EQ(again[0].face_id, candidates[0].face_id);
  EXPECT_EQ(again[0].image_id, reader->GetFace(again[0].face_id)->image_id);
  EXPECT_EQ(again[0].identity_metadata, nlohmann::json({{"place", "Lviv"}}));
  EXPECT_EQ(again[2].identity, candidates[2].identity);
}

TEST(GalleryTest, IndexIsPersistedAndRebuiltWhenStale) {
  testing::ScratchDir dir;
  std::mt19937 rng(3);
  const Embedding e = RandomEmbedding(rng);
  {
    auto gallery = Gallery::Open(dir / "g.db");
    EXPECT_TRUE(gallery->index_was_rebuilt());  // a new database: built (empty) and saved
    AddFace(*gallery, "carol", "c1", e);
    gallery->SaveIndex();
  }
  {
    auto gallery = Gallery::Open(dir / "g.db");
    EXPECT_FALSE(gallery->index_was_rebuilt());
    EXPECT_EQ(gallery->index().size(), 1);
    // A write the index never saw (as after a crash before the index was saved).
    ImageRecord image;
    image.sha256 = "c2";
    image.path = "/c2.jpg";
    image.identity_id = gallery->catalog().EnsureIdentity("carol");
    FaceRecord face;
    face.identity_id = image.identity_id;
    face.model_id = FaceEmbedder::kModelId;
    face.embedding = Near(e, 0.01f);
    ASSERT_TRUE(gallery->catalog().AddImage(image, {face}));
  }
  auto gallery = Gallery::Open(dir / "g.db");
  EXPECT_TRUE(gallery->index_was_rebuilt());
  EXPECT_EQ(gallery->index().size(), 2);
  EXPECT_EQ(gallery->Search(e, 1).at(0).identity, "carol");
}

TEST(GalleryTest, RemoveIdentityTakesEffectAtOnceAndPersists) {
  testing::ScratchDir dir;
  std::mt19937 rng(11);
  const Embedding dave = RandomEmbedding(rng), erin = RandomEmbedding(rng);
  {
    auto gallery = Gallery::Open(dir / "g.db");
    AddFace(*gallery, "dave", "d1", dave);
    AddFace(*gallery, "dave", "d2", Near(dave, 0.1f));
    AddFace(*gallery, "erin", "e1", erin);
    EXPECT_EQ(gallery->RemoveIdentity("dave"), 2);
    EXPECT_EQ(gallery->Search(dave, 5).size(), 1u);
    EXPECT_EQ(gallery->Search(dave, 5)[0].identity, "erin");
    EXPECT_THROW(gallery->RemoveIdentity("dave"), Error);
  }
  auto gallery = Gallery::Open(dir / "g.db");
  EXPECT_FALSE(gallery->index_was_rebuilt());
  EXPECT_EQ(gallery->index().size(), 1);
}

TEST(GalleryTest, DamagedIndexFileIsRebuiltNotFatal) {
  testing::ScratchDir dir;
  std::mt19937 rng(5);
  const Embedding e = RandomEmbedding(rng);
  {
    auto gallery = Gallery::Open(dir / "g.db");
    AddFace(*gallery, "frank", "f1", e);
    gallery->SaveIndex();
  }
  testing::WriteFile(dir / "g.db.faiss", "garbage");
  auto gallery = Gallery::Open(dir / "g.db");
  EXPECT_TRUE(gallery->index_was_rebuilt());
  EXPECT_EQ(gallery->Search(e, 1).at(0).identity, "frank");
}

TEST(GalleryTest, EmptyGalleryAndBadArguments) {
  testing::ScratchDir dir;
  auto gallery = Gallery::Open(dir / "g.db");
  std::mt19937 rng(1);
  EXPECT_TRUE(gallery->Search(RandomEmbedding(rng), 5).empty());
  EXPECT_THROW(gallery->IndexFaces({1, 2}, {RandomEmbedding(rng)}), Error);
}

}  // namespace
}  // namespace facetrace
