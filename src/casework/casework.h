// Casework: cases, the searches made for them (query photo and result), proposals that a
// candidate is the person in a query face, and reviewers' decisions on those proposals.
//
// Two-person rule. A proposal starts "proposed". A reviewer's "confirmed" moves it to
// "awaiting_second_review"; a "confirmed" by a second, different reviewer makes it "confirmed".
// Any "rejected" makes it "rejected". Decided proposals take no more decisions (kConflict); the
// same reviewer twice is kConflict; the proposer reviewing its own proposal is
// kPermissionDenied.
//
// Retention. Query photos are personal data of people who are mostly not in the gallery:
// ExpireSearchesBefore(cutoff) deletes the photos of older searches and the candidates that
// were neither possible matches nor proposed, keeping what a decision rests on. The audit log
// (audit/audit_log.h) keeps its own record (photo hash, result ids) and is never expired.
//
// Stored in the service database (access/service_database.h). Threads: one connection behind
// a mutex.
#pragma once

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace facetrace {

class SqliteDatabase;

struct CaseRecord {
  int64_t id = 0;
  std::string title;
  std::string description;
  std::string created_by;
  std::string created_at;
  int64_t searches = 0;
};

struct NewSearch {
  int64_t case_id = 0;
  std::string user;
  std::string purpose;
  std::string photo;       // the uploaded bytes
  std::string photo_type;  // its content type ("image/jpeg", ...)
  std::string photo_sha256;
  int width = 0;
  int height = 0;
  // [{"index", "box", "quality", "match", "candidates": [{"identity_id", "possible_match",
  // ...}]}]: stored as given and returned verbatim; retention reads those two candidate fields.
  nlohmann::json faces = nlohmann::json::array();
};

struct StoredSearch {
  int64_t id = 0;
  int64_t case_id = 0;
  std::string user;
  std::string purpose;
  std::string created_at;
  std::string photo_sha256;
  std::string photo_type;
  int width = 0;
  int height = 0;
  nlohmann::json faces;
  std::optional<std::string> expired_at;  // set once retention removed the photo
};

struct StoredPhoto {
  std::string bytes;
  std::string type;
};

struct Decision {
  std::string reviewer;
  std::string decision;  // "confirmed" | "rejected"
  std::string comment;
  std::string created_at;
};

struct Proposal {
  int64_t id = 0;
  int64_t search_id = 0;
  int64_t case_id = 0;
  int face_index = 0;
  int64_t identity_id = 0;
  std::string comment;
  std::string proposed_by;
  std::string created_at;
  std::string status;  // proposed | awaiting_second_review | confirmed | rejected
  std::vector<Decision> decisions;
};

struct RetentionSummary {
  int64_t searches = 0;            // searches expired by this sweep
  int64_t candidates_removed = 0;  // non-matching, unproposed candidates dropped
};

class Casework {
 public:
  static std::unique_ptr<Casework> Open(const std::filesystem::path& service_db);
  ~Casework();

  // Error(kInvalidArgument) for an empty title.
  CaseRecord CreateCase(const std::string& title, const std::string& description,
                        const std::string& user);
  std::optional<CaseRecord> GetCase(int64_t id) const;
  std::vector<CaseRecord> ListCases() const;  // newest first

  // Error(kNotFound) for an unknown case, Error(kInvalidArgument) for an empty purpose.
  int64_t AddSearch(const NewSearch& search);
  std::optional<StoredSearch> GetSearch(int64_t id) const;
  std::vector<StoredSearch> SearchesOfCase(int64_t case_id) const;  // oldest first
  // nullopt for an unknown search or one whose photo has expired.
  std::optional<StoredPhoto> SearchPhoto(int64_t search_id) const;

  // Error(kNotFound) for an unknown search; Error(kInvalidArgument) when the face index is
  // out of range or the identity is not among that face's candidates.
  Proposal Propose(int64_t search_id, int face_index, int64_t identity_id,
                   const std::string& comment, const std::string& user);
  // The two-person rule above. Error(kNotFound), kInvalidArgument (not confirmed/rejected),
  // kPermissionDenied (own proposal), kConflict (twice, or already decided).
  Proposal Decide(int64_t proposal_id, const std::string& reviewer, const std::string& decision,
                  const std::string& comment);
  std::optional<Proposal> GetProposal(int64_t id) const;
  std::vector<Proposal> ProposalsOfSearch(int64_t search_id) const;
  std::vector<Proposal> ProposalsOfCase(int64_t case_id) const;

  // Expires searches made before `cutoff` (see the header comment). Idempotent.
  RetentionSummary ExpireSearchesBefore(std::time_t cutoff);

 private:
  explicit Casework(std::unique_ptr<SqliteDatabase> db);
  std::vector<Proposal> LoadProposals(const std::string& where, int64_t id) const;
  std::unique_ptr<SqliteDatabase> db_;
  mutable std::mutex mu_;
};

}  // namespace facetrace
