// The catalog's schema as an ordered list of migrations, applied by PRAGMA user_version.
#pragma once

#include <string>

struct sqlite3;

namespace facetrace {

// Brings the database to the newest schema, one migration per transaction. Throws
// Error(kDatabase) when the file was written by a newer facetrace (an unknown version).
void MigrateSchema(sqlite3* db, const std::string& name);

int SchemaVersion(sqlite3* db);

}  // namespace facetrace
