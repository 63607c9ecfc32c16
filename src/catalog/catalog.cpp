#include "catalog/catalog.h"

#include <sqlite3.h>

#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "catalog/schema_migrations.h"
#include "catalog/sqlite_statement.h"
#include "core/error.h"

namespace facetrace {
namespace fs = std::filesystem;

namespace {

// How long a writer waits for another connection's write lock before failing. Enrolling one
// image holds the lock for about a millisecond, so 5 s only runs out when something is stuck.
constexpr int kBusyTimeoutMs = 5000;

constexpr size_t kEmbeddingBytes = kEmbeddingDim * sizeof(float);

std::string NowIso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

// Durability and concurrency settings, per connection.
//
// WAL: readers see a snapshot and never block the writer; a commit is one append to the
// -wal file. synchronous=NORMAL: the WAL is fsynced at checkpoints, not at every commit. A
// killed process (kill -9, a crash) loses nothing committed, since committed frames are
// already in the OS page cache; a power cut or kernel panic may lose the last few commits but
// never corrupts the file or tears a transaction. For a gallery that can be re-enrolled that
// trade is right: FULL would cost an fsync per image.
void ConfigureConnection(sqlite3* db) {
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  {
    Statement wal(db, "PRAGMA journal_mode=WAL");
    const std::string mode = wal.Step() ? wal.Text(0) : "";
    if (mode != "wal" && mode != "memory") {  // "memory": an in-memory database, no file
      ThrowDatabaseError(db, "cannot switch to WAL journal mode (still '" + mode +
                                 "'); is the file on a network filesystem?");
    }
  }
  ExecSql(db, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
}

std::span<const uint8_t> AsBytes(const Embedding& e) {
  return {reinterpret_cast<const uint8_t*>(e.data()), e.size() * sizeof(float)};
}

std::string LandmarksJson(const Landmarks& landmarks) {
  nlohmann::json j = nlohmann::json::array();
  for (const Point2f& p : landmarks) j.push_back({p.x, p.y});
  return j.dump();
}

// nullopt unless `text` is kLandmarkCount [x, y] pairs of numbers.
std::optional<Landmarks> ParseLandmarks(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array() || j.size() != kLandmarkCount) return std::nullopt;
  Landmarks landmarks{};
  for (size_t i = 0; i < landmarks.size(); ++i) {
    const auto& p = j[i];
    if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number()) {
      return std::nullopt;
    }
    landmarks[i] = {p[0].get<float>(), p[1].get<float>()};
  }
  return landmarks;
}

nlohmann::json ParseMetadata(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

// `stored` with `update`'s keys written over it, or nullopt when that changes nothing.
std::optional<nlohmann::json> MergedMetadata(const nlohmann::json& stored,
                                             const nlohmann::json& update) {
  if (!update.is_object()) return std::nullopt;
  nlohmann::json merged = stored;
  merged.update(update);
  if (merged == stored) return std::nullopt;
  return merged;
}

constexpr const char* kFaceColumns =
    "id, image_id, identity_id, box_x, box_y, box_w, box_h, landmarks, detector_score, quality, "
    "model_id, embedding";

// Rows are only written by AddImage, which validates them; a row that does not parse was
// damaged outside facetrace and must not be served as a zero embedding.
FaceRecord ReadFace(sqlite3* db, const Statement& s) {
  FaceRecord f;
  f.id = s.Int(0);
  f.image_id = s.Int(1);
  f.identity_id = s.Int(2);
  f.box = {static_cast<float>(s.Double(3)), static_cast<float>(s.Double(4)),
           static_cast<float>(s.Double(5)), static_cast<float>(s.Double(6))};
  const auto landmarks = ParseLandmarks(s.Text(7));
  if (!landmarks) ThrowDatabaseError(db, fmt::format("face {} has malformed landmarks", f.id));
  f.landmarks = *landmarks;
  f.detector_score = static_cast<float>(s.Double(8));
  f.quality = static_cast<float>(s.Double(9));
  f.model_id = s.Text(10);
  const auto blob = s.Blob(11);
  if (blob.size() != kEmbeddingBytes) {
    ThrowDatabaseError(db, fmt::format("face {} has a {}-byte embedding, expected {} ({} floats)",
                                       f.id, blob.size(), kEmbeddingBytes, kEmbeddingDim));
  }
  f.embedding.resize(kEmbeddingDim);
  std::memcpy(f.embedding.data(), blob.data(), kEmbeddingBytes);
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

constexpr const char* kIdentityColumns = "id, name, metadata, created_at";

Identity ReadIdentity(const Statement& s) {
  return {s.Int(0), s.Text(1), ParseMetadata(s.Text(2)), s.Text(3)};
}

// Rejects, before anything is written, what would store an unusable image or face.
void ValidateNewImage(const ImageRecord& image, const std::vector<FaceRecord>& faces) {
  if (image.sha256.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "image " + image.path + " has no sha256");
  }
  if (image.identity_id <= 0) {
    throw Error(ErrorCode::kInvalidArgument, "image " + image.path + " has no identity");
  }
  for (size_t i = 0; i < faces.size(); ++i) {
    if (faces[i].embedding.size() != static_cast<size_t>(kEmbeddingDim)) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("face {} of image {}: embedding has {} floats, expected {}", i,
                              image.path, faces[i].embedding.size(), kEmbeddingDim));
    }
  }
}

int64_t InsertImage(sqlite3* db, const ImageRecord& image) {
  Statement(db,
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
  return sqlite3_last_insert_rowid(db);
}

std::vector<int64_t> InsertFaces(sqlite3* db, const ImageRecord& image, int64_t image_id,
                                 const std::vector<FaceRecord>& faces) {
  std::vector<int64_t> ids;
  Statement insert(
      db,
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
    ids.push_back(sqlite3_last_insert_rowid(db));
  }
  return ids;
}

}  // namespace

std::unique_ptr<Catalog> Catalog::Open(const fs::path& path) {
  std::unique_ptr<Catalog> catalog(new Catalog(path));
  // NOMUTEX: a connection belongs to one thread (see the header), so SQLite's own locking
  // would be pure overhead.
  const int rc =
      sqlite3_open_v2(path.c_str(), &catalog->db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const char* why = catalog->db_ ? sqlite3_errmsg(catalog->db_) : sqlite3_errstr(rc);
    throw Error(ErrorCode::kDatabase, "cannot open database " + path.string() + ": " + why);
  }
  ConfigureConnection(catalog->db_);
  MigrateSchema(catalog->db_);
  return catalog;
}

Catalog::Catalog(fs::path path) : path_(std::move(path)) {}
Catalog::~Catalog() { sqlite3_close_v2(db_); }

int64_t Catalog::EnsureIdentity(const std::string& name, const nlohmann::json& metadata) {
  if (name.empty()) throw Error(ErrorCode::kInvalidArgument, "identity name must not be empty");
  if (!metadata.is_null() && !metadata.is_object()) {
    throw Error(ErrorCode::kInvalidArgument,
                "metadata of identity '" + name + "' must be a JSON object");
  }
  // Enrolling calls this once per image: answer from a plain read when nothing would change,
  // and take the write lock only to create or to merge.
  if (auto existing = FindIdentity(name)) {
    if (!MergedMetadata(existing->metadata, metadata)) return existing->id;
  }
  Transaction tx(db_);
  int64_t id = 0;
  if (auto existing = FindIdentity(name)) {  // again: another writer may have come first
    id = existing->id;
    if (auto merged = MergedMetadata(existing->metadata, metadata)) {
      Statement(db_, "UPDATE identities SET metadata = ?1 WHERE id = ?2")
          .Bind(1, merged->dump())
          .Bind(2, id)
          .Run();
    }
  } else {
    const nlohmann::json stored = metadata.is_object() ? metadata : nlohmann::json::object();
    Statement(db_, "INSERT INTO identities(name, metadata, created_at) VALUES(?1, ?2, ?3)")
        .Bind(1, name)
        .Bind(2, stored.dump())
        .Bind(3, NowIso8601())
        .Run();
    id = sqlite3_last_insert_rowid(db_);
  }
  tx.Commit();
  return id;
}

std::optional<Identity> Catalog::FindIdentity(const std::string& name) const {
  Statement s(db_, fmt::format("SELECT {} FROM identities WHERE name = ?1", kIdentityColumns));
  s.Bind(1, name);
  if (!s.Step()) return std::nullopt;
  return ReadIdentity(s);
}

std::optional<Identity> Catalog::GetIdentity(int64_t id) const {
  Statement s(db_, fmt::format("SELECT {} FROM identities WHERE id = ?1", kIdentityColumns));
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  return ReadIdentity(s);
}

std::vector<Identity> Catalog::ListIdentities() const {
  Statement s(db_, fmt::format("SELECT {} FROM identities ORDER BY name", kIdentityColumns));
  std::vector<Identity> out;
  while (s.Step()) out.push_back(ReadIdentity(s));
  return out;
}

std::vector<int64_t> Catalog::RemoveIdentity(int64_t identity_id) {
  Transaction tx(db_);
  std::vector<int64_t> face_ids;
  {
    // The delete cascades to faces both directly and through the identity's images; a face
    // may point at another identity than its image, so collect along both paths.
    Statement s(db_,
                "SELECT id FROM faces WHERE identity_id = ?1 OR image_id IN "
                "(SELECT id FROM images WHERE identity_id = ?1) ORDER BY id");
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
  ValidateNewImage(image, faces);
  // The sha256 check runs under the write lock, so two writers racing on one photo cannot both
  // insert it (the UNIQUE constraint would make the loser fail instead of returning nullopt).
  Transaction tx(db_);
  if (FindImageBySha256(image.sha256)) return std::nullopt;  // rolled back: nothing written
  const int64_t image_id = InsertImage(db_, image);
  std::vector<int64_t> face_ids = InsertFaces(db_, image, image_id, faces);
  tx.Commit();
  return face_ids;
}

std::optional<FaceRecord> Catalog::GetFace(int64_t face_id) const {
  Statement s(db_, fmt::format("SELECT {} FROM faces WHERE id = ?1", kFaceColumns));
  s.Bind(1, face_id);
  if (!s.Step()) return std::nullopt;
  return ReadFace(db_, s);
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

int64_t Catalog::ForEachFace(const std::string& model_id,
                             const std::function<void(const FaceRecord&)>& visit) const {
  // The generation and the faces come from one snapshot: an index built from them and saved
  // with this generation is exactly as fresh as it claims.
  Transaction snapshot(db_, Transaction::Mode::kRead);
  const int64_t generation = Generation();
  {
    Statement s(db_,
                fmt::format("SELECT {} FROM faces WHERE model_id = ?1 ORDER BY id", kFaceColumns));
    s.Bind(1, model_id);
    while (s.Step()) visit(ReadFace(db_, s));
  }
  snapshot.Commit();
  return generation;
}

int64_t Catalog::CountFaces(const std::string& model_id) const {
  Statement s(db_, "SELECT COUNT(*) FROM faces WHERE model_id = ?1");
  s.Bind(1, model_id);
  s.Step();
  return s.Int(0);
}

std::optional<std::string> Catalog::GetSetting(const std::string& key) const {
  Statement s(db_, "SELECT value FROM settings WHERE key = ?");
  s.Bind(1, key);
  if (!s.Step()) return std::nullopt;
  return s.Text(0);
}

void Catalog::SetSetting(const std::string& key, const std::string& value) {
  Statement s(db_,
              "INSERT INTO settings(key, value) VALUES(?, ?) "
              "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  s.Bind(1, key).Bind(2, value).Run();
}

int64_t Catalog::Generation() const {
  Statement s(db_, "SELECT value FROM meta WHERE key = 'generation'");
  if (!s.Step()) ThrowDatabaseError(db_, "the generation counter is missing from table meta");
  return s.Int(0);
}

CatalogStats Catalog::Stats() const {
  Transaction snapshot(db_, Transaction::Mode::kRead);
  CatalogStats stats;
  {
    Statement s(db_,
                "SELECT (SELECT COUNT(*) FROM identities), (SELECT COUNT(*) FROM images), "
                "(SELECT COUNT(*) FROM faces)");
    s.Step();
    stats.identities = s.Int(0);
    stats.images = s.Int(1);
    stats.faces = s.Int(2);
  }
  stats.schema_version = SchemaVersion(db_);
  stats.generation = Generation();
  snapshot.Commit();
  return stats;
}

void Catalog::SetMaxPageCountForTesting(int64_t pages) {
  Statement s(db_, "PRAGMA max_page_count = " + std::to_string(pages));
  s.Step();
}

}  // namespace facetrace
