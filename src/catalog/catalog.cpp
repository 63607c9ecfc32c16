#include "catalog/catalog.h"

#include <sqlite3.h>

#include <cstring>

#include <fmt/format.h>

#include "catalog/schema_migrations.h"
#include "catalog/sqlite_database.h"
#include "catalog/sqlite_statement.h"
#include "core/error.h"
#include "core/utc_time.h"

namespace facetrace {
namespace fs = std::filesystem;

namespace {

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

// The last column is the embedding length recorded for the face's model, to check blobs by.
constexpr const char* kFaceColumns =
    "id, image_id, identity_id, box_x, box_y, box_w, box_h, landmarks, detector_score, quality, "
    "model_id, embedding, (SELECT dim FROM models WHERE models.model_id = faces.model_id)";

// Rows are only written by AddImage, which validates them; a row that does not parse was
// damaged outside facetrace and must not be served as a zero embedding.
//
// The embedding blob in column `column`, checked against the length recorded for its model in
// column `column + 1`.
Embedding ReadEmbedding(sqlite3* db, const Statement& s, int column, int64_t face_id,
                        const std::string& model_id) {
  const auto blob = s.Blob(column);
  const auto dim = static_cast<size_t>(s.Int(column + 1));
  if (dim == 0 || blob.size() != dim * sizeof(float)) {
    ThrowDatabaseError(db, fmt::format("face {} has a {}-byte embedding, expected {} ({} floats "
                                       "of model '{}')",
                                       face_id, blob.size(), dim * sizeof(float), dim, model_id));
  }
  Embedding e(dim);
  std::memcpy(e.data(), blob.data(), blob.size());
  return e;
}

// A list of ids as the JSON array SQLite's json_each reads: one statement for a whole list
// rather than N placeholders.
std::string IdListJson(std::span<const int64_t> ids) {
  return nlohmann::json(std::vector<int64_t>(ids.begin(), ids.end())).dump();
}

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
  f.embedding = ReadEmbedding(db, s, 11, f.id, f.model_id);
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

// Rejects, before anything is written, what would store an unusable image.
void ValidateNewImage(const ImageRecord& image) {
  if (image.sha256.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "image " + image.path + " has no sha256");
  }
  if (image.identity_id <= 0) {
    throw Error(ErrorCode::kInvalidArgument, "image " + image.path + " has no identity");
  }
}

constexpr const char* kModelColumns = "model_id, dim, match_distance, active";

ModelRecord ReadModel(const Statement& s) {
  return {s.Text(0), static_cast<int>(s.Int(1)), static_cast<float>(s.Double(2)), s.Int(3) != 0, 0};
}

std::optional<ModelRecord> FindModelIn(sqlite3* db, const std::string& model_id) {
  Statement s(db, fmt::format("SELECT {} FROM models WHERE model_id = ?1", kModelColumns));
  s.Bind(1, model_id);
  if (!s.Step()) return std::nullopt;
  return ReadModel(s);
}

// Inside a write transaction: every face's embedding has its model's length, the models seen
// for the first time being recorded with the length their first face has. `what` names the
// image in messages.
void CheckEmbeddingLengths(sqlite3* db, const std::vector<FaceRecord>& faces,
                           const std::string& what) {
  for (size_t i = 0; i < faces.size(); ++i) {
    const FaceRecord& f = faces[i];
    if (f.model_id.empty() || f.embedding.empty()) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("face {} of image {} has no model id or no embedding", i, what));
    }
    auto model = FindModelIn(db, f.model_id);
    if (!model) {
      Statement(db,
                "INSERT INTO models(model_id, dim, active) "
                "VALUES(?1, ?2, NOT EXISTS(SELECT 1 FROM models WHERE active = 1))")
          .Bind(1, f.model_id)
          .Bind(2, static_cast<int64_t>(f.embedding.size()))
          .Run();
      continue;
    }
    if (f.embedding.size() != static_cast<size_t>(model->dim)) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("face {} of image {}: embedding has {} floats, expected {} (model "
                              "'{}')",
                              i, what, f.embedding.size(), model->dim, f.model_id));
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
      .Bind(7, NowUtc())
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
  catalog->database_ = std::make_unique<SqliteDatabase>(path);
  catalog->db_ = catalog->database_->get();
  MigrateSchema(catalog->db_, CatalogMigrations(), "catalog");
  return catalog;
}

Catalog::Catalog(fs::path path) : path_(std::move(path)) {}
Catalog::~Catalog() = default;

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
        .Bind(3, NowUtc())
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

IdentityPage Catalog::ListIdentities(const std::string& query, int64_t offset,
                                     int64_t limit) const {
  // instr() rather than LIKE: '%' and '_' in the query are then plain characters.
  constexpr const char* kWhere = "WHERE instr(lower(name), lower(?1)) > 0";
  Transaction snapshot(db_, Transaction::Mode::kRead);
  IdentityPage page;
  {
    Statement s(db_, fmt::format("SELECT COUNT(*) FROM identities {}", kWhere));
    s.Bind(1, query);
    s.Step();
    page.total = s.Int(0);
  }
  Statement s(db_, fmt::format("SELECT {}, (SELECT COUNT(*) FROM images WHERE identity_id = "
                               "identities.id), (SELECT COUNT(*) FROM faces WHERE identity_id = "
                               "identities.id) FROM identities {} ORDER BY name LIMIT ?2 OFFSET ?3",
                               kIdentityColumns, kWhere));
  s.Bind(1, query).Bind(2, limit).Bind(3, offset);
  while (s.Step()) page.identities.push_back({ReadIdentity(s), s.Int(4), s.Int(5)});
  snapshot.Commit();
  return page;
}

namespace {

void ValidateIdentityFields(const std::optional<std::string>& name,
                            const std::optional<nlohmann::json>& metadata) {
  if (name && name->empty()) {
    throw Error(ErrorCode::kInvalidArgument, "identity name must not be empty");
  }
  if (metadata && !metadata->is_object()) {
    throw Error(ErrorCode::kInvalidArgument, "identity metadata must be a JSON object");
  }
}

}  // namespace

int64_t Catalog::CreateIdentity(const std::string& name, const nlohmann::json& given) {
  const nlohmann::json metadata = given.is_null() ? nlohmann::json::object() : given;
  ValidateIdentityFields(name, metadata);
  Transaction tx(db_);
  if (FindIdentity(name)) {
    throw Error(ErrorCode::kConflict, "an identity named '" + name + "' already exists");
  }
  Statement(db_, "INSERT INTO identities(name, metadata, created_at) VALUES(?1, ?2, ?3)")
      .Bind(1, name)
      .Bind(2, metadata.dump())
      .Bind(3, NowUtc())
      .Run();
  const int64_t id = sqlite3_last_insert_rowid(db_);
  tx.Commit();
  return id;
}

void Catalog::UpdateIdentity(int64_t id, const std::optional<std::string>& name,
                             const std::optional<nlohmann::json>& metadata) {
  ValidateIdentityFields(name, metadata);
  Transaction tx(db_);
  if (!GetIdentity(id)) throw Error(ErrorCode::kNotFound, fmt::format("no identity {}", id));
  if (name) {
    const auto holder = FindIdentity(*name);
    if (holder && holder->id != id) {
      throw Error(ErrorCode::kConflict, "an identity named '" + *name + "' already exists");
    }
    Statement(db_, "UPDATE identities SET name = ?1 WHERE id = ?2")
        .Bind(1, *name)
        .Bind(2, id)
        .Run();
  }
  if (metadata) {
    Statement(db_, "UPDATE identities SET metadata = ?1 WHERE id = ?2")
        .Bind(1, metadata->dump())
        .Bind(2, id)
        .Run();
  }
  tx.Commit();
}

std::vector<ImageRecord> Catalog::ImagesOfIdentity(int64_t identity_id) const {
  Statement s(
      db_, fmt::format("SELECT {} FROM images WHERE identity_id = ?1 ORDER BY id", kImageColumns));
  s.Bind(1, identity_id);
  std::vector<ImageRecord> images;
  while (s.Step()) images.push_back(ReadImage(s));
  return images;
}

std::vector<FaceRecord> Catalog::FacesOfImage(int64_t image_id) const {
  Statement s(db_,
              fmt::format("SELECT {} FROM faces WHERE image_id = ?1 ORDER BY id", kFaceColumns));
  s.Bind(1, image_id);
  std::vector<FaceRecord> faces;
  while (s.Step()) faces.push_back(ReadFace(db_, s));
  return faces;
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
  ValidateNewImage(image);
  // The sha256 check runs under the write lock, so two writers racing on one photo cannot both
  // insert it (the UNIQUE constraint would make the loser fail instead of returning nullopt).
  Transaction tx(db_);
  if (FindImageBySha256(image.sha256)) return std::nullopt;  // rolled back: nothing written
  CheckEmbeddingLengths(db_, faces, image.path);
  const int64_t image_id = InsertImage(db_, image);
  std::vector<int64_t> face_ids = InsertFaces(db_, image, image_id, faces);
  tx.Commit();
  return face_ids;
}

std::optional<std::vector<int64_t>> Catalog::AddFaces(int64_t image_id, const std::string& model_id,
                                                      const std::vector<FaceRecord>& faces) {
  for (const FaceRecord& f : faces) {
    if (f.model_id != model_id) {
      throw Error(
          ErrorCode::kInvalidArgument,
          fmt::format("AddFaces for model '{}' got a face of model '{}'", model_id, f.model_id));
    }
  }
  Transaction tx(db_);
  const auto image = GetImage(image_id);
  if (!image) {
    throw Error(ErrorCode::kNotFound, fmt::format("no image with id {}", image_id));
  }
  if (!FacesOfImage(image_id, model_id).empty()) return std::nullopt;  // rolled back
  CheckEmbeddingLengths(db_, faces, image->path);
  std::vector<int64_t> face_ids = InsertFaces(db_, *image, image_id, faces);
  tx.Commit();
  return face_ids;
}

std::vector<ImageRecord> Catalog::ImagesAfter(int64_t after_id, int limit) const {
  Statement s(
      db_, fmt::format("SELECT {} FROM images WHERE id > ?1 ORDER BY id LIMIT ?2", kImageColumns));
  s.Bind(1, after_id).Bind(2, int64_t{limit});
  std::vector<ImageRecord> out;
  while (s.Step()) out.push_back(ReadImage(s));
  return out;
}

std::vector<FaceRecord> Catalog::FacesOfImage(int64_t image_id, const std::string& model_id) const {
  Statement s(db_, fmt::format("SELECT {} FROM faces WHERE image_id = ?1 AND model_id = ?2 "
                               "ORDER BY id",
                               kFaceColumns));
  s.Bind(1, image_id).Bind(2, model_id);
  std::vector<FaceRecord> out;
  while (s.Step()) out.push_back(ReadFace(db_, s));
  return out;
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
  Statement s(db_,
              "SELECT id, identity_id FROM faces WHERE id IN (SELECT value FROM json_each(?1))");
  s.Bind(1, IdListJson(face_ids));
  while (s.Step()) owners.emplace(s.Int(0), s.Int(1));
  return owners;
}

std::unordered_map<int64_t, std::vector<Embedding>> Catalog::EmbeddingsOfIdentities(
    std::span<const int64_t> identity_ids, const std::string& model_id) const {
  std::unordered_map<int64_t, std::vector<Embedding>> embeddings;
  if (identity_ids.empty()) return embeddings;
  Statement s(db_,
              "SELECT id, identity_id, embedding, (SELECT dim FROM models WHERE model_id = ?1) "
              "FROM faces WHERE model_id = ?1 AND identity_id IN (SELECT value FROM json_each(?2)) "
              "ORDER BY id");
  s.Bind(1, model_id).Bind(2, IdListJson(identity_ids));
  while (s.Step()) embeddings[s.Int(1)].push_back(ReadEmbedding(db_, s, 2, s.Int(0), model_id));
  return embeddings;
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

void Catalog::RegisterModel(const std::string& model_id, int dim, float match_distance) {
  if (model_id.empty() || dim < 1) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("model '{}' needs an id and a positive dim (got {})", model_id, dim));
  }
  Transaction tx(db_);
  if (const auto known = FindModelIn(db_, model_id); known && known->dim != dim) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("model '{}' is recorded in {} with {} floats per embedding, not {}",
                            model_id, path_.string(), known->dim, dim));
  }
  Statement(db_,
            "INSERT INTO models(model_id, dim, match_distance, active) "
            "VALUES(?1, ?2, ?3, NOT EXISTS(SELECT 1 FROM models WHERE active = 1)) "
            "ON CONFLICT(model_id) DO UPDATE SET match_distance = excluded.match_distance")
      .Bind(1, model_id)
      .Bind(2, int64_t{dim})
      .Bind(3, double{match_distance})
      .Run();
  tx.Commit();
}

std::optional<ModelRecord> Catalog::FindModel(const std::string& model_id) const {
  return FindModelIn(db_, model_id);
}

std::optional<ModelRecord> Catalog::ActiveModel() const {
  Statement s(db_, fmt::format("SELECT {} FROM models WHERE active = 1", kModelColumns));
  if (!s.Step()) return std::nullopt;
  return ReadModel(s);
}

void Catalog::SetActiveModel(const std::string& model_id) {
  Transaction tx(db_);
  if (!FindModelIn(db_, model_id)) {
    throw Error(ErrorCode::kNotFound,
                fmt::format("model '{}' is not recorded in {}", model_id, path_.string()));
  }
  Statement(db_, "UPDATE models SET active = (model_id = ?1)").Bind(1, model_id).Run();
  ExecSql(db_, "UPDATE meta SET value = value + 1 WHERE key = 'generation'");
  tx.Commit();
}

std::vector<ModelRecord> Catalog::ListModels() const {
  Transaction snapshot(db_, Transaction::Mode::kRead);
  std::vector<ModelRecord> models;
  {
    Statement s(db_, fmt::format("SELECT {}, (SELECT COUNT(*) FROM faces WHERE faces.model_id = "
                                 "models.model_id) FROM models ORDER BY model_id",
                                 kModelColumns));
    while (s.Step()) {
      models.push_back(ReadModel(s));
      models.back().faces = s.Int(4);
    }
  }
  snapshot.Commit();
  return models;
}

std::optional<SeenFile> Catalog::FindSeenFile(const std::string& path) const {
  Statement s(db_,
              "SELECT path, size, mtime_ns, IFNULL(image_id, 0), detection FROM seen_files "
              "WHERE path = ?1");
  s.Bind(1, path);
  if (!s.Step()) return std::nullopt;
  return SeenFile{s.Text(0), s.Int(1), s.Int(2), s.Int(3), s.Text(4)};
}

void Catalog::RecordSeenFile(const SeenFile& file) {
  if (file.image_id != 0 && !GetImage(file.image_id)) {
    throw Error(ErrorCode::kInvalidArgument, "cannot record " + file.path + " as image " +
                                                 std::to_string(file.image_id) + ": no such image");
  }
  Statement(db_,
            "INSERT OR REPLACE INTO seen_files(path, size, mtime_ns, image_id, detection, seen_at) "
            "VALUES(?1, ?2, ?3, NULLIF(?4, 0), ?5, ?6)")
      .Bind(1, file.path)
      .Bind(2, file.size)
      .Bind(3, file.mtime_ns)
      .Bind(4, file.image_id)
      .Bind(5, file.detection)
      .Bind(6, NowUtc())
      .Run();
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
