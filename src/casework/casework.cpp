#include "casework/casework.h"

#include <sqlite3.h>

#include <array>
#include <set>

#include <fmt/format.h>

#include "catalog/sqlite_database.h"
#include "catalog/sqlite_statement.h"
#include "core/error.h"
#include "core/utc_time.h"

namespace facetrace {

namespace {

constexpr std::array<const char*, 1> kMigrations = {
    R"sql(
CREATE TABLE cases(
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE TABLE searches(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  user TEXT NOT NULL,
  purpose TEXT NOT NULL,
  created_at TEXT NOT NULL,
  photo_sha256 TEXT NOT NULL,
  photo BLOB,
  photo_type TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  faces TEXT NOT NULL,
  expired_at TEXT);
CREATE INDEX searches_case ON searches(case_id);
CREATE INDEX searches_created ON searches(created_at);
CREATE TABLE proposals(
  id INTEGER PRIMARY KEY,
  search_id INTEGER NOT NULL REFERENCES searches(id),
  face_index INTEGER NOT NULL,
  identity_id INTEGER NOT NULL,
  comment TEXT NOT NULL,
  proposed_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL);
CREATE INDEX proposals_search ON proposals(search_id);
CREATE TABLE decisions(
  id INTEGER PRIMARY KEY,
  proposal_id INTEGER NOT NULL REFERENCES proposals(id),
  reviewer TEXT NOT NULL,
  decision TEXT NOT NULL,
  comment TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE(proposal_id, reviewer));
)sql",
};

constexpr const char* kCaseColumns =
    "id, title, description, created_by, created_at, "
    "(SELECT COUNT(*) FROM searches WHERE searches.case_id = cases.id)";

CaseRecord ReadCase(const Statement& s) {
  return {s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5)};
}

constexpr const char* kSearchColumns =
    "id, case_id, user, purpose, created_at, photo_sha256, photo_type, width, height, faces, "
    "COALESCE(expired_at, '')";

StoredSearch ReadSearch(sqlite3* db, const Statement& s) {
  StoredSearch r;
  r.id = s.Int(0);
  r.case_id = s.Int(1);
  r.user = s.Text(2);
  r.purpose = s.Text(3);
  r.created_at = s.Text(4);
  r.photo_sha256 = s.Text(5);
  r.photo_type = s.Text(6);
  r.width = static_cast<int>(s.Int(7));
  r.height = static_cast<int>(s.Int(8));
  r.faces = nlohmann::json::parse(s.Text(9), nullptr, false);
  if (!r.faces.is_array())
    ThrowDatabaseError(db, fmt::format("search {} has malformed faces", r.id));
  if (!s.Text(10).empty()) r.expired_at = s.Text(10);
  return r;
}

std::string DumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The search `id` read inside the caller's lock; nullopt when there is none.
std::optional<StoredSearch> FindSearch(sqlite3* db, int64_t id) {
  Statement s(db, fmt::format("SELECT {} FROM searches WHERE id = ?1", kSearchColumns));
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  return ReadSearch(db, s);
}

void RequireText(const std::string& value, const std::string& what) {
  if (value.empty()) throw Error(ErrorCode::kInvalidArgument, what + " must not be empty");
}

}  // namespace

std::unique_ptr<Casework> Casework::Open(const std::filesystem::path& service_db) {
  auto db = std::make_unique<SqliteDatabase>(service_db);
  MigrateSchema(db->get(), kMigrations, "casework", "casework");
  return std::unique_ptr<Casework>(new Casework(std::move(db)));
}

Casework::Casework(std::unique_ptr<SqliteDatabase> db) : db_(std::move(db)) {}
Casework::~Casework() = default;

CaseRecord Casework::CreateCase(const std::string& title, const std::string& description,
                                const std::string& user) {
  RequireText(title, "case title");
  std::lock_guard lock(mu_);
  sqlite3* db = db_->get();
  CaseRecord c{0, title, description, user, NowUtc(), 0};
  Statement(db,
            "INSERT INTO cases(title, description, created_by, created_at) VALUES(?1, ?2, ?3, ?4)")
      .Bind(1, title)
      .Bind(2, description)
      .Bind(3, user)
      .Bind(4, c.created_at)
      .Run();
  c.id = sqlite3_last_insert_rowid(db);
  return c;
}

std::optional<CaseRecord> Casework::GetCase(int64_t id) const {
  std::lock_guard lock(mu_);
  Statement s(db_->get(), fmt::format("SELECT {} FROM cases WHERE id = ?1", kCaseColumns));
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  return ReadCase(s);
}

std::vector<CaseRecord> Casework::ListCases() const {
  std::lock_guard lock(mu_);
  Statement s(db_->get(), fmt::format("SELECT {} FROM cases ORDER BY id DESC", kCaseColumns));
  std::vector<CaseRecord> cases;
  while (s.Step()) cases.push_back(ReadCase(s));
  return cases;
}

int64_t Casework::AddSearch(const NewSearch& search) {
  RequireText(search.purpose, "purpose");
  if (!search.faces.is_array()) {
    throw Error(ErrorCode::kInvalidArgument, "search faces must be a JSON array");
  }
  std::lock_guard lock(mu_);
  sqlite3* db = db_->get();
  Transaction tx(db);
  {
    Statement exists(db, "SELECT 1 FROM cases WHERE id = ?1");
    exists.Bind(1, search.case_id);
    if (!exists.Step()) {
      throw Error(ErrorCode::kNotFound, fmt::format("no case {}", search.case_id));
    }
  }
  Statement insert(db,
                   "INSERT INTO searches(case_id, user, purpose, created_at, photo_sha256, photo, "
                   "photo_type, width, height, faces) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
  insert.Bind(1, search.case_id)
      .Bind(2, search.user)
      .Bind(3, search.purpose)
      .Bind(4, NowUtc())
      .Bind(5, search.photo_sha256)
      .BindBlob(6, {reinterpret_cast<const uint8_t*>(search.photo.data()), search.photo.size()})
      .Bind(7, search.photo_type)
      .Bind(8, int64_t{search.width})
      .Bind(9, int64_t{search.height})
      .Bind(10, DumpJson(search.faces));
  insert.Run();
  const int64_t id = sqlite3_last_insert_rowid(db);
  tx.Commit();
  return id;
}

std::optional<StoredSearch> Casework::GetSearch(int64_t id) const {
  std::lock_guard lock(mu_);
  return FindSearch(db_->get(), id);
}

std::vector<StoredSearch> Casework::SearchesOfCase(int64_t case_id) const {
  std::lock_guard lock(mu_);
  Statement s(db_->get(), fmt::format("SELECT {} FROM searches WHERE case_id = ?1 ORDER BY id",
                                      kSearchColumns));
  s.Bind(1, case_id);
  std::vector<StoredSearch> searches;
  while (s.Step()) searches.push_back(ReadSearch(db_->get(), s));
  return searches;
}

std::optional<StoredPhoto> Casework::SearchPhoto(int64_t search_id) const {
  std::lock_guard lock(mu_);
  Statement s(db_->get(),
              "SELECT photo, photo_type FROM searches WHERE id = ?1 AND photo IS NOT NULL");
  s.Bind(1, search_id);
  if (!s.Step()) return std::nullopt;
  const auto blob = s.Blob(0);
  return StoredPhoto{std::string(reinterpret_cast<const char*>(blob.data()), blob.size()),
                     s.Text(1)};
}

std::vector<Proposal> Casework::LoadProposals(const std::string& where, int64_t id) const {
  sqlite3* db = db_->get();
  Statement s(db,
              "SELECT proposals.id, search_id, searches.case_id, face_index, identity_id, "
              "comment, proposed_by, proposals.created_at, status FROM proposals JOIN "
              "searches ON searches.id = proposals.search_id WHERE " +
                  where + " ORDER BY proposals.id");
  s.Bind(1, id);
  std::vector<Proposal> proposals;
  while (s.Step()) {
    Proposal p;
    p.id = s.Int(0);
    p.search_id = s.Int(1);
    p.case_id = s.Int(2);
    p.face_index = static_cast<int>(s.Int(3));
    p.identity_id = s.Int(4);
    p.comment = s.Text(5);
    p.proposed_by = s.Text(6);
    p.created_at = s.Text(7);
    p.status = s.Text(8);
    proposals.push_back(std::move(p));
  }
  Statement d(db,
              "SELECT reviewer, decision, comment, created_at FROM decisions "
              "WHERE proposal_id = ?1 ORDER BY id");
  for (Proposal& p : proposals) {
    d.Bind(1, p.id);
    while (d.Step()) p.decisions.push_back({d.Text(0), d.Text(1), d.Text(2), d.Text(3)});
    d.Reset();
  }
  return proposals;
}

Proposal Casework::Propose(int64_t search_id, int face_index, int64_t identity_id,
                           const std::string& comment, const std::string& user) {
  std::lock_guard lock(mu_);
  sqlite3* db = db_->get();
  Transaction tx(db);
  const auto search = FindSearch(db, search_id);
  if (!search) throw Error(ErrorCode::kNotFound, fmt::format("no search {}", search_id));
  const nlohmann::json& faces = search->faces;
  if (face_index < 0 || static_cast<size_t>(face_index) >= faces.size()) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("search {} has no face {} (it has {})",
                                                         search_id, face_index, faces.size()));
  }
  bool candidate = false;
  for (const auto& c :
       faces[static_cast<size_t>(face_index)].value("candidates", nlohmann::json::array())) {
    candidate = candidate || c.value("identity_id", int64_t{0}) == identity_id;
  }
  if (!candidate) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("identity {} is not a candidate for face {} of search {}", identity_id,
                            face_index, search_id));
  }
  Statement(db,
            "INSERT INTO proposals(search_id, face_index, identity_id, comment, proposed_by, "
            "created_at, status) VALUES(?1, ?2, ?3, ?4, ?5, ?6, 'proposed')")
      .Bind(1, search_id)
      .Bind(2, int64_t{face_index})
      .Bind(3, identity_id)
      .Bind(4, comment)
      .Bind(5, user)
      .Bind(6, NowUtc())
      .Run();
  const int64_t id = sqlite3_last_insert_rowid(db);
  auto proposals = LoadProposals("proposals.id = ?1", id);
  tx.Commit();
  return proposals.at(0);
}

Proposal Casework::Decide(int64_t proposal_id, const std::string& reviewer,
                          const std::string& decision, const std::string& comment) {
  if (decision != "confirmed" && decision != "rejected") {
    throw Error(ErrorCode::kInvalidArgument,
                "decision must be \"confirmed\" or \"rejected\", not \"" + decision + "\"");
  }
  std::lock_guard lock(mu_);
  sqlite3* db = db_->get();
  Transaction tx(db);
  auto found = LoadProposals("proposals.id = ?1", proposal_id);
  if (found.empty()) throw Error(ErrorCode::kNotFound, fmt::format("no proposal {}", proposal_id));
  const Proposal& p = found.front();
  if (p.proposed_by == reviewer) {
    throw Error(ErrorCode::kPermissionDenied, "the proposer may not review its own proposal");
  }
  for (const Decision& d : p.decisions) {
    if (d.reviewer == reviewer) {
      throw Error(ErrorCode::kConflict,
                  fmt::format("{} has already decided on proposal {}: a second, different "
                              "reviewer must confirm",
                              reviewer, proposal_id));
    }
  }
  if (p.status != "proposed" && p.status != "awaiting_second_review") {
    throw Error(ErrorCode::kConflict,
                fmt::format("proposal {} is already {}", proposal_id, p.status));
  }
  const std::string status = decision == "rejected"   ? "rejected"
                             : p.status == "proposed" ? "awaiting_second_review"
                                                      : "confirmed";
  Statement(db,
            "INSERT INTO decisions(proposal_id, reviewer, decision, comment, created_at) "
            "VALUES(?1, ?2, ?3, ?4, ?5)")
      .Bind(1, proposal_id)
      .Bind(2, reviewer)
      .Bind(3, decision)
      .Bind(4, comment)
      .Bind(5, NowUtc())
      .Run();
  Statement(db, "UPDATE proposals SET status = ?1 WHERE id = ?2")
      .Bind(1, status)
      .Bind(2, proposal_id)
      .Run();
  auto updated = LoadProposals("proposals.id = ?1", proposal_id);
  tx.Commit();
  return updated.at(0);
}

std::optional<Proposal> Casework::GetProposal(int64_t id) const {
  std::lock_guard lock(mu_);
  auto found = LoadProposals("proposals.id = ?1", id);
  if (found.empty()) return std::nullopt;
  return found.front();
}

std::vector<Proposal> Casework::ProposalsOfSearch(int64_t search_id) const {
  std::lock_guard lock(mu_);
  return LoadProposals("proposals.search_id = ?1", search_id);
}

std::vector<Proposal> Casework::ProposalsOfCase(int64_t case_id) const {
  std::lock_guard lock(mu_);
  return LoadProposals("searches.case_id = ?1", case_id);
}

RetentionSummary Casework::ExpireSearchesBefore(std::time_t cutoff) {
  std::lock_guard lock(mu_);
  sqlite3* db = db_->get();
  Transaction tx(db);
  RetentionSummary summary;
  std::vector<StoredSearch> due;
  {
    Statement s(db, fmt::format("SELECT {} FROM searches WHERE expired_at IS NULL AND "
                                "created_at < ?1 ORDER BY id",
                                kSearchColumns));
    s.Bind(1, FormatUtc(cutoff));
    while (s.Step()) due.push_back(ReadSearch(db, s));
  }
  const std::string now = NowUtc();
  Statement update(db,
                   "UPDATE searches SET photo = NULL, faces = ?1, expired_at = ?2 WHERE id = ?3");
  for (StoredSearch& search : due) {
    std::set<std::pair<int64_t, int64_t>> proposed;  // (face index, identity id)
    for (const Proposal& p : LoadProposals("proposals.search_id = ?1", search.id)) {
      proposed.emplace(p.face_index, p.identity_id);
    }
    for (size_t f = 0; f < search.faces.size(); ++f) {
      auto& face = search.faces[f];
      if (!face.contains("candidates") || !face["candidates"].is_array()) continue;
      nlohmann::json kept = nlohmann::json::array();
      for (const auto& c : face["candidates"]) {
        const bool keep =
            c.value("possible_match", false) ||
            proposed.count({static_cast<int64_t>(f), c.value("identity_id", int64_t{0})});
        if (keep) {
          kept.push_back(c);
        } else {
          ++summary.candidates_removed;
        }
      }
      face["candidates"] = std::move(kept);
    }
    update.Bind(1, DumpJson(search.faces)).Bind(2, now).Bind(3, search.id);
    update.Run();
    ++summary.searches;
  }
  tx.Commit();
  return summary;
}

}  // namespace facetrace
