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

  static constexpr int kSchemaVersion = 2;

  const std::filesystem::path& path() const { return path_; }

  // Identities ---------------------------------------------------------------------------
  // Returns the id of the identity called `name`, creating it if absent. Metadata keys given
  // here are merged into the stored metadata (new values win).
  int64_t EnsureIdentity(const std::string& name, const nlohmann::json& metadata = {});
  std::optional<Identity> FindIdentity(const std::string& name) const;
  std::optional<Identity> GetIdentity(int64_t id) const;
  std::vector<Identity> ListIdentities() const;
  // Deletes the identity, its images and faces; returns the ids of the deleted faces so the
  // caller can drop them from the index. Returns empty if there is no such identity.
  std::vector<int64_t> RemoveIdentity(int64_t identity_id);

  // Images and faces ---------------------------------------------------------------------
  std::optional<ImageRecord> FindImageBySha256(const std::string& sha256) const;
  std::optional<ImageRecord> GetImage(int64_t image_id) const;
  // Atomically inserts the image and its faces. Returns the new face ids (in order), or
  // nullopt when an image with the same sha256 is already there (nothing is written).
  // `image.id` and the faces' ids/image_id are ignored and assigned here. `image.identity_id`
  // must name an existing identity; a face's identity_id of 0 means the image's. Throws
  // Error(kInvalidArgument) for an embedding that is not kEmbeddingDim floats.
  std::optional<std::vector<int64_t>> AddImage(const ImageRecord& image,
                                               const std::vector<FaceRecord>& faces);
  std::optional<FaceRecord> GetFace(int64_t face_id) const;
  // Identity of each of `face_ids` that exists (one query: search resolves its neighbours here).
  std::unordered_map<int64_t, int64_t> FaceIdentities(std::span<const int64_t> face_ids) const;
  // Streams every face made by `model_id` in id order (for rebuilding the index). Returns the
  // generation of the snapshot it read, which is what an index built from these faces
  // reflects (Generation() called afterwards may already include another writer's faces).
  // `visit` must not call back into this Catalog: the snapshot holds its connection.
  int64_t ForEachFace(const std::string& model_id,
                      const std::function<void(const FaceRecord&)>& visit) const;
  int64_t CountFaces(const std::string& model_id) const;

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
  sqlite3* db_ = nullptr;
};

}  // namespace facetrace
