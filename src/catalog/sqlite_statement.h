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
// the database file, `context`, and a plain-words lead for a full disk.
void CheckSqlite(sqlite3* db, int rc, const std::string& context);

// Error(kDatabase) for a failure SQLite itself did not report (a malformed row, a bad
// setting), prefixed with the database file like CheckSqlite's messages.
[[noreturn]] void ThrowDatabaseError(sqlite3* db, const std::string& message);

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
  // Makes a statement whose rows were read ready to run again (bindings are kept).
  void Reset();

  int64_t Int(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;
  std::span<const uint8_t> Blob(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

// BEGIN ... COMMIT, rolled back if Commit() was not reached.
//
// kWrite is BEGIN IMMEDIATE: the write lock is taken up front (waiting out busy_timeout), so
// a read-then-write transaction can never fail half-way with SQLITE_BUSY when another
// connection wrote in between. kRead is BEGIN DEFERRED: several statements see one snapshot.
class Transaction {
 public:
  enum class Mode { kRead, kWrite };
  explicit Transaction(sqlite3* db, Mode mode = Mode::kWrite);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  sqlite3* db_;
  bool done_ = false;
};

}  // namespace facetrace
