// RAII wrappers over sqlite3_stmt and transactions, turning every SQLite failure into
// Error(kDatabase) naming the database file.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace facetrace {

// Throws Error(kDatabase) for `rc` when it is not SQLITE_OK/ROW/DONE, with SQLite's message,
// a plain-words hint for a full disk, and `context`.
void CheckSqlite(sqlite3* db, int rc, const std::string& context);

// Runs SQL without results (may hold several statements).
void ExecSql(sqlite3* db, const std::string& sql);

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binders take 1-based positions, as SQLite does; return *this for chaining.
  Statement& Bind(int pos, int64_t value);
  Statement& Bind(int pos, double value);
  Statement& Bind(int pos, const std::string& value);
  Statement& BindBlob(int pos, std::span<const uint8_t> bytes);

  // Advances; true while a row is available.
  bool Step();
  // Steps a statement that returns no rows, then resets it for reuse.
  void Run();

  int64_t Int(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;
  std::span<const uint8_t> Blob(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back if Commit() was not reached.
class Transaction {
 public:
  explicit Transaction(sqlite3* db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  sqlite3* db_;
  bool done_ = false;
};

}  // namespace facetrace
