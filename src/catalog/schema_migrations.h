// The catalog's schema as an ordered list of migrations, applied by PRAGMA user_version.
#pragma once

struct sqlite3;

namespace facetrace {

// Brings the database to the newest schema, one migration per transaction (a crash leaves it
// at some whole version). Throws Error(kDatabase) when the file was written by a newer
// facetrace (an unknown version): nothing is touched then.
void MigrateSchema(sqlite3* db);

int SchemaVersion(sqlite3* db);

}  // namespace facetrace
