#include "catalog/catalog.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "core/error.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

using testing::ScratchDir;

Embedding Vector(float v) { return Embedding(kEmbeddingDim, v); }

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

TEST(CatalogTest, CreatesMigratesAndReopens) {
  ScratchDir dir;
  {
    auto catalog = Catalog::Open(dir / "c.db");
    EXPECT_EQ(catalog->Stats().schema_version, Catalog::kSchemaVersion);
    catalog->EnsureIdentity("ann");
  }
  auto catalog = Catalog::Open(dir / "c.db");
  EXPECT_EQ(catalog->Stats().identities, 1);
  EXPECT_EQ(catalog->path(), dir / "c.db");
}

TEST(CatalogTest, RefusesANewerSchemaAndForeignFiles) {
  ScratchDir dir;
  Catalog::Open(dir / "c.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "c.db").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  try {
    Catalog::Open(dir / "c.db");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kDatabase);
    EXPECT_NE(std::string(e.what()).find("99"), std::string::npos);
  }
  testing::WriteFile(dir / "junk.db", std::string(4096, 'j'));
  EXPECT_THROW(Catalog::Open(dir / "junk.db"), Error);
  EXPECT_THROW(Catalog::Open(dir / "no/such/dir/c.db"), Error);
}

TEST(CatalogTest, IdentitiesAndMetadataMerge) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  const int64_t id = catalog->EnsureIdentity("Jane Roe", {{"born", "1990"}, {"place", "Kyiv"}});
  EXPECT_EQ(catalog->EnsureIdentity("Jane Roe", {{"place", "Lviv"}, {"notes", "n"}}), id);
  const auto jane = catalog->FindIdentity("Jane Roe");
  ASSERT_TRUE(jane);
  EXPECT_EQ(jane->metadata["born"], "1990");
  EXPECT_EQ(jane->metadata["place"], "Lviv");
  EXPECT_EQ(jane->metadata["notes"], "n");
  EXPECT_EQ(jane->created_at.size(), 20u);  // 2026-01-02T03:04:05Z
  EXPECT_EQ(catalog->GetIdentity(id)->name, "Jane Roe");
  EXPECT_FALSE(catalog->FindIdentity("nobody"));
  EXPECT_FALSE(catalog->GetIdentity(12345));
  catalog->EnsureIdentity("Adam");
  const auto all = catalog->ListIdentities();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "Adam");
  EXPECT_THROW(catalog->EnsureIdentity(""), Error);
  // Identity edits do not touch faces, so the index stays valid.
  EXPECT_EQ(catalog->Generation(), 0);
}

TEST(CatalogTest, AddImageIsAtomicAndIdempotent) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  const int64_t ann = catalog->EnsureIdentity("ann");
  const auto ids = catalog->AddImage(Image("s1", ann), {Face(0.1f), Face(0.2f)});
  ASSERT_TRUE(ids);
  ASSERT_EQ(ids->size(), 2u);
  EXPECT_EQ(catalog->Generation(), 2);
  EXPECT_FALSE(catalog->AddImage(Image("s1", ann), {Face(0.3f)}));  // same bytes: nothing written
  EXPECT_EQ(catalog->Stats().faces, 2);
  EXPECT_EQ(catalog->Generation(), 2);

  const auto image = catalog->FindImageBySha256("s1");
  ASSERT_TRUE(image);
  EXPECT_EQ(image->path, "/g/s1.jpg");
  EXPECT_EQ(image->width, 640);
  EXPECT_EQ(image->identity_id, ann);
  EXPECT_EQ(catalog->GetImage(image->id)->sha256, "s1");
  EXPECT_FALSE(catalog->FindImageBySha256("s2"));

  const auto face = catalog->GetFace(ids->at(1));
  ASSERT_TRUE(face);
  EXPECT_EQ(face->image_id, image->id);
  EXPECT_EQ(face->identity_id, ann);
  EXPECT_FLOAT_EQ(face->box.height, 40);
  EXPECT_FLOAT_EQ(face->landmarks[4].y, 10);
  EXPECT_FLOAT_EQ(face->quality, 0.8f);
  EXPECT_EQ(face->model_id, "m1");
  EXPECT_EQ(face->embedding, Vector(0.2f));
  EXPECT_FALSE(catalog->GetFace(999));
  const std::vector<int64_t> lookup = {ids->at(0), 999, ids->at(1)};
  const auto owners = catalog->FaceIdentities(lookup);
  EXPECT_EQ(owners.size(), 2u);
  EXPECT_EQ(owners.at(ids->at(1)), ann);
  EXPECT_TRUE(catalog->FaceIdentities({}).empty());

  FaceRecord bad = Face(0.1f);
  bad.embedding.pop_back();
  EXPECT_THROW(catalog->AddImage(Image("s3", ann), {bad}), Error);
  EXPECT_FALSE(catalog->FindImageBySha256("s3"));
}

TEST(CatalogTest, FacesByModelInIdOrder) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  const int64_t ann = catalog->EnsureIdentity("ann");
  catalog->AddImage(Image("a", ann), {Face(0.1f, "m1")});
  catalog->AddImage(Image("b", ann), {Face(0.2f, "m2")});
  catalog->AddImage(Image("c", ann), {Face(0.3f, "m1")});
  std::vector<float> seen;
  int64_t last_id = 0;
  catalog->ForEachFace("m1", [&](const FaceRecord& f) {
    EXPECT_GT(f.id, last_id);
    last_id = f.id;
    seen.push_back(f.embedding[0]);
  });
  EXPECT_EQ(seen, (std::vector<float>{0.1f, 0.3f}));
  EXPECT_EQ(catalog->CountFaces("m1"), 2);
  EXPECT_EQ(catalog->CountFaces("m2"), 1);
  EXPECT_EQ(catalog->CountFaces("m3"), 0);
}

TEST(CatalogTest, RemoveIdentityCascadesAndReportsFaces) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  const int64_t ann = catalog->EnsureIdentity("ann"), bob = catalog->EnsureIdentity("bob");
  const auto a = *catalog->AddImage(Image("a", ann), {Face(0.1f), Face(0.2f)});
  catalog->AddImage(Image("b", bob), {Face(0.3f)});
  const int64_t before = catalog->Generation();
  EXPECT_EQ(catalog->RemoveIdentity(ann), a);
  EXPECT_EQ(catalog->Generation(), before + 2);
  const CatalogStats stats = catalog->Stats();
  EXPECT_EQ(stats.identities, 1);
  EXPECT_EQ(stats.images, 1);
  EXPECT_EQ(stats.faces, 1);
  EXPECT_FALSE(catalog->FindImageBySha256("a"));
  EXPECT_TRUE(catalog->RemoveIdentity(ann).empty());
}

TEST(CatalogTest, DiskFullIsAClearErrorAndLosesNothing) {
  ScratchDir dir;
  auto catalog = Catalog::Open(dir / "c.db");
  const int64_t ann = catalog->EnsureIdentity("ann");
  catalog->SetMaxPageCountForTesting(40);
  int added = 0;
  try {
    for (; added < 10000; ++added) {
      catalog->AddImage(Image("s" + std::to_string(added), ann), {Face(0.5f), Face(0.6f)});
    }
    FAIL() << "the page limit was never reached";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kDatabase);
    EXPECT_NE(std::string(e.what()).find("disk full"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("c.db"), std::string::npos) << e.what();
  }
  ASSERT_GT(added, 0);
  catalog.reset();
  auto reopened = Catalog::Open(dir / "c.db");
  EXPECT_EQ(reopened->Stats().images, added);
  EXPECT_EQ(reopened->Stats().faces, 2 * added);
  EXPECT_FALSE(reopened->FindImageBySha256("s" + std::to_string(added)));  // the failed one
  EXPECT_EQ(
      testing::RunCommand({"/usr/bin/sqlite3", (dir / "c.db").string(), "PRAGMA integrity_check;"})
          .out,
      "ok\n");
}

TEST(CatalogTest, ReaderSeesCommittedWritesOfAnotherConnection) {
  ScratchDir dir;
  auto writer = Catalog::Open(dir / "c.db");
  auto reader = Catalog::Open(dir / "c.db");
  const int64_t ann = writer->EnsureIdentity("ann");
  std::thread t([&] {
    for (int i = 0; i < 50; ++i)
      writer->AddImage(Image("w" + std::to_string(i), ann), {Face(0.1f)});
  });
  int64_t last = 0;
  for (int i = 0; i < 200; ++i) {
    const int64_t now = reader->Stats().images;
    EXPECT_GE(now, last);
    last = now;
  }
  t.join();
  EXPECT_EQ(reader->Stats().images, 50);
}

TEST(CatalogTest, KilledWriterLeavesNoPartialImage) {
  ScratchDir dir;
  const auto path = dir / "c.db";
  Catalog::Open(path);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto catalog = Catalog::Open(path);
    const int64_t ann = catalog->EnsureIdentity("ann");
    for (int i = 0;; ++i)
      catalog->AddImage(Image("k" + std::to_string(i), ann), {Face(0.1f), Face(0.2f), Face(0.3f)});
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  auto catalog = Catalog::Open(path);
  const CatalogStats stats = catalog->Stats();
  EXPECT_GT(stats.images, 0);
  EXPECT_EQ(stats.faces, 3 * stats.images);  // every image has all of its faces
  EXPECT_EQ(stats.generation, stats.faces);  // the counter moved with each face
  EXPECT_EQ(testing::RunCommand({"/usr/bin/sqlite3", path.string(), "PRAGMA integrity_check;"}).out,
            "ok\n");
}

}  // namespace
}  // namespace facetrace
