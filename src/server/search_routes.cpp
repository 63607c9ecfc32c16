// POST /v1/search, POST /v1/verify, and the stored searches with their photos and face chips.
#include <chrono>
#include <set>

#include <fmt/format.h>
#include <httplib.h>

#include "core/error.h"
#include "server/casework_json.h"
#include "server/face_chip.h"
#include "server/service_state.h"

namespace facetrace {

namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

double MaxFalseMatchRate(const Call& call) {
  const double rate = FormNumber(call, "max_false_match_rate").value_or(1e-3);
  if (!(rate > 0 && rate <= 1)) {
    throw Error(ErrorCode::kInvalidArgument, "'max_false_match_rate' must be in (0, 1]");
  }
  return rate;
}

// The case a search or verify is made for: required, and must exist (else 404 before any
// work is done).
int64_t RequireCase(ServiceState& state, const Call& call) {
  const int64_t case_id = FormInt(call, "case_id");
  if (!state.casework->GetCase(case_id)) {
    throw Error(ErrorCode::kNotFound, fmt::format("no case {}", case_id));
  }
  return case_id;
}

void Search(ServiceState& state, Call& call) {
  const auto start = std::chrono::steady_clock::now();
  const std::string photo = FormFile(call, "photo");
  const std::string purpose = *FormText(call, "purpose", true);
  const int64_t case_id = RequireCase(state, call);
  int top_k = state.options.default_top_k;
  if (FormText(call, "top_k", false)) {
    const int64_t k = FormInt(call, "top_k");
    if (k < 1 || k > state.options.max_top_k) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("'top_k' must be from 1 to {}", state.options.max_top_k));
    }
    top_k = static_cast<int>(k);
  }
  const double rate = MaxFalseMatchRate(call);

  const AnalyzedPhoto analyzed = state.gallery.Analyze(Bytes(photo), "photo");
  const nlohmann::json faces = state.gallery.Identify(analyzed, top_k, rate);

  NewSearch record;
  record.case_id = case_id;
  record.user = call.caller->user;
  record.purpose = purpose;
  record.photo = photo;
  record.photo_type = analyzed.content_type;
  record.photo_sha256 = analyzed.sha256;
  record.width = analyzed.width;
  record.height = analyzed.height;
  record.faces = faces;
  const int64_t search_id = state.casework->AddSearch(record);

  std::vector<int64_t> result_ids;  // identities returned, first appearance order
  std::set<int64_t> seen;
  for (const auto& face : faces) {
    for (const auto& c : face["candidates"]) {
      const int64_t id = c["identity_id"].get<int64_t>();
      if (seen.insert(id).second) result_ids.push_back(id);
    }
  }
  AuditCall(state, call, "search", case_id, purpose, analyzed.sha256, result_ids,
            {{"search_id", search_id},
             {"faces", faces.size()},
             {"top_k", top_k},
             {"max_false_match_rate", rate}});

  SendJson(call, {{"search_id", search_id},
                  {"case_id", case_id},
                  {"photo_sha256", analyzed.sha256},
                  {"width", analyzed.width},
                  {"height", analyzed.height},
                  {"faces", faces}});
  state.metrics.ObserveSearchSeconds(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

void Verify(ServiceState& state, Call& call) {
  const std::string a = FormFile(call, "photo_a");
  const std::string b = FormFile(call, "photo_b");
  const std::string purpose = *FormText(call, "purpose", true);
  const int64_t case_id = RequireCase(state, call);
  const double rate = MaxFalseMatchRate(call);
  const AnalyzedPhoto photo_a = state.gallery.Analyze(Bytes(a), "photo_a");
  const AnalyzedPhoto photo_b = state.gallery.Analyze(Bytes(b), "photo_b");
  const VerifyOutcome outcome = state.gallery.Verify(photo_a, photo_b, rate);
  AuditCall(state, call, "verify", case_id, purpose, photo_a.sha256, {},
            {{"photo_b_sha256", photo_b.sha256}, {"same_person", outcome.same_person}});
  SendJson(call, {{"distance", outcome.distance},
                  {"false_match_rate", outcome.false_match_rate},
                  {"same_person", outcome.same_person},
                  {"threshold", outcome.threshold},
                  {"faces_a", photo_a.faces.size()},
                  {"faces_b", photo_b.faces.size()}});
}

StoredSearch RequireSearch(ServiceState& state, int64_t id) {
  auto search = state.casework->GetSearch(id);
  if (!search) throw Error(ErrorCode::kNotFound, fmt::format("no search {}", id));
  return *search;
}

StoredPhoto RequirePhoto(ServiceState& state, int64_t id) {
  auto photo = state.casework->SearchPhoto(id);
  if (!photo) {
    throw Error(ErrorCode::kNotFound,
                fmt::format("search {} has no photo (unknown, or expired by retention)", id));
  }
  return *photo;
}

}  // namespace

std::vector<Route> SearchRoutes(ServiceState& state) {
  std::vector<Route> routes;
  routes.push_back(
      {"POST",
       "/v1/search",
       kAnalysts,
       "Find the candidates for every face of a photo, for a case and a stated purpose (audited)",
       Body::kMultipart,
       {{"photo", "binary"},
        {"case_id", "integer"},
        {"purpose", "string"},
        {"top_k", "integer"},
        {"max_false_match_rate", "number"}},
       {"photo", "case_id", "purpose"},
       {},
       "application/json",
       [&state](Call& call) { Search(state, call); }});
  routes.push_back({"POST",
                    "/v1/verify",
                    kAnalysts,
                    "Compare the main faces of two photos (audited)",
                    Body::kMultipart,
                    {{"photo_a", "binary"},
                     {"photo_b", "binary"},
                     {"case_id", "integer"},
                     {"purpose", "string"},
                     {"max_false_match_rate", "number"}},
                    {"photo_a", "photo_b", "case_id", "purpose"},
                    {},
                    "application/json",
                    [&state](Call& call) { Verify(state, call); }});
  routes.push_back({"GET",
                    "/v1/searches/{id}",
                    kCaseReaders,
                    "A stored search with its proposals and their decisions",
                    Body::kNone,
                    {},
                    {},
                    {},
                    "application/json",
                    [&state](Call& call) {
                      const int64_t id = PathId(call, 0);
                      nlohmann::json body = SearchToJson(RequireSearch(state, id));
                      const auto proposals = ProposalsToJson(state.casework->ProposalsOfSearch(id));
                      body["proposals"] = proposals;
                      body["decisions"] = proposals;  // the contract's name for the same list
                      SendJson(call, body);
                    }});
  routes.push_back({"GET",
                    "/v1/searches/{id}/photo",
                    kCaseReaders,
                    "The query photo of a search, as uploaded (404 once expired)",
                    Body::kNone,
                    {},
                    {},
                    {},
                    "image/*",
                    [&state](Call& call) {
                      const StoredPhoto photo = RequirePhoto(state, PathId(call, 0));
                      SendBytes(call, photo.bytes, photo.type);
                    }});
  routes.push_back({"GET",
                    "/v1/searches/{id}/faces/{index}/chip",
                    kCaseReaders,
                    "JPEG crop of one query face",
                    Body::kNone,
                    {},
                    {},
                    {},
                    "image/jpeg",
                    [&state](Call& call) {
                      const int64_t id = PathId(call, 0);
                      const int64_t index = PathId(call, 1);
                      const StoredSearch search = RequireSearch(state, id);
                      if (index < 0 || static_cast<size_t>(index) >= search.faces.size()) {
                        throw Error(ErrorCode::kNotFound,
                                    fmt::format("search {} has no face {}", id, index));
                      }
                      const auto& box = search.faces[static_cast<size_t>(index)]["box"];
                      const Box face_box{box["x"].get<float>(), box["y"].get<float>(),
                                         box["width"].get<float>(), box["height"].get<float>()};
                      const StoredPhoto photo = RequirePhoto(state, id);
                      SendBytes(call,
                                FaceChipJpeg(Bytes(photo.bytes), face_box,
                                             state.gallery.pipeline_options().load_options),
                                "image/jpeg");
                    }});
  return routes;
}

}  // namespace facetrace
