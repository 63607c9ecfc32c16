#include "catalog/catalog.h"

#include <sqlite3.h>

#include <chrono>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "catalog/schema_migrations.h"
#include "catalog/sqlite_statement.h"
#include "core/error.h"

namespace facetrace {
namespace fs = std::filesystem;

namespace {

std::string NowIso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

std::span<const uint8_t> AsBytes(const Embedding& e) {
  return {reinterpret_cast<const uint8_t*>(e.data()), e.size() * sizeof(float)};
}

std::string LandmarksJson(const Landmarks& lm) {
  nlohmann::json j = nlohmann::json::array();
  for (const Point2f& p : lm) j.push_back({p.x, p.y});
  return j.dump();
}

Landmarks ParseLandmarks(const std::string& text) {
  Landmarks lm{};
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return lm;
  for (size_t i = 0; i < lm.size() && i < j.size(); ++i)
    lm[i] = {j[i][0].get<float>(), j[i][1].get<float>()};
  return lm;
}

nlohmann::json ParseMetadata(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

constexpr const char* kFaceColumns =
    "id, image_id, identity_id, box_x, box_y, box_w, box_h, landmarks, detector_score, quality, "
    "model_id, "
    "embedding";

FaceRecord ReadFace(const Statement& s) {
  FaceRecord f;
  f.id = s.Int(0);
  f.image_id = s.Int(1);
  f.identity_id = s.Int(2);
  f.box = {static_cast<float>(s.Double(3)), static_cast<float>(s.Double(4)),
           static_cast<float>(s.Double(5)), static_cast<float>(s.Double(6))};
  f.landmarks = ParseLandmarks(s.Text(7));
  f.detector_score = static_cast<float>(s.Double(8));
  f.quality = static_cast<float>(s.Double(9));
  f.model_id = s.Text(10);
  const auto blob = s.Blob(11);
  f.embedding.resize(blob.size() / sizeof(float));
  if (!blob.empty())
    std::memcpy(f.embedding.data(), blob.data(), f.embedding.size() * sizeof(float));
  return f;
}

constexpr const char* kImageColumns =
    "id, sha256, path, source, identity_id, width, height, added_at";

ImageRecord ReadImage(const Statement& s) {
  ImageRecord r;
  r.id = s.Int(0);
  r.sha256 = s.Text(1);
  r.path = s.Text(2);
  r.source = s.Text(3);
  r.identity_id = s.Int(4);
  r.width = static_cast<int>(s.Int(5));
  r.height = static_cast<int>(s.Int(6));
  r.added_at = s.Text(7);
  return r;
}

Identity ReadIdentity(const Statement& s) {
  return {s.Int(0), s.Text(1), ParseMetadata(s.Text(2)), s.Text(3)};
}

}  // namespace

std::unique_ptr<Catalog> Catalog::Open(const fs::path& path) {
  std::unique_ptr<Catalog> catalog(new Catalog(path));
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  catalog->db_ = db;
  if (rc != SQLITE_OK) {
    const std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    throw Error(ErrorCode::kDatabase, "cannot open database " + path.string() + ": " + message);
  }
  sqlite3_busy_timeout(db, 5000);
  // WAL: readers never block the writer. synchronous=NORMAL: a killed process loses nothing
  // committed (the WAL is in the OS cache); a power cut may lose the last few commits, never
  // consistency. foreign_keys: deleting an identity cascades to its images and faces.
  try {
    ExecSql(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    MigrateSchema(db, path.string());
  } catch (const Error& e) {
    throw Error(ErrorCode::kDatabase,
                std::string(e.what()) + " (is " + path.string() + " a facetrace catalog?)");
  }
  return catalog;
}

Catalog::Catalog(fs::path path) : path_(std::move(path)) {}
Catalog::~Catalog() { sqlite3_close_v2(db_); }

int64_t Catalog::EnsureIdentity(const std::string& name, const nlohmann::json& metadata) {
  if (name.empty()) throw Error(ErrorCode::kInvalidArgument, "identity name must not be empty");
  if (auto existing = FindIdentity(name)) {
    if (metadata.is_object() && !metadata.empty()) {
      nlohmann::json merged = existing->metadata;
      merged.update(metadata);
      if (merged != existing->metadata) {
        Statement(db_, "UPDATE identities SET metadata = ?1 WHERE id = ?2")
            .Bind(1, merged.dump())
            .Bind(2, existing->id)
            .Run();
      }
    }
    return existing->id;
  }
  const nlohmann::json stored = metadata.is_object() ? metadata : nlohmann::json::object();
  Statement(db_, "INSERT INTO identities(name, metadata, created_at) VALUES(?1, ?2, ?3)")
      .Bind(1, name)
      .Bind(2, stored.dump())
      .Bind(3, NowIso8601())
      .Run();
  return sqlite3_last_insert_rowid(db_);
}

std::optional<Identity> Catalog::FindIdentity(const std::string& name) const {
  Statement s(db_, "SELECT id, name, metadata, created_at FROM identities WHERE name = ?1");
  s.Bind(1, name);
  if (!s.Step()) return std::nullopt;
  return ReadIdentity(s);
}

std::optional<Identity> Catalog::GetIdentity(int64_t id) const {
  Statement s(db_, "SELECT id, name, metadata, created_at FROM identities WHERE id = ?1");
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  return ReadIdentity(s);
}

std::vector<Identity> Catalog::ListIdentities() const {
  Statement s(db_, "SELECT id, name, metadata, created_at FROM identities ORDER BY name");
  std::vector<Identity> out;
  while (s.Step()) out.push_back(ReadIdentity(s));
  return out;
}

std::vector<int64_t> Catalog::RemoveIdentity(int64_t identity_id) {
  Transaction tx(db_);
  std::vector<int64_t> face_ids;
  {
    Statement s(db_, "SELECT id FROM faces WHERE identity_id = ?1 ORDER BY id");
    s.Bind(1, identity_id);
    while (s.Step()) face_ids.push_back(s.Int(0));
  }
  Statement(db_, "DELETE FROM identities WHERE id = ?1").Bind(1, identity_id).Run();
  tx.Commit();
  return face_ids;
}

std::optional<ImageRecord> Catalog::FindImageBySha256(const std::string& sha256) const {
  Statement s(db_, fmt::format("SELECT {} FROM images WHERE sha256 = ?1", kImageColumns));
  s.Bind(1, sha256);
  if (!s.Step()) return std::nullopt;
  return ReadImage(s);
}

std::optional<ImageRecord> Catalog::GetImage(int64_t image_id) const {
  Statement s(db_, fmt::format("SELECT {} FROM images WHERE id = ?1", kImageColumns));
  s.Bind(1, image_id);
  if (!s.Step()) return std::nullopt;
  return ReadImage(s);
}

std::optional<std::vector<int64_t>> Catalog::AddImage(const ImageRecord& image,
                                                      const std::vector<FaceRecord>& faces) {
  for (const FaceRecord& f : faces) {
    if (f.embedding.size() != static_cast<size_t>(kEmbeddingDim)) {
      throw Error(ErrorCode::kInvalidArgument,
                  "face embedding must have " + std::to_string(kEmbeddingDim) + " values");
    }
  }
  Transaction tx(db_);
  if (FindImageBySha256(image.sha256)) return std::nullopt;
  Statement(db_,
            "INSERT INTO images(sha256, path, source, identity_id, width, height, added_at) "
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .Bind(1, image.sha256)
      .Bind(2, image.path)
      .Bind(3, image.source)
      .Bind(4, image.identity_id)
      .Bind(5, int64_t{image.width})
      .Bind(6, int64_t{image.height})
      .Bind(7, NowIso8601())
      .Run();
  const int64_t image_id = sqlite3_last_insert_rowid(db_);
  std::vector<int64_t> ids;
  Statement insert(
      db_,
      "INSERT INTO faces(image_id, identity_id, box_x, box_y, box_w, box_h, landmarks, "
      "detector_score, quality, model_id, embedding) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
  for (const FaceRecord& f : faces) {
    insert.Bind(1, image_id)
        .Bind(2, f.identity_id ? f.identity_id : image.identity_id)
        .Bind(3, double{f.box.x})
        .Bind(4, double{f.box.y})
        .Bind(5, double{f.box.width})
        .Bind(6, double{f.box.height})
        .Bind(7, LandmarksJson(f.landmarks))
        .Bind(8, double{f.detector_score})
        .Bind(9, double{f.quality})
        .Bind(10, f.model_id)
        .BindBlob(11, AsBytes(f.embedding));
    insert.Run();
    ids.push_back(sqlite3_last_insert_rowid(db_));
  }
  tx.Commit();
  return ids;
}

std::optional<FaceRecord> Catalog::GetFace(int64_t face_id) const {
  Statement s(db_, fmt::format("SELECT {} FROM faces WHERE id = ?1", kFaceColumns));
  s.Bind(1, face_id);
  if (!s.Step()) return std::nullopt;
  return ReadFace(s);
}

std::unordered_map<int64_t, int64_t> Catalog::FaceIdentities(
    std::span<const int64_t> face_ids) const {
  std::unordered_map<int64_t, int64_t> owners;
  if (face_ids.empty()) return owners;
  // One statement for the whole list, through SQLite's json_each rather than N placeholders.
  nlohmann::json ids = nlohmann::json::array();
  for (int64_t id : face_ids) ids.push_back(id);
  Statement s(db_,
              "SELECT id, identity_id FROM faces WHERE id IN (SELECT value FROM json_each(?1))");
  s.Bind(1, ids.dump());
  while (s.Step()) owners.emplace(s.Int(0), s.Int(1));
  return owners;
}

void Catalog::ForEachFace(const std::string& model_id,
                          const std::function<void(const FaceRecord&)>& visit) const {
  Statement s(db_,
              fmt::format("SELECT {} FROM faces WHERE model_id = ?1 ORDER BY id", kFaceColumns));
  s.Bind(1, model_id);
  while (s.Step()) visit(ReadFace(s));
}

int64_t Catalog::CountFaces(const std::string& model_id) const {
  Statement s(db_, "SELECT COUNT(*) FROM faces WHERE model_id = ?1");
  s.Bind(1, model_id);
  s.Step();
  return s.Int(0);
}

int64_t Catalog::Generation() const {
  Statement s(db_, "SELECT value FROM meta WHERE key = 'generation'");
  return s.Step() ? s.Int(0) : 0;
}

CatalogStats Catalog::Stats() const {
  CatalogStats stats;
  Statement s(db_,
              "SELECT (SELECT COUNT(*) FROM identities), (SELECT COUNT(*) FROM images), "
              "(SELECT COUNT(*) FROM faces)");
  s.Step();
  stats.identities = s.Int(0);
  stats.images = s.Int(1);
  stats.faces = s.Int(2);
  stats.schema_version = SchemaVersion(db_);
  stats.generation = Generation();
  return stats;
}

}  // namespace facetrace

namespace facetrace {

void Catalog::SetMaxPageCountForTesting(int64_t pages) {
  Statement s(db_, "PRAGMA max_page_count = " + std::to_string(pages));
  s.Step();
}

}  // namespace facetrace
