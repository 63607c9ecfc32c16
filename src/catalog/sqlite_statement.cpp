#include "catalog/sqlite_statement.h"

#include <sqlite3.h>

#include "core/error.h"

namespace facetrace {

void CheckSqlite(sqlite3* db, int rc, const std::string& context) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
  std::string message = "database " + std::string(file && *file ? file : "(unopened)") + ": " +
                        context + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  const int primary = rc & 0xff;
  if (primary == SQLITE_FULL ||
      (primary == SQLITE_IOERR && (rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC))) {
    message += " (is the disk full? nothing of the failed step was committed)";
  }
  throw Error(ErrorCode::kDatabase, message);
}

void ExecSql(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);
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

Transaction::Transaction(sqlite3* db) : db_(db) { ExecSql(db_, "BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::Commit() {
  ExecSql(db_, "COMMIT");
  done_ = true;
}

}  // namespace facetrace
