// The catalog's schema as an ordered list of migrations (applied by catalog/sqlite_database.h).
#pragma once

#include <span>

namespace facetrace {

// Migration i takes the catalog schema from version i to i+1.
std::span<const char* const> CatalogMigrations();

}  // namespace facetrace
