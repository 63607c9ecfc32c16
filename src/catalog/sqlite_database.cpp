#include "catalog/sqlite_database.h"

#include <sqlite3.h>

#include "catalog/sqlite_statement.h"
#include "core/error.h"

namespace facetrace {

namespace {

// How long a writer waits for another connection's write lock before failing. Enrolling one
// image holds the lock for about a millisecond, so 5 s only runs out when something is stuck.
constexpr int kBusyTimeoutMs = 5000;

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

}  // namespace

SqliteDatabase::SqliteDatabase(const std::filesystem::path& path) : path_(path) {
  // NOMUTEX: a connection belongs to one thread (see the header), so SQLite's own locking
  // would be pure overhead.
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    throw Error(ErrorCode::kDatabase, "cannot open database " + path.string() + ": " + why);
  }
  try {
    ConfigureConnection(db_);
  } catch (...) {
    sqlite3_close_v2(db_);
    throw;
  }
}

SqliteDatabase::~SqliteDatabase() { sqlite3_close_v2(db_); }

int SchemaVersion(sqlite3* db, const std::string& module) {
  if (module.empty()) {
    Statement s(db, "PRAGMA user_version");
    s.Step();
    return static_cast<int>(s.Int(0));
  }
  {
    Statement exists(db,
                     "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = "
                     "'schema_versions'");
    if (!exists.Step()) return 0;
  }
  Statement s(db, "SELECT version FROM schema_versions WHERE module = ?1");
  s.Bind(1, module);
  return s.Step() ? static_cast<int>(s.Int(0)) : 0;
}

namespace {

// Inside the migration's transaction, so the version commits with the tables or not at all
// (user_version lives in the database header, which is journaled like any page).
void SetSchemaVersion(sqlite3* db, const std::string& module, int version) {
  if (module.empty()) {
    ExecSql(db, "PRAGMA user_version = " + std::to_string(version));
    return;
  }
  ExecSql(db,
          "CREATE TABLE IF NOT EXISTS schema_versions(module TEXT PRIMARY KEY, version INTEGER "
          "NOT NULL)");
  Statement(db, "INSERT OR REPLACE INTO schema_versions(module, version) VALUES(?1, ?2)")
      .Bind(1, module)
      .Bind(2, int64_t{version})
      .Run();
}

}  // namespace

void MigrateSchema(sqlite3* db, std::span<const char* const> migrations, const std::string& what,
                   const std::string& module) {
  const int newest = static_cast<int>(migrations.size());
  if (SchemaVersion(db, module) == newest) return;  // the common case: no lock taken
  for (;;) {
    // BEGIN IMMEDIATE, then read the version again: of two processes opening a new file at
    // once, the second waits and finds the work done.
    Transaction tx(db);
    const int version = SchemaVersion(db, module);
    if (version > newest) {
      ThrowDatabaseError(db, what + " schema version " + std::to_string(version) +
                                 " is newer than this facetrace understands (" +
                                 std::to_string(newest) + "): upgrade facetrace");
    }
    if (version == newest) return;  // rolled back: nothing was written
    ExecSql(db, migrations[static_cast<size_t>(version)]);
    SetSchemaVersion(db, module, version + 1);
    tx.Commit();
  }
}

}  // namespace facetrace
