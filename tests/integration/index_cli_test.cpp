// facetrace index build|info|verify through the real binary, on catalogs filled through the
// library with synthetic embeddings (the index does not care where vectors came from, and
// enrolling photos would only slow these tests down).
#include <random>

#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "embed/dlib_resnet_embedder.h"
#include "integration/cli_runner.h"

namespace facetrace::testing {
namespace {

namespace fs = std::filesystem;

// The model an enroll with the default options records.
const EmbedderInfo& DefaultModel() {
  static const EmbedderInfo info = DlibResnetEmbedder::Describe({});
  return info;
}

// `identities` people with `per_identity` faces each, as an enroll would store them.
void FillCatalog(const std::string& db, int identities, int per_identity) {
  auto catalog = Catalog::Open(db);
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0, 0.05f);
  for (int i = 0; i < identities; ++i) {
    const int64_t identity = catalog->EnsureIdentity("person" + std::to_string(i));
    Embedding centre(static_cast<size_t>(DefaultModel().dim));
    for (float& x : centre) x = noise(rng) * 2;
    for (int f = 0; f < per_identity; ++f) {
      ImageRecord image;
      image.sha256 = "sha" + std::to_string(i) + "_" + std::to_string(f);
      image.path = "/photos/" + image.sha256 + ".jpg";
      image.identity_id = identity;
      FaceRecord face;
      face.model_id = DefaultModel().model_id;
      face.embedding = centre;
      for (float& x : face.embedding) x += noise(rng) * 0.3f;
      ASSERT_TRUE(catalog->AddImage(image, {face}));
    }
  }
}

nlohmann::json Json(const CommandResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
}

TEST(IndexCliTest, BuildInfoVerifyForEachKind) {
  ScratchDir dir;
  const std::string db = (dir / "g.db").string();
  FillCatalog(db, 100, 4);
  for (const std::string factory : {"Flat", "HNSW32", "IVF8,PQ16,Rerank50"}) {
    SCOPED_TRACE(factory);
    const auto built =
        Json(RunFacetrace({"index", "build", "--db", db, "--factory", factory, "--json"}));
    EXPECT_EQ(built["factory"], factory);
    EXPECT_EQ(built["configured_factory"], factory);  // remembered in the catalog
    EXPECT_EQ(built["faces"], 400);
    EXPECT_EQ(built["tombstones"], 0);
    EXPECT_GT(built["bytes_on_disk"].get<int64_t>(), 0);
    EXPECT_EQ(built["index_generation"], built["catalog_generation"]);
    const auto info = Json(RunFacetrace({"index", "info", "--db", db, "--json"}));
    EXPECT_EQ(info["factory"], factory);
    EXPECT_FALSE(info["index_rebuilt"].get<bool>());  // loaded as saved
    const auto verified = RunFacetrace({"index", "verify", "--db", db});
    EXPECT_EQ(verified.exit_code, 0) << verified.err;
    EXPECT_NE(verified.out.find("ok: 400 faces"), std::string::npos) << verified.out;
  }
  const auto text = RunFacetrace({"index", "info", "--db", db});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("tombstones"), std::string::npos) << text.out;
  // "auto" goes back to the choice by size: exact at this size.
  const auto automatic =
      Json(RunFacetrace({"index", "build", "--db", db, "--factory", "auto", "--json"}));
  EXPECT_EQ(automatic["factory"], "Flat");
  EXPECT_EQ(automatic["configured_factory"], "auto");
}

TEST(IndexCliTest, DeletionsAreNeverReturnedAndVerifyPasses) {
  ScratchDir dir;
  const std::string db = (dir / "g.db").string();
  FillCatalog(db, 50, 3);
  ASSERT_EQ(RunFacetrace({"index", "build", "--db", db, "--factory", "HNSW32"}).exit_code, 0);
  const auto removed = RunFacetrace({"remove", "--db", db, "--identity", "person7"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  const auto info = Json(RunFacetrace({"index", "info", "--db", db, "--json"}));
  EXPECT_EQ(info["faces"], 147);
  EXPECT_EQ(info["tombstones"], 3);  // HNSW keeps them until a rebuild...
  const auto verified = RunFacetrace({"index", "verify", "--db", db, "--sample", "1000", "--json"});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_EQ(Json(verified)["searched"], 147);
  const auto rebuilt = Json(RunFacetrace({"index", "build", "--db", db, "--json"}));
  EXPECT_EQ(rebuilt["factory"], "HNSW32");  // the remembered setting
  EXPECT_EQ(rebuilt["tombstones"], 0);      // ...which compacts them
}

TEST(IndexCliTest, VerifyFailsClearlyWhenIndexAndCatalogDisagree) {
  ScratchDir dir;
  const std::string db = (dir / "g.db").string();
  FillCatalog(db, 20, 2);
  const auto missing = RunFacetrace({"index", "verify", "--db", db});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("index build"), std::string::npos) << missing.err;

  ASSERT_EQ(RunFacetrace({"index", "build", "--db", db}).exit_code, 0);
  {
    // A face committed behind the index's back (another tool, a crash before the save).
    auto catalog = Catalog::Open(db);
    ImageRecord image;
    image.sha256 = "late";
    image.path = "/photos/late.jpg";
    image.identity_id = catalog->EnsureIdentity("late");
    FaceRecord face;
    face.model_id = DefaultModel().model_id;
    face.embedding = Embedding(static_cast<size_t>(DefaultModel().dim), 0.01f);
    ASSERT_TRUE(catalog->AddImage(image, {face}));
  }
  const auto stale = RunFacetrace({"index", "verify", "--db", db});
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_NE(stale.err.find("stale"), std::string::npos) << stale.err;
  EXPECT_NE(stale.err.find("not in the index"), std::string::npos) << stale.err;
  EXPECT_NE(stale.err.find("index build"), std::string::npos) << stale.err;
  ASSERT_EQ(RunFacetrace({"index", "build", "--db", db}).exit_code, 0);
  EXPECT_EQ(RunFacetrace({"index", "verify", "--db", db}).exit_code, 0);
}

TEST(IndexCliTest, BadFactoryIsRefusedAndNothingChanges) {
  ScratchDir dir;
  const std::string db = (dir / "g.db").string();
  FillCatalog(db, 10, 2);
  ASSERT_EQ(RunFacetrace({"index", "build", "--db", db, "--factory", "HNSW32"}).exit_code, 0);
  for (const std::string bad : {"NoSuchIndex", "IVF8,PQ16,Rerank0", "IDMap,Flat"}) {
    SCOPED_TRACE(bad);
    const auto r = RunFacetrace({"index", "build", "--db", db, "--factory", bad});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(bad), std::string::npos) << r.err;
  }
  const auto info = Json(RunFacetrace({"index", "info", "--db", db, "--json"}));
  EXPECT_EQ(info["factory"], "HNSW32");
  EXPECT_EQ(info["configured_factory"], "HNSW32");
  EXPECT_EQ(RunFacetrace({"index", "build"}).exit_code, 1);  // --db is required
  EXPECT_EQ(RunFacetrace({"index", "info", "--db", (dir / "absent.db").string()}).exit_code, 1);
}

}  // namespace
}  // namespace facetrace::testing
