// SqliteDatabase: one connection to a facetrace SQLite file, opened and migrated the same way
// for every store (the catalog, and the service's access, audit and casework stores).
//
// Settings, per connection: WAL (readers see a snapshot and never block the writer; a commit
// is one append to the -wal file), synchronous=NORMAL (a killed process loses nothing
// committed; a power cut may lose the last few commits but never tears a transaction),
// foreign keys on, and a 5 s busy timeout for another connection's write lock.
//
// A connection is opened without SQLite's internal mutex: it belongs to one thread at a time.
#pragma once

#include <filesystem>
#include <span>
#include <string>

struct sqlite3;

namespace facetrace {

class SqliteDatabase {
 public:
  // Opens (creating if needed). Throws Error(kDatabase) with the SQLite message and the path.
  explicit SqliteDatabase(const std::filesystem::path& path);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  sqlite3* get() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
};

// Brings schema `what` to version migrations.size(), one migration per transaction, so a crash
// leaves it at some whole version. Migration i takes version i to i+1; never edit a released
// step: add one. Throws Error(kDatabase) naming `what` when the file was written by a newer
// facetrace (an unknown version): nothing is touched then.
//
// The version is PRAGMA user_version when `module` is empty (one schema owns the file, as the
// catalog does), else the row `module` of a schema_versions table, so several modules can
// share one file and migrate independently.
void MigrateSchema(sqlite3* db, std::span<const char* const> migrations, const std::string& what,
                   const std::string& module = "");

// The version MigrateSchema reads (0 for a module never migrated).
int SchemaVersion(sqlite3* db, const std::string& module = "");

}  // namespace facetrace
