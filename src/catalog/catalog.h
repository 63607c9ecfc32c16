// Catalog: the durable record of identities, gallery images and their faces (SQLite, WAL).
//
// The catalog is the source of truth; the vector index is a cache rebuilt from it. Every write
// that adds or removes faces also bumps a generation counter (by SQL triggers, inside the same
// transaction), so an index saved at generation G is known stale when the catalog moves on.
//
// One image is added in one transaction with all its faces: a crash leaves the image either
// fully present or absent, never half-enrolled. Images are keyed by the SHA-256 of their
// bytes, which makes enrolling the same photo twice a no-op.
//
// Threads and processes: a Catalog object (one SQLite connection, opened without SQLite's
// internal mutex) belongs to one thread at a time. Give every thread that needs the catalog
// its own Catalog on the same file: in WAL mode readers never block the writer nor each other,
// and concurrent writers (threads or processes) are serialised by SQLite's write lock, each
// waiting up to 5 s (busy_timeout) before giving up with Error(kDatabase).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/face.h"

struct sqlite3;

namespace facetrace {

class SqliteDatabase;

struct Identity {
  int64_t id = 0;
  std::string name;
  nlohmann::json metadata = nlohmann::json::object();  // birth date, place, source, notes...
  std::string created_at;                              // ISO 8601 UTC
};

struct ImageRecord {
  int64_t id = 0;
  std::string sha256;
  std::string path;    // as given at enroll time
  std::string source;  // provenance: a URL, a manifest name, ...
  int64_t identity_id = 0;
  int width = 0;
  int height = 0;
  std::string added_at;  // ISO 8601 UTC
};

// A gallery file an enroll has dealt with, as it was then. While a file keeps its size and
// modification time, a later enroll (a resumed one) skips it without reading it again.
struct SeenFile {
  std::string path;      // absolute, lexically normal
  int64_t size = 0;      // bytes
  int64_t mtime_ns = 0;  // modification time, ns since the filesystem clock's epoch
  int64_t image_id = 0;  // the catalogued image with these bytes; 0: no face was found
  std::string detection;  // when no face was found: the detection settings that found none
};

struct FaceRecord {
  int64_t id = 0;
  int64_t image_id = 0;
  int64_t identity_id = 0;
  Box box;
  Landmarks landmarks{};
  float detector_score = 0;
  float quality = 0;
  std::string model_id;
  Embedding embedding;
};

// A model whose embeddings the catalog holds (embed/face_embedder.h, EmbedderInfo).
struct ModelRecord {
  std::string model_id;
  int dim = 0;                  // floats per embedding
  float match_distance = 0.6f;  // the model's uncalibrated match hint
  bool active = false;          // the model search uses
  int64_t faces = 0;            // faces embedded by it (ListModels only)
};

// One row of an identity listing: the identity and how much of the gallery it holds.
struct IdentitySummary {
  Identity identity;
  int64_t photos = 0;
  int64_t faces = 0;
};

struct IdentityPage {
  std::vector<IdentitySummary> identities;  // by name
  int64_t total = 0;                        // matching identities, ignoring offset/limit
};

struct CatalogStats {
  int64_t identities = 0;
  int64_t images = 0;
  int64_t faces = 0;
  int schema_version = 0;
  int64_t generation = 0;
};

class Catalog {
 public:
  // Opens (creating if needed) and migrates to the current schema. Throws Error(kDatabase)
  // with the SQLite message and the path on failure (including a full disk).
  static std::unique_ptr<Catalog> Open(const std::filesystem::path& path);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  static constexpr int kSchemaVersion = 4;

  const std::filesystem::path& path() const { return path_; }

  // Identities ---------------------------------------------------------------------------
  // Returns the id of the identity called `name`, creating it if absent. Metadata keys given
  // here are merged into the stored metadata (new values win).
  int64_t EnsureIdentity(const std::string& name, const nlohmann::json& metadata = {});
  std::optional<Identity> FindIdentity(const std::string& name) const;
  std::optional<Identity> GetIdentity(int64_t id) const;
  std::vector<Identity> ListIdentities() const;
  // Identities whose name contains `query` (case-insensitive for ASCII; empty: all), by name,
  // skipping `offset` and returning at most `limit`.
  IdentityPage ListIdentities(const std::string& query, int64_t offset, int64_t limit) const;
  // Creates an identity; Error(kConflict) when the name is taken, Error(kInvalidArgument) for
  // an empty name or metadata that is neither null (none) nor a JSON object.
  int64_t CreateIdentity(const std::string& name, const nlohmann::json& metadata);
  // Renames and/or replaces the metadata (whichever is given). Error(kNotFound) for an unknown
  // id, Error(kConflict) for a name another identity has, Error(kInvalidArgument) as above.
  void UpdateIdentity(int64_t id, const std::optional<std::string>& name,
                      const std::optional<nlohmann::json>& metadata);
  // Deletes the identity, its images and faces; returns the ids of the deleted faces so the
  // caller can drop them from the index. Returns empty if there is no such identity.
  std::vector<int64_t> RemoveIdentity(int64_t identity_id);

  // Images and faces ---------------------------------------------------------------------
  std::optional<ImageRecord> FindImageBySha256(const std::string& sha256) const;
  std::optional<ImageRecord> GetImage(int64_t image_id) const;
  // Atomically inserts the image and its faces. Returns the new face ids (in order), or
  // nullopt when an image with the same sha256 is already there (nothing is written).
  // `image.id` and the faces' ids/image_id are ignored and assigned here. `image.identity_id`
  // must name an existing identity; a face's identity_id of 0 means the image's. A face's
  // model is registered with its embedding's length if it is not yet (RegisterModel); an
  // embedding of another length than its model's is Error(kInvalidArgument).
  std::optional<std::vector<int64_t>> AddImage(const ImageRecord& image,
                                               const std::vector<FaceRecord>& faces);
  // Atomically adds faces of `model_id` to an existing image (re-embedding with another
  // model). Returns their ids, or nullopt when the image already has faces of that model
  // (nothing is written), so that running it twice adds nothing twice. Every face must be
  // of `model_id`; validated as AddImage does; Error(kNotFound) for an unknown image.
  std::optional<std::vector<int64_t>> AddFaces(int64_t image_id, const std::string& model_id,
                                               const std::vector<FaceRecord>& faces);
  // Up to `limit` images with an id above `after_id`, in id order: walks the whole catalog in
  // pages without holding a snapshot, so the caller may write between pages.
  std::vector<ImageRecord> ImagesAfter(int64_t after_id, int limit) const;
  // The faces of one image made by `model_id`, in id order.
  std::vector<FaceRecord> FacesOfImage(int64_t image_id, const std::string& model_id) const;
  std::optional<FaceRecord> GetFace(int64_t face_id) const;
  // An identity's images in the order they were added, and an image's faces by id.
  std::vector<ImageRecord> ImagesOfIdentity(int64_t identity_id) const;
  std::vector<FaceRecord> FacesOfImage(int64_t image_id) const;
  // The embeddings made by `model_id` of the faces of each of `identity_ids` that has any, in
  // face id order (one query, embeddings only: template search reads its shortlist's here).
  std::unordered_map<int64_t, std::vector<Embedding>> EmbeddingsOfIdentities(
      std::span<const int64_t> identity_ids, const std::string& model_id) const;
  // Identity of each of `face_ids` that exists (one query: search resolves its neighbours here).
  std::unordered_map<int64_t, int64_t> FaceIdentities(std::span<const int64_t> face_ids) const;
  // Streams every face made by `model_id` in id order (for rebuilding the index). Returns the
  // generation of the snapshot it read, which is what an index built from these faces
  // reflects (Generation() called afterwards may already include another writer's faces).
  // `visit` must not call back into this Catalog: the snapshot holds its connection.
  int64_t ForEachFace(const std::string& model_id,
                      const std::function<void(const FaceRecord&)>& visit) const;
  int64_t CountFaces(const std::string& model_id) const;

  // Files an enroll has dealt with ----------------------------------------------------------
  // The record of `path` (as SeenFile::path), or nullopt. A record naming an image goes with
  // the image: removing a photo makes the next enroll read its file again.
  std::optional<SeenFile> FindSeenFile(const std::string& path) const;
  // Records what became of a file, replacing an earlier record of its path.
  // Error(kInvalidArgument) for an image_id that names no image.
  void RecordSeenFile(const SeenFile& file);

  // Models --------------------------------------------------------------------------------
  // Records `model_id` with its embedding length and match hint. A no-op when it is already
  // recorded with that dim (the match hint is updated); Error(kInvalidArgument) when it is
  // recorded with another dim, or dim < 1. The first model a catalog records (here or
  // through AddImage) becomes its active model.
  void RegisterModel(const std::string& model_id, int dim, float match_distance);
  std::optional<ModelRecord> FindModel(const std::string& model_id) const;
  // The model search uses; nullopt in a catalog that has none yet (nothing enrolled).
  std::optional<ModelRecord> ActiveModel() const;
  // Makes a recorded model the one search uses, and bumps the generation so that an index
  // saved for the former model reads as stale. Error(kNotFound) for an unrecorded model.
  void SetActiveModel(const std::string& model_id);
  // Every recorded model with its face count, by id.
  std::vector<ModelRecord> ListModels() const;

  // Settings -----------------------------------------------------------------------------
  // Named values stored with the gallery (e.g. "index.factory"); nullopt when never set.
  std::optional<std::string> GetSetting(const std::string& key) const;
  void SetSetting(const std::string& key, const std::string& value);

  // Bookkeeping --------------------------------------------------------------------------
  // Incremented by every insert or delete of a face, in the same transaction.
  int64_t Generation() const;
  // All counts from one snapshot, so they agree with each other under a concurrent writer.
  CatalogStats Stats() const;

  // Caps the database at `pages` pages (of 4 KiB), so tests can make SQLite hit a full disk.
  // Ignored below the current page count.
  void SetMaxPageCountForTesting(int64_t pages);

 private:
  explicit Catalog(std::filesystem::path path);
  std::filesystem::path path_;
  std::unique_ptr<SqliteDatabase> database_;
  sqlite3* db_ = nullptr;  // database_'s connection
};

}  // namespace facetrace
