// Where the analyst service keeps its own records: "<catalog>.service.sqlite", next to the
// catalog (as the index lives in "<catalog>.faiss").
//
// Why a sibling file rather than more tables in the catalog:
// - API token hashes, case notes and the search history are not gallery data. The catalog can
//   be copied to a workstation for `facetrace identify`, or rebuilt from photos, without
//   carrying credentials or the personal data of past searches (which retention expires).
// - Every search appends to the audit log and stores its result; a separate file has its own
//   write lock, so these commits never queue behind an enroll in the catalog, nor the reverse.
// - The catalog's schema versions stay the catalog's own.
// Casework refers to identities, faces and images by id without foreign keys (they live in
// the other file); a proposal keeps its identity id after the identity is deleted, which is
// what an accountable record needs anyway.
//
// Access, audit and casework share the file; each migrates its own tables under its own
// version (MigrateSchema's `module`, catalog/sqlite_database.h) and holds its own connection.
#pragma once

#include <filesystem>

namespace facetrace {

std::filesystem::path ServiceDatabasePath(const std::filesystem::path& catalog_path);

}  // namespace facetrace
