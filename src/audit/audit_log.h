// AuditLog: the append-only, hash-chained record of who did what, when, for which case and why.
//
// Every row carries hash = SHA-256(prev_hash + canonical content), where prev_hash is the
// previous row's hash (64 zeros for the first) and the canonical content is a JSON array of
// the row's fields in a fixed order (CanonicalAuditContent). Editing any field of any row,
// deleting or reordering rows breaks the chain at that row, and Verify() names the first
// broken seq. The newest seq and hash are also kept in a one-row head table, written in the
// same transaction, so deleting the newest rows is caught too.
//
// Three layers: SQL triggers refuse UPDATE and DELETE on the log (a mistaken statement fails
// loudly); the chain detects changes by anyone who bypasses the triggers (drops them with
// the sqlite3 shell); and `facetrace audit verify` prints the head hash, which an organisation
// can record elsewhere: someone able to rewrite the whole chain and its head can only be
// caught against such an outside copy.
//
// Threads and processes: Append takes SQLite's write lock (BEGIN IMMEDIATE), so the server and
// a concurrent CLI append in one order with no gap; within a process a mutex guards the
// connection.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace facetrace {

class SqliteDatabase;

// What a caller records; the log adds seq, time and the hashes.
struct AuditRecord {
  std::string user;
  std::string action;  // "search", "verify", "identity.create", "decision", ...
  std::optional<int64_t> case_id;
  std::string purpose;
  std::string photo_sha256;
  std::vector<int64_t> result_ids;  // identity ids a search returned, ids an action touched
  nlohmann::json detail = nlohmann::json::object();
};

struct AuditEntry {
  int64_t seq = 0;
  std::string time;  // ISO 8601 UTC
  AuditRecord record;
  std::string prev_hash;
  std::string hash;
};

struct AuditPage {
  std::vector<AuditEntry> entries;  // by seq
  int64_t total = 0;
};

struct AuditVerification {
  bool intact = true;
  int64_t entries = 0;                   // rows read
  std::optional<int64_t> first_bad_seq;  // set when not intact
  std::string problem;                   // what is wrong at first_bad_seq
  std::string head_hash;                 // hash of the newest row (record it elsewhere)
};

class AuditLog {
 public:
  static std::unique_ptr<AuditLog> Open(const std::filesystem::path& service_db);
  ~AuditLog();

  AuditEntry Append(const AuditRecord& record);
  AuditPage List(int64_t offset, int64_t limit) const;
  AuditVerification Verify() const;

 private:
  explicit AuditLog(std::unique_ptr<SqliteDatabase> db);
  std::unique_ptr<SqliteDatabase> db_;
  mutable std::mutex mu_;
};

// The bytes that are hashed for `entry` (with its prev_hash): the JSON array
// [seq, time, user, action, case_id, purpose, photo_sha256, result_ids, detail].
std::string CanonicalAuditContent(const AuditEntry& entry);
// SHA-256 hex of prev_hash + CanonicalAuditContent(entry).
std::string AuditEntryHash(const AuditEntry& entry);

}  // namespace facetrace
