#include "audit/audit_log.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "core/error.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

using testing::ScratchDir;
namespace fs = std::filesystem;

// Runs `sql` through a plain sqlite3 connection, as someone with the file would; returns the
// SQLite result code (SQLITE_OK or the error).
int Tamper(const fs::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc;
}

AuditRecord Search(const std::string& user, int64_t case_id) {
  AuditRecord r;
  r.user = user;
  r.action = "search";
  r.case_id = case_id;
  r.purpose = "robbery at 5th street; '); DROP TABLE audit_log; --";
  r.photo_sha256 = std::string(64, 'a');
  r.result_ids = {12, 40, 7};
  r.detail = {{"faces", 2}};
  return r;
}

// A log of five entries in `path`.
void WriteFive(const fs::path& path) {
  auto log = AuditLog::Open(path);
  for (int i = 1; i <= 5; ++i) log->Append(Search("alice", i));
}

TEST(AuditLogTest, ChainsEntriesAndListsThemVerbatim) {
  ScratchDir dir;
  auto log = AuditLog::Open(dir / "s.sqlite");
  const AuditEntry first = log->Append(Search("alice", 3));
  AuditRecord no_case;
  no_case.user = "root";
  no_case.action = "user.add";
  const AuditEntry second = log->Append(no_case);
  EXPECT_EQ(first.seq, 1);
  EXPECT_EQ(first.prev_hash, std::string(64, '0'));
  EXPECT_EQ(second.prev_hash, first.hash);
  EXPECT_EQ(first.hash, AuditEntryHash(first));
  EXPECT_NE(first.hash, second.hash);

  const AuditPage page = log->List(0, 10);
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.entries.size(), 2u);
  const AuditEntry& got = page.entries[0];
  EXPECT_EQ(got.record.purpose, Search("alice", 3).purpose);
  EXPECT_EQ(got.record.case_id, std::optional<int64_t>(3));
  EXPECT_EQ(got.record.result_ids, (std::vector<int64_t>{12, 40, 7}));
  EXPECT_EQ(got.record.detail, nlohmann::json({{"faces", 2}}));
  EXPECT_EQ(got.hash, first.hash);
  EXPECT_FALSE(page.entries[1].record.case_id);
  EXPECT_EQ(log->List(1, 10).entries.at(0).seq, 2);

  const AuditVerification v = log->Verify();
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, 2);
  EXPECT_EQ(v.head_hash, second.hash);
}

TEST(AuditLogTest, RefusesRecordsWithoutUserOrAction) {
  ScratchDir dir;
  auto log = AuditLog::Open(dir / "s.sqlite");
  AuditRecord r;
  r.action = "search";
  EXPECT_THROW(log->Append(r), Error);
  r.user = "alice";
  r.action = "";
  EXPECT_THROW(log->Append(r), Error);
  EXPECT_EQ(log->List(0, 10).total, 0);
}

TEST(AuditLogTest, TriggersRefuseUpdateAndDelete) {
  ScratchDir dir;
  WriteFive(dir / "s.sqlite");
  EXPECT_EQ(Tamper(dir / "s.sqlite", "UPDATE audit_log SET user = 'mallory' WHERE seq = 2"),
            SQLITE_CONSTRAINT);
  EXPECT_EQ(Tamper(dir / "s.sqlite", "DELETE FROM audit_log WHERE seq = 2"), SQLITE_CONSTRAINT);
  EXPECT_TRUE(AuditLog::Open(dir / "s.sqlite")->Verify().intact);
}

constexpr const char* kDropTriggers =
    "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; ";

TEST(AuditLogTest, VerifyFindsAnEditedRow) {
  ScratchDir dir;
  WriteFive(dir / "s.sqlite");
  ASSERT_EQ(Tamper(dir / "s.sqlite", std::string(kDropTriggers) +
                                         "UPDATE audit_log SET purpose = 'routine' WHERE seq = 3"),
            SQLITE_OK);
  const AuditVerification v = AuditLog::Open(dir / "s.sqlite")->Verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_seq, std::optional<int64_t>(3));
  EXPECT_NE(v.problem.find("edited"), std::string::npos) << v.problem;
}

TEST(AuditLogTest, VerifyFindsARewrittenHash) {
  // Editing a row and recomputing its own hash still breaks the next row's prev_hash link.
  ScratchDir dir;
  WriteFive(dir / "s.sqlite");
  auto log = AuditLog::Open(dir / "s.sqlite");
  AuditEntry e = log->List(1, 1).entries.at(0);
  e.record.result_ids = {};
  ASSERT_EQ(Tamper(dir / "s.sqlite", std::string(kDropTriggers) +
                                         "UPDATE audit_log SET result_ids = '[]', hash = '" +
                                         AuditEntryHash(e) + "' WHERE seq = 2"),
            SQLITE_OK);
  const AuditVerification v = log->Verify();
  EXPECT_EQ(v.first_bad_seq, std::optional<int64_t>(3));
}

TEST(AuditLogTest, VerifyFindsDeletedRowsInTheMiddleAndAtTheEnd) {
  ScratchDir dir;
  WriteFive(dir / "s.sqlite");
  ASSERT_EQ(
      Tamper(dir / "s.sqlite", std::string(kDropTriggers) + "DELETE FROM audit_log WHERE seq = 2"),
      SQLITE_OK);
  AuditVerification v = AuditLog::Open(dir / "s.sqlite")->Verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_seq, std::optional<int64_t>(2));

  ScratchDir dir2;
  WriteFive(dir2 / "s.sqlite");
  ASSERT_EQ(
      Tamper(dir2 / "s.sqlite", std::string(kDropTriggers) + "DELETE FROM audit_log WHERE seq = 5"),
      SQLITE_OK);
  v = AuditLog::Open(dir2 / "s.sqlite")->Verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_seq, std::optional<int64_t>(5));
}

TEST(AuditLogTest, CanonicalContentIsFixedOrderJson) {
  AuditEntry e;
  e.seq = 1;
  e.time = "2024-01-01T00:00:00Z";
  e.record = Search("a", 2);
  e.record.detail = {{"z", 1}, {"a", 2}};
  const std::string text = CanonicalAuditContent(e);
  EXPECT_EQ(text.rfind("[1,\"2024-01-01T00:00:00Z\",\"a\",\"search\",2,", 0), 0u) << text;
  EXPECT_NE(text.find("{\"a\":2,\"z\":1}"), std::string::npos) << text;  // keys sorted
}

}  // namespace
}  // namespace facetrace
