#include "catalog/catalog.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <random>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "core/error.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

using testing::ScratchDir;
namespace fs = std::filesystem;

constexpr int kDim = 128;  // any length works; dlib's is typical

Embedding Vector(float v) { return Embedding(kDim, v); }

ImageRecord Image(const std::string& sha, int64_t identity_id) {
  ImageRecord image;
  image.sha256 = sha;
  image.path = std::string("/g/").append(sha).append(".jpg");
  image.source = "test";
  image.identity_id = identity_id;
  image.width = 640;
  image.height = 480;
  return image;
}

FaceRecord Face(float v, const std::string& model = "m1") {
  FaceRecord face;
  face.box = {1, 2, 30, 40};
  face.landmarks = {Point2f{1, 2}, Point2f{3, 4}, Point2f{5, 6}, Point2f{7, 8}, Point2f{9, 10}};
  face.detector_score = 0.9f;
  face.quality = 0.8f;
  face.model_id = model;
  face.embedding = Vector(v);
  return face;
}

// The first column of the first row of `sql`, through a connection of its own (not the
// Catalog's), as text; "" when there is no row.
std::string Query(const fs::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  std::string value;
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
    value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

void Exec(const fs::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
}

std::string IntegrityCheck(const fs::path& db_path) {
  return Query(db_path, "PRAGMA integrity_check");
}

// Runs `f`, expecting Error with `code`; returns its message.
template <typename F>
std::string ExpectError(ErrorCode code, F&& f) {
  return testing::ExpectErrorCode(code, std::forward<F>(f));
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CatalogTest, MigratesAnEmptyFileAndReopens) {
  ScratchDir dir;
  const fs::path path = dir / "c.db";
  testing::WriteFile(path, "");  // an empty file is a valid, empty SQLite database: version 0
  {
    auto catalog = Catalog::Open(path);
    EXPECT_EQ(catalog->Stats().schema_version, Catalog::kSchemaVersion);
    EXPECT_EQ(catalog->Generation(), 0);
    catalog->EnsureIdentity("ann");
  }
  EXPECT_EQ(Query(path, "PRAGMA user_version"), std::to_string(Catalog::kSchemaVersion));
  EXPECT_EQ(Query(path, "PRAGMA journal_mode"), "wal");  // persistent, so visible from here
  for (const char* object : {"identities", "images", "faces", "meta", "models", "faces_identity",
                             "faces_model", "images_identity", "faces_added", "faces_removed",
                             "settings", "seen_files", "seen_files_by_image"}) {
    EXPECT_EQ(Query(path, std::string("SELECT COUNT(*) FROM sqlite_master WHERE name = '") +
                              object + "'"),
              "1")
        << object;
  }
  auto catalog = Catalog::Open(path);  // already current: no migration runs
  EXPECT_EQ(catalog->Stats().identities, 1);
  EXPECT_EQ(catalog->Stats().schema_version, Catalog::kSchemaVersion);
  EXPECT_EQ(catalog->path(), path);
  EXPECT_TRUE(Catalog::Open(dir / "new.db"));  // an absent file is created
}

TEST(CatalogTest, SettingsPersistAndOlderFilesGainThem) {
  ScratchDir dir;
  const fs::path path = dir / "c.db";
  {
    auto catalog = Catalog::Open(path);
    EXPECT_FALSE(catalog->GetSetting("index.factory"));
    catalog->SetSetting("index.factory", "HNSW32");
    catalog->SetSetting("index.factory", "Flat");  // replaced, not duplicated
    EXPECT_EQ(catalog->GetSetting("index.factory"), "Flat");
    EXPECT_EQ(catalog->Generation(), 0);  // settings are not faces
  }
  EXPECT_EQ(Catalog::Open(path)->GetSetting("index.factory"), "Flat");
  // A database written before settings existed (schema 2) is migrated on open.
  Query(path, "DROP TABLE settings");
  Query(path, "DROP TABLE seen_files");
  Query(path, "PRAGMA user_version = 2");
  auto old = Catalog::Open(path);
  EXPECT_EQ(old->Stats().schema_version, Catalog::kSchemaVersion);
  EXPECT_FALSE(old->GetSetting("index.factory"));
}

TEST(CatalogTest, SeenFilesAreReplacedAndGoWithTheirImage) {
  ScratchDir dir;
  const fs::path path = dir / "c.db";
  auto catalog = Catalog::Open(path);
  const int64_t ann = catalog->EnsureIdentity("ann");
  ASSERT_TRUE(catalog->AddImage(Image("a", ann), {Face(0.1f)}));
  const int64_t image = catalog->FindImageBySha256("a")->id;
  EXPECT_FALSE(catalog->FindSeenFile("/g/a.jpg"));
  catalog->RecordSeenFile({"/g/a.jpg", 100, 7, image, ""});
  catalog->RecordSeenFile({"/g/blank.png", 5, 8, 0, "yunet 0.6 20"});  // no face in it
  catalog->RecordSeenFile({"/g/a.jpg", 120, 9, image, ""});            // changed since: replaced
  const auto a = catalog->FindSeenFile("/g/a.jpg");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->size, 120);
  EXPECT_EQ(a->mtime_ns, 9);
  EXPECT_EQ(a->image_id, image);
  EXPECT_EQ(catalog->FindSeenFile("/g/blank.png")->image_id, 0);
  EXPECT_EQ(catalog->FindSeenFile("/g/blank.png")->detection, "yunet 0.6 20");
  EXPECT_EQ(Query(path, "SELECT COUNT(*) FROM seen_files WHERE image_id IS NULL"), "1");
  testing::ExpectErrorCode(ErrorCode::kInvalidArgument, [&] {
    catalog->RecordSeenFile({"/g/b.jpg", 1, 1, image + 1, ""});
  });
  // Removing the photo makes its file new again; the no-face record stays.
  catalog->RemoveIdentity(ann);
  EXPECT_FALSE(catalog->FindSeenFile("/g/a.jpg"));
  EXPECT_TRUE(catalog->FindSeenFile("/g/blank.png"));
  // A schema-3 catalog (before seen files) gains the table on open.
  catalog.reset();
  Query(path, "DROP TABLE seen_files");
  Query(path, "PRAGMA user_version = 3");
  auto old = Catalog::Open(path);
  EXPECT_EQ(old->Stats().schema_version, Catalog::kSchemaVersion);
  EXPECT_FALSE(old->FindSeenFile("/g/blank.png"));
}

TEST(CatalogTest, RefusesANewerSchemaWithoutTouchingIt) {
  ScratchDir dir;
  const fs::path path = dir / "c.db";
  Catalog::Open(path)->EnsureIdentity("ann");
  Exec(path, "PRAGMA user_version = 99");
  const std::string message = ExpectError(ErrorCode::kDatabase, [&] { Catalog::Open(path); });
  EXPECT_TRUE(Contains(message, "99")) << message;
  EXPECT_TRUE(Contains(message, "newer")) << message;
  EXPECT_TRUE(Contains(message, "c.db")) << message;
  EXPECT_EQ(Query(path, "PRAGMA user_version"), "99");
  EXPECT_EQ(Query(path, "SELECT name FROM identities"), "ann");
}

TEST(CatalogTest, RefusesFilesThatAreNotCatalogs) {
  ScratchDir dir;
  testing::WriteFile(dir / "junk.db", std::string(4096, 'j'));
  const std::string junk =
      ExpectError(ErrorCode::kDatabase, [&] { Catalog::Open(dir / "junk.db"); });
  EXPECT_TRUE(Contains(junk, "junk.db")) << junk;
  EXPECT_TRUE(Contains(junk, "not a")) << junk;
  const std::string missing =
      ExpectError(ErrorCode::kDatabase, [&] { Catalog::Open(dir / "no/such/dir/c.db"); });
  EXPECT_TRUE(Contains(missing, "no/such/dir/c.db")) << missing;
}

TEST(CatalogTest, IdentitiesAndMetadataMerge) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  const int64_t id = catalog->EnsureIdentity("Jane Roe", {{"born", "1990"}, {"place", "Kyiv"}});
  EXPECT_EQ(catalog->EnsureIdentity("Jane Roe", {{"place", "Lviv"}, {"notes", "n"}}), id);
  EXPECT_EQ(catalog->EnsureIdentity("Jane Roe"), id);  // no metadata: keeps what is there
  const auto jane = catalog->FindIdentity("Jane Roe");
  ASSERT_TRUE(jane);
  EXPECT_EQ(jane->id, id);
  EXPECT_EQ(jane->metadata, nlohmann::json({{"born", "1990"}, {"place", "Lviv"}, {"notes", "n"}}));
  EXPECT_TRUE(std::regex_match(jane->created_at, std::regex(R"(20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << jane->created_at;
  EXPECT_EQ(catalog->GetIdentity(id)->name, "Jane Roe");
  EXPECT_EQ(catalog->GetIdentity(id)->metadata, jane->metadata);
  EXPECT_FALSE(catalog->FindIdentity("nobody"));
  EXPECT_FALSE(catalog->GetIdentity(12345));

  const int64_t adam = catalog->EnsureIdentity("Adam");
  EXPECT_NE(adam, id);
  EXPECT_EQ(catalog->GetIdentity(adam)->metadata, nlohmann::json::object());
  const auto all = catalog->ListIdentities();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "Adam");  // by name
  EXPECT_EQ(all[1].name, "Jane Roe");

  ExpectError(ErrorCode::kInvalidArgument, [&] { catalog->EnsureIdentity(""); });
  ExpectError(ErrorCode::kInvalidArgument, [&] {
    catalog->EnsureIdentity("Adam", nlohmann::json::array({1, 2}));
  });
  EXPECT_EQ(catalog->Stats().identities, 2);
}

TEST(CatalogTest, CreateUpdateAndPageIdentities) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  const std::string injection = "Robert'); DROP TABLE identities; --";
  const int64_t bobby = catalog->CreateIdentity(injection, {{"notes", "50% _x_"}});
  const int64_t ann = catalog->CreateIdentity("Ann", nlohmann::json::object());
  ExpectError(ErrorCode::kConflict, [&] { catalog->CreateIdentity("Ann", {}); });
  ExpectError(ErrorCode::kInvalidArgument, [&] { catalog->CreateIdentity("", {}); });
  EXPECT_EQ(catalog->GetIdentity(bobby)->name, injection);  // stored verbatim

  catalog->AddImage(Image("a1", ann), {Face(0.1f), Face(0.2f)});
  catalog->AddImage(Image("a2", ann), {Face(0.3f)});
  IdentityPage page = catalog->ListIdentities("", 0, 10);
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.identities.size(), 2u);
  EXPECT_EQ(page.identities[0].identity.name, "Ann");
  EXPECT_EQ(page.identities[0].photos, 2);
  EXPECT_EQ(page.identities[0].faces, 3);
  EXPECT_EQ(page.identities[1].faces, 0);
  page = catalog->ListIdentities("drop table", 0, 10);  // case-insensitive substring
  ASSERT_EQ(page.identities.size(), 1u);
  EXPECT_EQ(page.identities[0].identity.id, bobby);
  EXPECT_EQ(catalog->ListIdentities("%", 0, 10).total, 0);  // no LIKE wildcards
  page = catalog->ListIdentities("", 1, 1);
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.identities.size(), 1u);
  EXPECT_EQ(page.identities[0].identity.id, bobby);

  catalog->UpdateIdentity(ann, "Ann B", std::nullopt);
  EXPECT_EQ(catalog->GetIdentity(ann)->name, "Ann B");
  catalog->UpdateIdentity(ann, std::nullopt, nlohmann::json{{"place", "Lviv"}});
  EXPECT_EQ(catalog->GetIdentity(ann)->metadata, nlohmann::json({{"place", "Lviv"}}));
  ExpectError(ErrorCode::kConflict, [&] { catalog->UpdateIdentity(ann, injection, {}); });
  ExpectError(ErrorCode::kNotFound, [&] { catalog->UpdateIdentity(999, "x", {}); });
  ExpectError(ErrorCode::kInvalidArgument,
              [&] { catalog->UpdateIdentity(ann, {}, nlohmann::json::array()); });

  const auto images = catalog->ImagesOfIdentity(ann);
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(images[0].sha256, "a1");
  const auto faces = catalog->FacesOfImage(images[0].id);
  ASSERT_EQ(faces.size(), 2u);
  EXPECT_LT(faces[0].id, faces[1].id);
  EXPECT_TRUE(catalog->ImagesOfIdentity(bobby).empty());
}

TEST(CatalogTest, GenerationMovesWithFacesOnly) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  const int64_t ann = catalog->EnsureIdentity("ann");
  EXPECT_EQ(catalog->Generation(), 0);
  catalog->AddImage(Image("a", ann), {Face(0.1f), Face(0.2f)});
  EXPECT_EQ(catalog->Generation(), 2);
  // Identity edits and face-less images leave the index valid.
  catalog->EnsureIdentity("ann", {{"notes", "edited"}});
  catalog->EnsureIdentity("bob");
  catalog->AddImage(Image("no-faces", ann), {});
  EXPECT_EQ(catalog->Generation(), 2);
  catalog->RemoveIdentity(catalog->FindIdentity("bob")->id);  // has no faces
  EXPECT_EQ(catalog->Generation(), 2);
  catalog->RemoveIdentity(ann);
  EXPECT_EQ(catalog->Generation(), 4);  // two deletes; never goes back
  EXPECT_EQ(Catalog::Open(dir / "c.db")->Generation(), 4);
}

TEST(CatalogTest, AddImageIsAtomicAndIdempotent) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  const int64_t ann = catalog->EnsureIdentity("ann");
  const auto ids = catalog->AddImage(Image("s1", ann), {Face(0.1f), Face(0.2f)});
  ASSERT_TRUE(ids);
  ASSERT_EQ(ids->size(), 2u);
  EXPECT_LT(ids->at(0), ids->at(1));
  EXPECT_EQ(catalog->Generation(), 2);
  EXPECT_FALSE(catalog->AddImage(Image("s1", ann), {Face(0.3f)}));  // same bytes: nothing written
  EXPECT_EQ(catalog->Stats().images, 1);
  EXPECT_EQ(catalog->Stats().faces, 2);
  EXPECT_EQ(catalog->Generation(), 2);

  const auto image = catalog->FindImageBySha256("s1");
  ASSERT_TRUE(image);
  EXPECT_EQ(image->path, "/g/s1.jpg");
  EXPECT_EQ(image->source, "test");
  EXPECT_EQ(image->width, 640);
  EXPECT_EQ(image->height, 480);
  EXPECT_EQ(image->identity_id, ann);
  EXPECT_EQ(image->added_at.size(), 20u);  // 2026-01-02T03:04:05Z
  EXPECT_EQ(catalog->GetImage(image->id)->sha256, "s1");
  EXPECT_FALSE(catalog->GetImage(image->id + 100));
  EXPECT_FALSE(catalog->FindImageBySha256("s2"));

  const auto face = catalog->GetFace(ids->at(1));
  ASSERT_TRUE(face);
  EXPECT_EQ(face->id, ids->at(1));
  EXPECT_EQ(face->image_id, image->id);
  EXPECT_EQ(face->identity_id, ann);  // 0 in the record: the image's identity
  EXPECT_FLOAT_EQ(face->box.x, 1);
  EXPECT_FLOAT_EQ(face->box.height, 40);
  EXPECT_FLOAT_EQ(face->landmarks[0].x, 1);
  EXPECT_FLOAT_EQ(face->landmarks[4].y, 10);
  EXPECT_FLOAT_EQ(face->detector_score, 0.9f);
  EXPECT_FLOAT_EQ(face->quality, 0.8f);
  EXPECT_EQ(face->model_id, "m1");
  EXPECT_EQ(face->embedding, Vector(0.2f));  // bit-exact through the blob
  EXPECT_FALSE(catalog->GetFace(999));

  const std::vector<int64_t> lookup = {ids->at(0), 999, ids->at(1)};
  const auto owners = catalog->FaceIdentities(lookup);
  EXPECT_EQ(owners.size(), 2u);
  EXPECT_EQ(owners.at(ids->at(0)), ann);
  EXPECT_EQ(owners.at(ids->at(1)), ann);
  EXPECT_TRUE(catalog->FaceIdentities({}).empty());

  const auto none = catalog->AddImage(Image("no-faces", ann), {});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(catalog->FindImageBySha256("no-faces"));
}

TEST(CatalogTest, EmbeddingsOfIdentitiesGroupsOneModelsFacesByIdentity) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  const int64_t ann = catalog->EnsureIdentity("ann");
  const int64_t bob = catalog->EnsureIdentity("bob");
  const int64_t cat = catalog->EnsureIdentity("cat");
  ASSERT_TRUE(catalog->AddImage(Image("a1", ann), {Face(0.1f), Face(0.2f)}));
  ASSERT_TRUE(catalog->AddImage(Image("a2", ann), {Face(0.3f), Face(0.4f, "m2")}));
  ASSERT_TRUE(catalog->AddImage(Image("b1", bob), {Face(0.5f)}));
  ASSERT_TRUE(catalog->AddImage(Image("c1", cat), {Face(0.6f)}));

  const std::vector<int64_t> wanted = {ann, bob, 999};
  const auto found = catalog->EmbeddingsOfIdentities(wanted, "m1");
  ASSERT_EQ(found.size(), 2u);          // cat was not asked for; 999 does not exist
  ASSERT_EQ(found.at(ann).size(), 3u);  // not the m2 face
  EXPECT_EQ(found.at(ann)[0], Vector(0.1f));
  EXPECT_EQ(found.at(ann)[2], Vector(0.3f));
  ASSERT_EQ(found.at(bob).size(), 1u);
  EXPECT_EQ(found.at(bob)[0], Vector(0.5f));
  EXPECT_EQ(catalog->EmbeddingsOfIdentities(wanted, "m2").at(ann).size(), 1u);
  EXPECT_TRUE(catalog->EmbeddingsOfIdentities({}, "m1").empty());

  // A blob damaged outside facetrace is a database error, not a short embedding.
  catalog.reset();
  Exec(dir / "c.db",
       "UPDATE faces SET embedding = x'00' WHERE identity_id = " + std::to_string(bob));
  catalog = Catalog::Open(dir / "c.db");
  ExpectError(ErrorCode::kDatabase, [&] { catalog->EmbeddingsOfIdentities(wanted, "m1"); });
}

TEST(CatalogTest, RejectedImagesWriteNothing) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  const int64_t ann = catalog->EnsureIdentity("ann");
  FaceRecord short_embedding = Face(0.1f);
  short_embedding.embedding.pop_back();
  const std::string message = ExpectError(ErrorCode::kInvalidArgument, [&] {
    catalog->AddImage(Image("s1", ann), {Face(0.1f), short_embedding});
  });
  EXPECT_TRUE(Contains(message, "127")) << message;
  ExpectError(ErrorCode::kInvalidArgument, [&] { catalog->AddImage(Image("s2", 0), {}); });
  ExpectError(ErrorCode::kInvalidArgument, [&] { catalog->AddImage(Image("", ann), {}); });
  // An identity that does not exist: the foreign key fails after the image row was inserted,
  // and the whole transaction goes.
  ExpectError(ErrorCode::kDatabase,
              [&] { catalog->AddImage(Image("s3", ann + 1000), {Face(0.1f)}); });
  FaceRecord foreign = Face(0.1f);
  foreign.identity_id = ann + 1000;
  ExpectError(ErrorCode::kDatabase, [&] {
    catalog->AddImage(Image("s4", ann), {Face(0.2f), foreign});
  });
  const CatalogStats stats = catalog->Stats();
  EXPECT_EQ(stats.images, 0);
  EXPECT_EQ(stats.faces, 0);
  EXPECT_EQ(stats.generation, 0);
  EXPECT_TRUE(catalog->AddImage(Image("s4", ann), {Face(0.2f)}));  // the catalog still works
}

TEST(CatalogTest, DamagedRowsAreDatabaseErrors) {
  ScratchDir dir;
  const fs::path path = dir / "c.db";
  auto catalog = Catalog::Open(path);
  const int64_t ann = catalog->EnsureIdentity("ann");
  const auto ids = *catalog->AddImage(Image("a", ann), {Face(0.1f), Face(0.2f)});
  Exec(path, "UPDATE faces SET embedding = zeroblob(100) WHERE id = " + std::to_string(ids[0]));
  Exec(path, "UPDATE faces SET landmarks = '[1, 2]' WHERE id = " + std::to_string(ids[1]));
  const std::string blob = ExpectError(ErrorCode::kDatabase, [&] { catalog->GetFace(ids[0]); });
  EXPECT_TRUE(Contains(blob, "100-byte")) << blob;
  EXPECT_TRUE(Contains(blob, "512")) << blob;
  EXPECT_TRUE(Contains(blob, "c.db")) << blob;
  const std::string landmarks =
      ExpectError(ErrorCode::kDatabase, [&] { catalog->GetFace(ids[1]); });
  EXPECT_TRUE(Contains(landmarks, "landmarks")) << landmarks;
  ExpectError(ErrorCode::kDatabase, [&] { catalog->ForEachFace("m1", [](const FaceRecord&) {}); });
}

TEST(CatalogTest, ModelsRecordTheirDimAndTheFirstIsActive) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  EXPECT_FALSE(catalog->ActiveModel());
  EXPECT_TRUE(catalog->ListModels().empty());
  catalog->RegisterModel("arcface", 512, 1.1f);
  catalog->RegisterModel("arcface", 512, 1.2f);  // again: the hint is updated
  const auto active = catalog->ActiveModel();
  ASSERT_TRUE(active);
  EXPECT_EQ(active->model_id, "arcface");
  EXPECT_EQ(active->dim, 512);
  EXPECT_FLOAT_EQ(active->match_distance, 1.2f);
  const std::string message =
      ExpectError(ErrorCode::kInvalidArgument, [&] { catalog->RegisterModel("arcface", 128, 1); });
  EXPECT_TRUE(Contains(message, "512")) << message;
  ExpectError(ErrorCode::kInvalidArgument, [&] { catalog->RegisterModel("x", 0, 1); });
  ExpectError(ErrorCode::kInvalidArgument, [&] { catalog->RegisterModel("", 3, 1); });

  // A face of an unrecorded model records it with its length; it does not take over.
  const int64_t ann = catalog->EnsureIdentity("ann");
  ASSERT_TRUE(catalog->AddImage(Image("a", ann), {Face(0.1f, "m1")}));
  ASSERT_TRUE(catalog->FindModel("m1"));
  EXPECT_EQ(catalog->FindModel("m1")->dim, kDim);
  EXPECT_FALSE(catalog->FindModel("m1")->active);
  EXPECT_FALSE(catalog->FindModel("m9"));
  FaceRecord wrong = Face(0.2f, "arcface");  // 128 floats for a 512-D model
  const std::string dim_message = ExpectError(ErrorCode::kInvalidArgument,
                                              [&] { catalog->AddImage(Image("b", ann), {wrong}); });
  EXPECT_TRUE(Contains(dim_message, "arcface")) << dim_message;
  EXPECT_FALSE(catalog->FindImageBySha256("b"));

  const auto models = catalog->ListModels();
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].model_id, "arcface");
  EXPECT_EQ(models[0].faces, 0);
  EXPECT_EQ(models[1].model_id, "m1");
  EXPECT_EQ(models[1].faces, 1);
}

TEST(CatalogTest, SwitchingTheActiveModelMakesSavedIndexesStale) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  const int64_t ann = catalog->EnsureIdentity("ann");
  catalog->AddImage(Image("a", ann), {Face(0.1f, "m1")});
  catalog->RegisterModel("m2", kDim, 0.6f);
  const int64_t before = catalog->Generation();
  catalog->SetActiveModel("m2");
  EXPECT_EQ(catalog->ActiveModel()->model_id, "m2");
  EXPECT_FALSE(catalog->FindModel("m1")->active);  // one active model at a time
  EXPECT_EQ(catalog->Generation(), before + 1);
  ExpectError(ErrorCode::kNotFound, [&] { catalog->SetActiveModel("m3"); });
  EXPECT_EQ(catalog->ActiveModel()->model_id, "m2");
}

TEST(CatalogTest, AddFacesOfAnotherModelToAnImageOnce) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  const int64_t ann = catalog->EnsureIdentity("ann");
  const int64_t bob = catalog->EnsureIdentity("bob");
  catalog->AddImage(Image("a", ann), {Face(0.1f, "m1")});
  const int64_t image_id = catalog->FindImageBySha256("a")->id;
  FaceRecord bobs = Face(0.7f, "m2");
  bobs.identity_id = bob;  // a face may name another identity than its image
  const auto ids = catalog->AddFaces(image_id, "m2", {Face(0.5f, "m2"), bobs});
  ASSERT_TRUE(ids);
  ASSERT_EQ(ids->size(), 2u);
  const auto faces = catalog->FacesOfImage(image_id, "m2");
  ASSERT_EQ(faces.size(), 2u);
  EXPECT_EQ(faces[0].identity_id, ann);  // 0: the image's identity
  EXPECT_EQ(faces[1].identity_id, bob);
  EXPECT_FLOAT_EQ(faces[1].embedding[0], 0.7f);
  EXPECT_EQ(catalog->FacesOfImage(image_id, "m1").size(), 1u);
  EXPECT_FALSE(catalog->AddFaces(image_id, "m2", {Face(0.9f, "m2")}));  // already there
  EXPECT_EQ(catalog->CountFaces("m2"), 2);
  ExpectError(ErrorCode::kNotFound, [&] { catalog->AddFaces(999, "m3", {Face(0.1f, "m3")}); });
  ExpectError(ErrorCode::kInvalidArgument,
              [&] { catalog->AddFaces(image_id, "m3", {Face(0.1f, "m4")}); });
  FaceRecord short_one = Face(0.1f, "m1");
  short_one.embedding.pop_back();
  catalog->RegisterModel("m5", kDim, 0.6f);
  short_one.model_id = "m5";
  ExpectError(ErrorCode::kInvalidArgument, [&] { catalog->AddFaces(image_id, "m5", {short_one}); });
  EXPECT_TRUE(catalog->FacesOfImage(image_id, "m5").empty());
}

TEST(CatalogTest, ImagesAfterPagesThroughEveryImageInIdOrder) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  const int64_t ann = catalog->EnsureIdentity("ann");
  for (const char* sha : {"a", "b", "c", "d", "e"})
    catalog->AddImage(Image(sha, ann), {Face(0.1f)});
  std::vector<std::string> seen;
  int64_t after = 0;
  for (;;) {
    const auto page = catalog->ImagesAfter(after, 2);
    if (page.empty()) break;
    EXPECT_LE(page.size(), 2u);
    for (const ImageRecord& r : page) seen.push_back(r.sha256);
    after = page.back().id;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
}

TEST(CatalogTest, MigratesAVersionOneCatalogsModels) {
  ScratchDir dir;
  const fs::path path = dir / "c.db";
  {
    auto catalog = Catalog::Open(path);
    const int64_t ann = catalog->EnsureIdentity("ann");
    catalog->AddImage(Image("a", ann), {Face(0.1f, "old")});
    catalog->AddImage(Image("b", ann), {Face(0.1f, "old")});
    catalog->AddImage(Image("c", ann), {Face(0.1f, "rare")});
  }
  // Back to version 1 as it was: no models table.
  Exec(path,
       "DROP TABLE models; DROP TABLE settings; DROP TABLE seen_files; PRAGMA user_version = 1");
  auto catalog = Catalog::Open(path);
  EXPECT_EQ(catalog->Stats().schema_version, Catalog::kSchemaVersion);
  ASSERT_TRUE(catalog->ActiveModel());
  EXPECT_EQ(catalog->ActiveModel()->model_id, "old");  // the most frequent
  EXPECT_EQ(catalog->ActiveModel()->dim, kDim);
  EXPECT_EQ(catalog->FindModel("rare")->dim, kDim);
  EXPECT_EQ(catalog->GetFace(1)->embedding.size(), static_cast<size_t>(kDim));
}

TEST(CatalogTest, FacesByModelInIdOrderFromOneSnapshot) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  const int64_t ann = catalog->EnsureIdentity("ann");
  catalog->AddImage(Image("a", ann), {Face(0.1f, "m1")});
  catalog->AddImage(Image("b", ann), {Face(0.2f, "m2")});
  catalog->AddImage(Image("c", ann), {Face(0.3f, "m1"), Face(0.4f, "m1")});
  std::vector<float> seen;
  int64_t last_id = 0;
  const int64_t generation = catalog->ForEachFace("m1", [&](const FaceRecord& f) {
    EXPECT_GT(f.id, last_id);
    EXPECT_EQ(f.model_id, "m1");
    last_id = f.id;
    seen.push_back(f.embedding[0]);
  });
  EXPECT_EQ(seen, (std::vector<float>{0.1f, 0.3f, 0.4f}));
  EXPECT_EQ(generation, 4);
  EXPECT_EQ(catalog->CountFaces("m1"), 3);
  EXPECT_EQ(catalog->CountFaces("m2"), 1);
  EXPECT_EQ(catalog->CountFaces("m3"), 0);
  int visits = 0;
  EXPECT_EQ(catalog->ForEachFace("m3", [&](const FaceRecord&) { ++visits; }), 4);
  EXPECT_EQ(visits, 0);

  // Another connection committing while the faces stream changes neither what is streamed nor
  // the generation reported with it.
  auto writer = Catalog::Open(dir / "c.db");
  size_t streamed = 0;
  const int64_t at = catalog->ForEachFace("m1", [&](const FaceRecord&) {
    if (streamed++ == 0) writer->AddImage(Image("d", ann), {Face(0.5f, "m1")});
  });
  EXPECT_EQ(streamed, 3u);
  EXPECT_EQ(at, 4);
  EXPECT_EQ(catalog->Generation(), 5);
  EXPECT_EQ(catalog->CountFaces("m1"), 4);
}

TEST(CatalogTest, RemoveIdentityCascadesAndReportsFaces) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  const int64_t ann = catalog->EnsureIdentity("ann"), bob = catalog->EnsureIdentity("bob");
  FaceRecord bob_in_anns_photo = Face(0.3f);
  bob_in_anns_photo.identity_id = bob;
  const auto a = *catalog->AddImage(Image("a", ann), {Face(0.1f), bob_in_anns_photo});
  const auto b = *catalog->AddImage(Image("b", bob), {Face(0.4f)});
  EXPECT_EQ(catalog->GetFace(a[1])->identity_id, bob);
  const int64_t before = catalog->Generation();
  // Deleting ann's photo takes bob's face in it too: both are reported.
  EXPECT_EQ(catalog->RemoveIdentity(ann), a);
  EXPECT_EQ(catalog->Generation(), before + 2);
  const CatalogStats stats = catalog->Stats();
  EXPECT_EQ(stats.identities, 1);
  EXPECT_EQ(stats.images, 1);
  EXPECT_EQ(stats.faces, 1);
  EXPECT_FALSE(catalog->FindIdentity("ann"));
  EXPECT_FALSE(catalog->FindImageBySha256("a"));
  EXPECT_FALSE(catalog->GetFace(a[0]));
  EXPECT_FALSE(catalog->GetFace(a[1]));
  EXPECT_TRUE(catalog->GetFace(b[0]));
  EXPECT_TRUE(catalog->RemoveIdentity(ann).empty());  // already gone
  EXPECT_EQ(catalog->Generation(), before + 2);
  EXPECT_EQ(catalog->RemoveIdentity(bob), b);
  EXPECT_EQ(catalog->Stats().faces, 0);
}

TEST(CatalogTest, DiskFullIsAClearErrorAndLosesNothing) {
  ScratchDir dir;
  const fs::path path = dir / "c.db";
  auto catalog = Catalog::Open(path);
  const int64_t ann = catalog->EnsureIdentity("ann");
  catalog->SetMaxPageCountForTesting(40);  // 160 KiB: about a hundred two-face images
  int added = 0;
  std::string message;
  try {
    for (; added < 10000; ++added) {
      catalog->AddImage(Image("s" + std::to_string(added), ann), {Face(0.5f), Face(0.6f)});
    }
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kDatabase);
    message = e.what();
  }
  ASSERT_LT(added, 10000) << "the page limit was never reached";
  ASSERT_GT(added, 10);
  EXPECT_TRUE(Contains(message, "disk full")) << message;
  EXPECT_TRUE(Contains(message, "c.db")) << message;
  const std::string failed = "s" + std::to_string(added);

  // The same connection goes on working, without the failed image.
  EXPECT_FALSE(catalog->FindImageBySha256(failed));
  EXPECT_EQ(catalog->Stats().images, added);
  EXPECT_EQ(catalog->Stats().faces, 2 * added);
  EXPECT_EQ(catalog->Generation(), 2 * added);
  EXPECT_EQ(IntegrityCheck(path), "ok");
  // Space again: the same image goes in.
  catalog->SetMaxPageCountForTesting(1'000'000);
  EXPECT_TRUE(catalog->AddImage(Image(failed, ann), {Face(0.5f), Face(0.6f)}));
  catalog.reset();

  auto reopened = Catalog::Open(path);
  const CatalogStats stats = reopened->Stats();
  EXPECT_EQ(stats.images, added + 1);
  EXPECT_EQ(stats.faces, 2 * (added + 1));
  EXPECT_EQ(stats.generation, stats.faces);
  for (int i = 0; i <= added; ++i) {
    ASSERT_TRUE(reopened->FindImageBySha256("s" + std::to_string(i))) << i;
  }
  EXPECT_EQ(IntegrityCheck(path), "ok");
}

TEST(CatalogTest, ReaderSeesConsistentSnapshotsWhileAWriterCommits) {
  ScratchDir dir;
  auto writer = Catalog::Open(dir / "c.db");
  auto reader = Catalog::Open(dir / "c.db");
  const int64_t ann = writer->EnsureIdentity("ann");
  constexpr int kImages = 60;
  std::atomic<bool> writer_failed{false};
  std::thread t([&] {
    try {
      for (int i = 0; i < kImages; ++i) {
        writer->AddImage(Image("w" + std::to_string(i), ann), {Face(0.1f), Face(0.2f)});
      }
    } catch (const std::exception&) {
      writer_failed = true;
    }
  });
  int64_t last = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (last < kImages && std::chrono::steady_clock::now() < deadline && !writer_failed) {
    const CatalogStats stats = reader->Stats();
    EXPECT_GE(stats.images, last);             // commits only ever appear
    ASSERT_EQ(stats.faces, 2 * stats.images);  // never half an image
    ASSERT_EQ(stats.generation, stats.faces);  // counter and rows from one snapshot
    last = stats.images;
  }
  t.join();
  EXPECT_FALSE(writer_failed);
  EXPECT_EQ(last, kImages);
}

TEST(CatalogTest, ConcurrentWritersAreSerialised) {
  ScratchDir dir;
  Catalog::Open(dir / "c.db");
  constexpr int kOwn = 30, kShared = 10;
  std::atomic<int> failures{0};
  std::atomic<int> shared_added{0};
  auto write = [&](const std::string& who) {
    try {
      auto catalog = Catalog::Open(dir / "c.db");
      for (int i = 0; i < kOwn + kShared; ++i) {
        // Both writers race on the same identity and, for kShared photos, on the same bytes.
        const int64_t id = catalog->EnsureIdentity("shared", {{who, i}});
        const std::string sha =
            i < kShared ? "shared" + std::to_string(i) : who + std::to_string(i);
        if (catalog->AddImage(Image(sha, id), {Face(0.1f)}) && i < kShared) ++shared_added;
      }
    } catch (const std::exception&) {
      ++failures;
    }
  };
  std::thread a(write, "a"), b(write, "b");
  a.join();
  b.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(shared_added, kShared);  // each shared photo added by exactly one writer
  auto catalog = Catalog::Open(dir / "c.db");
  const CatalogStats stats = catalog->Stats();
  EXPECT_EQ(stats.identities, 1);
  EXPECT_EQ(stats.images, 2 * kOwn + kShared);
  EXPECT_EQ(stats.faces, stats.images);
  EXPECT_EQ(stats.generation, stats.faces);
  const auto metadata = catalog->FindIdentity("shared")->metadata;
  EXPECT_EQ(metadata["a"], kOwn + kShared - 1);  // both writers' merges survived
  EXPECT_EQ(metadata["b"], kOwn + kShared - 1);
}

// A child process enrolls three-face images as fast as it can and is killed at a random
// moment; whatever it committed must be whole.
TEST(CatalogTest, KilledWriterLeavesNoPartialImage) {
  ScratchDir dir;
  const fs::path path = dir / "c.db";
  Catalog::Open(path);  // closed again before fork: a connection must not cross it
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  int64_t images_before = 0;
  for (int round = 0; round < 3; ++round) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      try {
        auto catalog = Catalog::Open(path);
        const int64_t ann = catalog->EnsureIdentity("ann");
        for (int i = 0;; ++i) {
          const std::string sha = "r" + std::to_string(round) + "-" + std::to_string(i);
          catalog->AddImage(Image(sha, ann), {Face(0.1f), Face(0.2f), Face(0.3f)});
        }
      } catch (...) {
        _exit(3);  // never return into the test runner from the child
      }
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 400)(rng)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself, status " << status;

    EXPECT_EQ(IntegrityCheck(path), "ok");
    auto catalog = Catalog::Open(path);
    const CatalogStats stats = catalog->Stats();
    EXPECT_GT(stats.images, images_before) << "round " << round << " committed nothing";
    images_before = stats.images;
    EXPECT_EQ(Query(path,
                    "SELECT COUNT(*) FROM images WHERE "
                    "(SELECT COUNT(*) FROM faces WHERE image_id = images.id) != 3"),
              "0");  // every image has all of its faces
    EXPECT_EQ(stats.faces, 3 * stats.images);
    EXPECT_EQ(stats.generation, stats.faces);  // one increment per face insert, none lost
  }
}

}  // namespace
}  // namespace facetrace
