#include "audit/audit_log.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "catalog/sqlite_database.h"
#include "catalog/sqlite_statement.h"
#include "core/error.h"
#include "core/utc_time.h"
#include "io/sha256.h"

namespace facetrace {

namespace {

const std::string kGenesisHash(64, '0');

constexpr std::array<const char*, 1> kMigrations = {
    R"sql(
CREATE TABLE audit_log(
  seq INTEGER PRIMARY KEY,
  time TEXT NOT NULL,
  user TEXT NOT NULL,
  action TEXT NOT NULL,
  case_id INTEGER,
  purpose TEXT NOT NULL,
  photo_sha256 TEXT NOT NULL,
  result_ids TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE TABLE audit_head(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL);
INSERT INTO audit_head(id, seq, hash) VALUES(1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql",
};

constexpr const char* kColumns =
    "seq, time, user, action, case_id, purpose, photo_sha256, result_ids, detail, prev_hash, hash";

// A row as stored. A result_ids or detail that does not parse is kept as a JSON string, so
// the recomputed hash differs and Verify reports the row instead of throwing.
AuditEntry ReadEntry(const Statement& s, bool* malformed) {
  AuditEntry e;
  e.seq = s.Int(0);
  e.time = s.Text(1);
  e.record.user = s.Text(2);
  e.record.action = s.Text(3);
  if (!s.Text(4).empty()) e.record.case_id = s.Int(4);
  e.record.purpose = s.Text(5);
  e.record.photo_sha256 = s.Text(6);
  const auto ids = nlohmann::json::parse(s.Text(7), nullptr, false);
  if (ids.is_array() &&
      std::all_of(ids.begin(), ids.end(), [](auto& v) { return v.is_number_integer(); })) {
    e.record.result_ids = ids.get<std::vector<int64_t>>();
  } else {
    *malformed = true;
  }
  const auto detail = nlohmann::json::parse(s.Text(8), nullptr, false);
  if (detail.is_discarded()) {
    *malformed = true;
  } else {
    e.record.detail = detail;
  }
  e.prev_hash = s.Text(9);
  e.hash = s.Text(10);
  return e;
}

}  // namespace

std::string CanonicalAuditContent(const AuditEntry& e) {
  const AuditRecord& r = e.record;
  const nlohmann::json content = {e.seq,
                                  e.time,
                                  r.user,
                                  r.action,
                                  r.case_id ? nlohmann::json(*r.case_id) : nlohmann::json(nullptr),
                                  r.purpose,
                                  r.photo_sha256,
                                  r.result_ids,
                                  r.detail};
  return content.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string AuditEntryHash(const AuditEntry& entry) {
  return Sha256HexOfText(entry.prev_hash + CanonicalAuditContent(entry));
}

std::unique_ptr<AuditLog> AuditLog::Open(const std::filesystem::path& service_db) {
  auto db = std::make_unique<SqliteDatabase>(service_db);
  MigrateSchema(db->get(), kMigrations, "audit", "audit");
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(db)));
}

AuditLog::AuditLog(std::unique_ptr<SqliteDatabase> db) : db_(std::move(db)) {}
AuditLog::~AuditLog() = default;

AuditEntry AuditLog::Append(const AuditRecord& record) {
  if (record.user.empty() || record.action.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "an audit record needs a user and an action");
  }
  if (!record.detail.is_object()) {
    throw Error(ErrorCode::kInvalidArgument, "audit detail must be a JSON object");
  }
  std::lock_guard lock(mu_);
  sqlite3* db = db_->get();
  Transaction tx(db);
  AuditEntry entry;
  entry.record = record;
  {
    Statement head(db, "SELECT seq, hash FROM audit_head WHERE id = 1");
    if (!head.Step()) ThrowDatabaseError(db, "the audit head row is missing");
    entry.seq = head.Int(0) + 1;
    entry.prev_hash = head.Text(1);
  }
  entry.time = NowUtc();
  entry.hash = AuditEntryHash(entry);
  Statement insert(db, fmt::format("INSERT INTO audit_log({}) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                                   "?8, ?9, ?10, ?11)",
                                   kColumns));
  insert.Bind(1, entry.seq).Bind(2, entry.time).Bind(3, record.user).Bind(4, record.action);
  if (record.case_id) insert.Bind(5, *record.case_id);  // else stays NULL
  insert.Bind(6, record.purpose)
      .Bind(7, record.photo_sha256)
      .Bind(8, nlohmann::json(record.result_ids).dump())
      .Bind(9, record.detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      .Bind(10, entry.prev_hash)
      .Bind(11, entry.hash);
  insert.Run();
  Statement(db, "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1")
      .Bind(1, entry.seq)
      .Bind(2, entry.hash)
      .Run();
  tx.Commit();
  return entry;
}

AuditPage AuditLog::List(int64_t offset, int64_t limit) const {
  std::lock_guard lock(mu_);
  sqlite3* db = db_->get();
  Transaction snapshot(db, Transaction::Mode::kRead);
  AuditPage page;
  {
    Statement count(db, "SELECT COUNT(*) FROM audit_log");
    count.Step();
    page.total = count.Int(0);
  }
  Statement s(db,
              fmt::format("SELECT {} FROM audit_log ORDER BY seq LIMIT ?1 OFFSET ?2", kColumns));
  s.Bind(1, limit).Bind(2, offset);
  bool malformed = false;
  while (s.Step()) page.entries.push_back(ReadEntry(s, &malformed));
  snapshot.Commit();
  return page;
}

AuditVerification AuditLog::Verify() const {
  std::lock_guard lock(mu_);
  sqlite3* db = db_->get();
  Transaction snapshot(db, Transaction::Mode::kRead);
  AuditVerification v;
  auto fail = [&v](int64_t seq, std::string problem) {
    if (!v.intact) return;
    v.intact = false;
    v.first_bad_seq = seq;
    v.problem = std::move(problem);
  };
  std::string prev_hash = kGenesisHash;
  int64_t expected_seq = 1;
  Statement s(db, fmt::format("SELECT {} FROM audit_log ORDER BY seq", kColumns));
  while (s.Step() && v.intact) {
    bool malformed = false;
    const AuditEntry e = ReadEntry(s, &malformed);
    ++v.entries;
    if (e.seq != expected_seq) {
      fail(expected_seq,
           fmt::format("row {} is missing (the next row is {})", expected_seq, e.seq));
    } else if (e.prev_hash != prev_hash) {
      fail(e.seq, "prev_hash does not match the previous row's hash");
    } else if (malformed || AuditEntryHash(e) != e.hash) {
      fail(e.seq, "content does not match its hash (the row was edited)");
    }
    prev_hash = e.hash;
    expected_seq = e.seq + 1;
  }
  Statement head(db, "SELECT seq, hash FROM audit_head WHERE id = 1");
  if (!head.Step()) {
    fail(expected_seq, "the audit head row is missing");
  } else if (v.intact && (head.Int(0) != expected_seq - 1 || head.Text(1) != prev_hash)) {
    fail(expected_seq, fmt::format("the log ends at row {} but {} rows were written",
                                   expected_seq - 1, head.Int(0)));
  }
  v.head_hash = prev_hash;
  snapshot.Commit();
  return v;
}

}  // namespace facetrace
