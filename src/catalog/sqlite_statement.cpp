#include "catalog/sqlite_statement.h"

#include <sqlite3.h>

#include "core/error.h"

namespace facetrace {

namespace {

std::string DatabaseName(sqlite3* db) {
  const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
  return file && *file ? file : "(unopened)";
}

// A lead in plain words for the failures a user can act on. The extended code is what tells
// a failed write(2) (ENOSPC is reported as SQLITE_FULL, EFBIG from a file size limit as
// SQLITE_IOERR_WRITE) from other I/O errors.
std::string Lead(int extended_code) {
  switch (extended_code & 0xff) {
    case SQLITE_FULL:
      return "disk full: ";
    case SQLITE_NOTADB:
      return "not a facetrace catalog: ";
    default:
      break;
  }
  if (extended_code == SQLITE_IOERR_WRITE || extended_code == SQLITE_IOERR_FSYNC) {
    return "write failed (disk full or file size limit?): ";
  }
  return "";
}

}  // namespace

void CheckSqlite(sqlite3* db, int rc, const std::string& context) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  // Without extended result codes enabled, `rc` is only the primary code.
  const int extended = db ? sqlite3_extended_errcode(db) : rc;
  const std::string lead = Lead(extended);
  std::string message = lead + "database " + DatabaseName(db) + ": " + context + ": " +
                        (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if (!lead.empty() && (extended & 0xff) != SQLITE_NOTADB) {
    // WAL commits are atomic: the failed transaction is rolled back (by Transaction or by
    // SQLite itself), what was committed before stays readable.
    message += " (nothing of the failed change was committed; earlier data is intact)";
  }
  throw Error(ErrorCode::kDatabase, message);
}

void ThrowDatabaseError(sqlite3* db, const std::string& message) {
  throw Error(ErrorCode::kDatabase, "database " + DatabaseName(db) + ": " + message);
}

void ExecSql(sqlite3* db, const std::string& sql) {
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  CheckSqlite(db, rc, "executing " + sql.substr(0, 60));
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db), sql_(sql) {
  CheckSqlite(db_,
              sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr),
              "preparing " + sql_.substr(0, 60));
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int pos, int64_t value) {
  CheckSqlite(db_, sqlite3_bind_int64(stmt_, pos, value), "binding");
  return *this;
}

Statement& Statement::Bind(int pos, double value) {
  CheckSqlite(db_, sqlite3_bind_double(stmt_, pos, value), "binding");
  return *this;
}

Statement& Statement::Bind(int pos, const std::string& value) {
  CheckSqlite(
      db_,
      sqlite3_bind_text(stmt_, pos, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT),
      "binding");
  return *this;
}

Statement& Statement::BindBlob(int pos, std::span<const uint8_t> bytes) {
  CheckSqlite(
      db_,
      sqlite3_bind_blob(stmt_, pos, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT),
      "binding");
  return *this;
}

bool Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  CheckSqlite(db_, rc, "running " + sql_.substr(0, 60));
  return rc == SQLITE_ROW;
}

void Statement::Run() {
  while (Step()) {
  }
  sqlite3_reset(stmt_);
}

void Statement::Reset() { sqlite3_reset(stmt_); }

int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::Double(int col) const { return sqlite3_column_double(stmt_, col); }

std::string Statement::Text(int col) const {
  const auto* text = sqlite3_column_text(stmt_, col);
  return text ? std::string(reinterpret_cast<const char*>(text),
                            static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
              : std::string();
}

std::span<const uint8_t> Statement::Blob(int col) const {
  const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col));
  return {data, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

Transaction::Transaction(sqlite3* db, Mode mode) : db_(db) {
  ExecSql(db_, mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

Transaction::~Transaction() {
  // After some errors (SQLITE_FULL among them) SQLite has already rolled back by itself;
  // autocommit mode is how it says so.
  if (!done_ && !sqlite3_get_autocommit(db_)) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::Commit() {
  ExecSql(db_, "COMMIT");
  done_ = true;
}

}  // namespace facetrace
