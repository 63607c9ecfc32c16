// The API's JSON for casework records (casework/casework.h): searches, proposals and cases,
// shared by the search, case and report endpoints.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "casework/casework.h"

namespace facetrace {

// {"search_id", "case_id", "user", "purpose", "created_at", "photo_sha256", "width",
//  "height", "faces", "expired_at"} — the body POST /v1/search answered, plus the record.
nlohmann::json SearchToJson(const StoredSearch& search);
// {"id", "search_id", "case_id", "face_index", "identity_id", "comment", "proposed_by",
//  "created_at", "status", "decisions": [{"reviewer", "decision", "comment", "created_at"}]}
nlohmann::json ProposalToJson(const Proposal& proposal);
nlohmann::json ProposalsToJson(const std::vector<Proposal>& proposals);
// {"id", "title", "description", "created_by", "created_at", "searches": N}
nlohmann::json CaseToJson(const CaseRecord& c);
// The case with its searches (each with its proposals) and all proposals: GET /v1/cases/{id}
// and the JSON report. Error(kNotFound) for an unknown case.
nlohmann::json CaseDetailJson(const Casework& casework, int64_t case_id);

}  // namespace facetrace
