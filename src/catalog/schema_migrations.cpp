#include "catalog/schema_migrations.h"

#include <sqlite3.h>

#include <array>

#include "catalog/catalog.h"
#include "catalog/sqlite_statement.h"
#include "core/error.h"

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
    // 1 -> 2: settings of this database, such as the index factory (key 'index.factory').
    R"sql(
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql",
};

}  // namespace

int SchemaVersion(sqlite3* db) {
  Statement s(db, "PRAGMA user_version");
  s.Step();
  return static_cast<int>(s.Int(0));
}

void MigrateSchema(sqlite3* db) {
  if (SchemaVersion(db) == Catalog::kSchemaVersion) return;  // the common case: no lock taken
  for (;;) {
    // BEGIN IMMEDIATE, then read the version again: of two processes opening a new file at
    // once, the second waits and finds the work done.
    Transaction tx(db);
    const int version = SchemaVersion(db);
    if (version > Catalog::kSchemaVersion) {
      ThrowDatabaseError(db, "schema version " + std::to_string(version) +
                                 " is newer than this facetrace understands (" +
                                 std::to_string(Catalog::kSchemaVersion) + "): upgrade facetrace");
    }
    if (version == Catalog::kSchemaVersion) return;  // rolled back: nothing was written
    ExecSql(db, kMigrations[static_cast<size_t>(version)]);
    // user_version lives in the database header, so it commits with the migration or not at all.
    ExecSql(db, "PRAGMA user_version = " + std::to_string(version + 1));
    tx.Commit();
  }
}

}  // namespace facetrace
