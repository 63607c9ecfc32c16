#include "pipeline/gallery.h"

#include <random>

#include <gtest/gtest.h>

#include "core/error.h"
#include "embed/dlib_resnet_embedder.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

Embedding RandomEmbedding(std::mt19937& rng) {
  std::normal_distribution<float> n(0, 0.1f);
  Embedding e(DlibResnetEmbedder::kDim);
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
  face.model_id = gallery.model().model_id;
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

// Offsets `e` by `size` along coordinate `axis`.
Embedding Moved(const Embedding& e, size_t axis, float size) {
  Embedding m = e;
  m[axis] += size;
  return m;
}

TEST(GalleryTest, TemplateRankingComparesWithEachIdentitysMeanNotItsLuckiestPhoto) {
  testing::ScratchDir dir;
  std::mt19937 rng(11);
  const Embedding probe = RandomEmbedding(rng);
  {
    auto gallery = Gallery::Open(dir / "g.db");
    // Carl: one photo that happens to look like the probe, two that do not. Dana: four
    // photos, each a little off in its own way, whose mean is the probe's face.
    AddFace(*gallery, "carl", "c1", Moved(probe, 0, 0.10f));
    AddFace(*gallery, "carl", "c2", RandomEmbedding(rng));
    AddFace(*gallery, "carl", "c3", RandomEmbedding(rng));
    for (size_t i = 1; i <= 4; ++i) {
      AddFace(*gallery, "dana", std::string("d").append(std::to_string(i)),
              Moved(probe, i, i == 1 ? 0.18f : 0.2f));
    }
    for (int i = 0; i < 10; ++i) {
      const std::string n = std::to_string(i);
      AddFace(*gallery, std::string("other").append(n), std::string("o").append(n),
              RandomEmbedding(rng));
    }
    const auto by_photo = gallery->Search(probe, 2);
    ASSERT_EQ(by_photo.size(), 2u);
    EXPECT_EQ(by_photo[0].identity, "carl");
    EXPECT_EQ(by_photo[0].template_faces, 0);
    EXPECT_EQ(gallery->rank_by(), Comparison::kPhoto);
  }
  auto gallery = Gallery::Open(dir / "g.db", {.rank_by = Comparison::kMeanTemplate});
  EXPECT_EQ(gallery->rank_by(), Comparison::kMeanTemplate);
  auto ranked = gallery->Search(probe, 3);
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0].identity, "dana");
  EXPECT_EQ(ranked[0].template_faces, 4);
  EXPECT_LT(ranked[0].distance, 0.12f);                  // the mean is about 0.1 away
  EXPECT_EQ(ranked[0].gallery_image, "/photos/d1.jpg");  // her closest photo, as evidence
  EXPECT_GT(ranked[0].score, ranked[1].score);
  EXPECT_LE(ranked[1].distance, ranked[2].distance);
  // Batches answer as single searches do.
  const std::vector<Embedding> probes = {probe, Moved(probe, 0, 0.10f)};
  const auto batch = gallery->Search(probes, 3);
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[0][0].face_id, ranked[0].face_id);
  EXPECT_FLOAT_EQ(batch[0][0].distance, ranked[0].distance);

  const auto carl = [](const std::vector<Candidate>& candidates) {
    for (const Candidate& c : candidates) {
      if (c.identity == "carl") return c;
    }
    ADD_FAILURE() << "carl not found";
    return Candidate{};
  };
  const Candidate carl_before = carl(ranked);
  EXPECT_EQ(carl_before.template_faces, 3);
  EXPECT_GT(carl_before.distance, 0.3f);  // pulled away by his two unlike photos

  // Templates are read at search time: a new photo or a removal counts at once.
  for (int i = 0; i < 6; ++i) {
    AddFace(*gallery, "carl", std::string("c-new").append(std::to_string(i)),
            Moved(probe, 10 + static_cast<size_t>(i), 0.05f));
  }
  const Candidate carl_after = carl(gallery->Search(probe, 3));
  EXPECT_EQ(carl_after.template_faces, 9);
  EXPECT_LT(carl_after.distance, carl_before.distance);
  gallery->RemoveIdentity("carl");
  ranked = gallery->Search(probe, 100);
  EXPECT_EQ(ranked.size(), 11u);  // dana and the ten others, each once
  EXPECT_EQ(ranked[0].identity, "dana");
}

TEST(GalleryTest, BatchSearchAnswersEachProbeAsASingleSearchWould) {
  testing::ScratchDir dir;
  auto gallery = Gallery::Open(dir / "g.db");
  std::mt19937 rng(11);
  std::vector<Embedding> people;
  for (int i = 0; i < 30; ++i) {
    people.push_back(RandomEmbedding(rng));
    const std::string n = std::to_string(i);
    AddFace(*gallery, std::string("p").append(n), std::string("a").append(n), people.back());
    AddFace(*gallery, std::string("p").append(n), std::string("b").append(n),
            Near(people.back(), 0.03f));
  }
  std::vector<Embedding> probes;
  for (int i = 0; i < 25; ++i) probes.push_back(Near(people[static_cast<size_t>(i)], 0.01f));
  const auto batch = gallery->Search(probes, 5);  // 25 probes: FAISS's BLAS path
  ASSERT_EQ(batch.size(), probes.size());
  for (size_t i = 0; i < probes.size(); ++i) {
    const auto single = gallery->Search(probes[i], 5);
    ASSERT_EQ(batch[i].size(), single.size());
    EXPECT_EQ(batch[i][0].identity, std::string("p").append(std::to_string(i)));
    for (size_t r = 0; r < single.size(); ++r) {
      EXPECT_EQ(batch[i][r].identity, single[r].identity);
      // BLAS computes |x|^2 + |y|^2 - 2xy: a little rounding near zero distance.
      EXPECT_NEAR(batch[i][r].distance, single[r].distance, 1e-4f);
    }
  }
  EXPECT_TRUE(gallery->Search(std::vector<Embedding>{}, 5).empty());
}

TEST(GalleryTest, FactoryComesFromTheCatalogSettingOrTheGallerySize) {
  testing::ScratchDir dir;
  std::mt19937 rng(12);
  {
    auto gallery = Gallery::Open(dir / "g.db");
    EXPECT_EQ(gallery->ConfiguredFactory(), "auto");
    EXPECT_EQ(gallery->FactoryForRebuild(), "Flat");  // a small gallery: exact
    EXPECT_EQ(gallery->index().factory(), "Flat");
    for (int i = 0; i < 40; ++i) {
      AddFace(*gallery, "id" + std::to_string(i % 10), "s" + std::to_string(i),
              RandomEmbedding(rng));
    }
    gallery->catalog().SetSetting(Gallery::kIndexFactorySetting, "HNSW32");
    EXPECT_EQ(gallery->index().factory(), "Flat");  // kept until a rebuild
    gallery->RebuildIndex(gallery->FactoryForRebuild());
    EXPECT_EQ(gallery->index().factory(), "HNSW32");
    EXPECT_EQ(gallery->index().size(), 40);
  }
  auto reopened = Gallery::Open(dir / "g.db");
  EXPECT_FALSE(reopened->index_was_rebuilt());
  EXPECT_EQ(reopened->index().factory(), "HNSW32");
  // A trained kind samples the catalog; a re-ranking one keeps its store beside the index.
  reopened->RebuildIndex("IVF2,Flat");
  EXPECT_EQ(reopened->index().size(), 40);
  reopened->RebuildIndex("IVF2,PQ8x4,Rerank20");
  EXPECT_TRUE(std::filesystem::exists(reopened->index_path().string() + ".f16"));
  const auto probe = reopened->index().StoredVector(1);
  ASSERT_TRUE(probe);
  EXPECT_EQ(reopened->Search(*probe, 1)[0].face_id, 1);
  try {
    reopened->RebuildIndex("NoSuchIndex");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIndex);
  }
  EXPECT_EQ(reopened->index().factory(), "IVF2,PQ8x4,Rerank20");  // unchanged
}

// An HNSW gallery keeps deletions as tombstones; reopening compacts them once they are a
// fifth of the index, and a reused face id forces the rebuild at once.
TEST(GalleryTest, TombstonesAreCompactedByRebuilds) {
  testing::ScratchDir dir;
  std::mt19937 rng(13);
  {
    auto gallery = Gallery::Open(dir / "g.db");
    gallery->catalog().SetSetting(Gallery::kIndexFactorySetting, "HNSW32");
    gallery->RebuildIndex("HNSW32");
    for (int i = 0; i < 10; ++i) {
      AddFace(*gallery, "id" + std::to_string(i), "s" + std::to_string(i), RandomEmbedding(rng));
    }
    gallery->SaveIndex();
    EXPECT_EQ(gallery->RemoveIdentity("id3"), 1);
    EXPECT_EQ(gallery->index().tombstones(), 1);  // 1 of 9: kept
  }
  {
    auto gallery = Gallery::Open(dir / "g.db");
    EXPECT_FALSE(gallery->index_was_rebuilt());
    EXPECT_EQ(gallery->index().tombstones(), 1);
    EXPECT_EQ(gallery->RemoveIdentity("id9"), 1);  // the highest id: SQLite will reuse it
    const int64_t reused = AddFace(*gallery, "new", "n1", RandomEmbedding(rng));
    EXPECT_EQ(reused, 10);
    EXPECT_TRUE(gallery->index_was_rebuilt());
    EXPECT_EQ(gallery->index().tombstones(), 0);
    EXPECT_EQ(gallery->index().size(), 9);
    for (int i = 0; i < 2; ++i) gallery->RemoveIdentity("id" + std::to_string(i));
  }
  auto gallery = Gallery::Open(dir / "g.db");  // 2 tombstones of 7: more than a fifth
  EXPECT_TRUE(gallery->index_was_rebuilt());
  EXPECT_EQ(gallery->index().tombstones(), 0);
  EXPECT_EQ(gallery->index().size(), 7);
}

TEST(GalleryTest, MappedIndexServesSearchesAndRefusesEnrolls) {
  testing::ScratchDir dir;
  std::mt19937 rng(14);
  Embedding first;
  {
    auto gallery = Gallery::Open(dir / "g.db");
    for (int i = 0; i < 60; ++i) {
      const auto e = RandomEmbedding(rng);
      if (i == 0) first = e;
      AddFace(*gallery, "id" + std::to_string(i), "s" + std::to_string(i), e);
    }
    gallery->RebuildIndex("IVF2,Flat");
  }
  auto mapped = Gallery::Open(dir / "g.db", {.map_index = true});
  EXPECT_FALSE(mapped->index_was_rebuilt());
  EXPECT_TRUE(mapped->index().read_only());
  EXPECT_EQ(mapped->Search(first, 1)[0].identity, "id0");
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
    face.model_id = gallery->model().model_id;
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

TEST(GalleryTest, OpensForOneModelOnlyAndAdoptsTheFirst) {
  testing::ScratchDir dir;
  std::mt19937 rng(3);
  const EmbedderInfo arcface{"arcface_r50", 4, 1.1f};
  {
    auto gallery = Gallery::Open(dir / "g.db", arcface);  // a new catalog takes this model
    EXPECT_EQ(gallery->model().model_id, "arcface_r50");
    EXPECT_EQ(gallery->index().dim(), 4);
    AddFace(*gallery, "ann", "a1", {0.5f, 0.5f, 0.5f, 0.5f});
    // The model's own match distance sets the score's midpoint.
    const auto found = gallery->Search({0.5f, 0.5f, 0.5f, 0.5f}, 1);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_GT(found[0].score, 0.99f);
    gallery->SaveIndex();
  }
  EXPECT_EQ(Gallery::Open(dir / "g.db")->model().model_id, "arcface_r50");
  EXPECT_EQ(Gallery::Open(dir / "g.db", arcface)->index().size(), 1);
  // Another model, or the same one without flip fusion, must not search this index.
  for (const EmbedderInfo& other :
       {EmbedderInfo{"dlib_resnet_v1", 128, 0.6f}, EmbedderInfo{"arcface_r50-noflip", 4, 1.1f}}) {
    try {
      Gallery::Open(dir / "g.db", other);
      ADD_FAILURE() << other.model_id;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(std::string(e.what()).find("reembed"), std::string::npos) << e.what();
    }
  }
  // A catalog without a model reads as the default embedder's empty gallery.
  auto fresh = Gallery::Open(dir / "new.db");
  EXPECT_EQ(fresh->model().model_id, DlibResnetEmbedder::Describe({}).model_id);
  EXPECT_FALSE(fresh->model().active);
  EXPECT_TRUE(fresh->Search(RandomEmbedding(rng), 3).empty());
}

}  // namespace
}  // namespace facetrace
