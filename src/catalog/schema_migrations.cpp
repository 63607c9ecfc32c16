#include "catalog/schema_migrations.h"

#include <array>

#include "catalog/catalog.h"

namespace facetrace {

namespace {

// Migration i takes the schema from version i to i+1. Never edit a released step: add one.
constexpr std::array<const char*, Catalog::kSchemaVersion> kMigrations = {
    // 0 -> 1: identities, images, faces, and the generation counter the index checks against.
    R"sql(
CREATE TABLE identities(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL);
CREATE TABLE images(
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  path TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  identity_id INTEGER REFERENCES identities(id) ON DELETE CASCADE,
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  added_at TEXT NOT NULL);
CREATE TABLE faces(
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  identity_id INTEGER REFERENCES identities(id) ON DELETE CASCADE,
  box_x REAL NOT NULL, box_y REAL NOT NULL, box_w REAL NOT NULL, box_h REAL NOT NULL,
  landmarks TEXT NOT NULL,
  detector_score REAL NOT NULL,
  quality REAL NOT NULL,
  model_id TEXT NOT NULL,
  embedding BLOB NOT NULL);
CREATE INDEX images_identity ON images(identity_id);
CREATE INDEX faces_identity ON faces(identity_id);
CREATE INDEX faces_image ON faces(image_id);
CREATE INDEX faces_model ON faces(model_id);
CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO meta(key, value) VALUES('generation', 0);
CREATE TRIGGER faces_added AFTER INSERT ON faces
  BEGIN UPDATE meta SET value = value + 1 WHERE key = 'generation'; END;
CREATE TRIGGER faces_removed AFTER DELETE ON faces
  BEGIN UPDATE meta SET value = value + 1 WHERE key = 'generation'; END;
)sql",
    // 1 -> 2: the models whose embeddings the catalog holds, with their length, and the one
    // search uses. A version-1 catalog held one model in practice: the most frequent is active.
    R"sql(
CREATE TABLE models(
  model_id TEXT PRIMARY KEY,
  dim INTEGER NOT NULL CHECK(dim > 0),
  match_distance REAL NOT NULL DEFAULT 0.6,
  active INTEGER NOT NULL DEFAULT 0);
INSERT INTO models(model_id, dim)
  SELECT model_id, MAX(length(embedding)) / 4 FROM faces GROUP BY model_id;
UPDATE models SET active = 1 WHERE model_id =
  (SELECT model_id FROM faces GROUP BY model_id ORDER BY COUNT(*) DESC, model_id LIMIT 1);
)sql",
    // 2 -> 3: settings of this database, such as the index factory (key 'index.factory').
    R"sql(
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql",
    // 3 -> 4: the files enrolls have dealt with (path, size, mtime), so that a resumed enroll
    // skips them unread; image_id NULL: no face found with the `detection` settings. Indexed
    // for the cascade.
    R"sql(
CREATE TABLE seen_files(
  path TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  image_id INTEGER REFERENCES images(id) ON DELETE CASCADE,
  detection TEXT NOT NULL DEFAULT '',
  seen_at TEXT NOT NULL);
CREATE INDEX seen_files_by_image ON seen_files(image_id);
)sql",
};

}  // namespace

std::span<const char* const> CatalogMigrations() { return kMigrations; }

}  // namespace facetrace
