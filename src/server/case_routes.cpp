// Cases, their reports, proposals and the two-person decisions on them.
#include <fmt/format.h>
#include <httplib.h>

#include "core/error.h"
#include "core/utc_time.h"
#include "server/case_report.h"
#include "server/casework_json.h"
#include "server/service_state.h"

namespace facetrace {

std::vector<Route> CaseRoutes(ServiceState& state) {
  std::vector<Route> routes;
  routes.push_back({"POST",
                    "/v1/cases",
                    kAnalysts,
                    "Open a case (audited)",
                    Body::kJson,
                    {{"title", "string"}, {"description", "string"}},
                    {"title"},
                    {},
                    "application/json",
                    [&state](Call& call) {
                      const nlohmann::json body = JsonBody(call);
                      const CaseRecord c = state.casework->CreateCase(
                          *JsonText(body, "title", true),
                          JsonText(body, "description", false).value_or(""), call.caller->user);
                      AuditCall(state, call, "case.create", c.id, "", "", {}, {{"title", c.title}});
                      SendJson(call, CaseToJson(c), 201);
                    }});
  routes.push_back({"GET",
                    "/v1/cases",
                    kCaseReaders,
                    "All cases, newest first",
                    Body::kNone,
                    {},
                    {},
                    {},
                    "application/json",
                    [&state](Call& call) {
                      nlohmann::json cases = nlohmann::json::array();
                      for (const CaseRecord& c : state.casework->ListCases()) {
                        cases.push_back(CaseToJson(c));
                      }
                      SendJson(call, {{"cases", cases}});
                    }});
  routes.push_back(
      {"GET",
       "/v1/cases/{id}",
       kCaseReaders,
       "A case with its searches (faces, candidates) and proposals",
       Body::kNone,
       {},
       {},
       {},
       "application/json",
       [&state](Call& call) { SendJson(call, CaseDetailJson(*state.casework, PathId(call, 0))); }});
  routes.push_back(
      {"GET",
       "/v1/cases/{id}/report",
       kCaseReaders,
       "The case report: format=json (default) or html (a self-contained page); audited",
       Body::kNone,
       {},
       {},
       {"format"},
       "application/json",
       [&state](Call& call) {
         const int64_t id = PathId(call, 0);
         const std::string format =
             call.request.has_param("format") ? call.request.get_param_value("format") : "json";
         if (format != "json" && format != "html") {
           throw Error(ErrorCode::kInvalidArgument, "'format' must be json or html");
         }
         nlohmann::json report = CaseDetailJson(*state.casework, id);
         report["generated_by"] = call.caller->user;
         report["generated_at"] = NowUtc();
         AuditCall(state, call, "case.report", id, "", "", {}, {{"format", format}});
         if (format == "json") {
           SendJson(call, report);
           return;
         }
         call.response.set_content(CaseReportHtml(report), "text/html; charset=utf-8");
         call.response.set_header("Content-Security-Policy",
                                  "default-src 'none'; style-src 'unsafe-inline'");
       }});
  routes.push_back({"POST",
                    "/v1/proposals",
                    kAnalysts,
                    "Propose that a candidate is the person in a query face (audited)",
                    Body::kJson,
                    {{"search_id", "integer"},
                     {"face_index", "integer"},
                     {"identity_id", "integer"},
                     {"comment", "string"}},
                    {"search_id", "face_index", "identity_id"},
                    {},
                    "application/json",
                    [&state](Call& call) {
                      const nlohmann::json body = JsonBody(call);
                      const int64_t face_index = JsonInt(body, "face_index");
                      if (face_index < 0 || face_index > INT32_MAX) {
                        throw Error(ErrorCode::kInvalidArgument, "'face_index' is out of range");
                      }
                      const Proposal p = state.casework->Propose(
                          JsonInt(body, "search_id"), static_cast<int>(face_index),
                          JsonInt(body, "identity_id"),
                          JsonText(body, "comment", false).value_or(""), call.caller->user);
                      AuditCall(state, call, "proposal.create", p.case_id, "", "", {p.identity_id},
                                {{"proposal_id", p.id}, {"search_id", p.search_id}});
                      SendJson(call, ProposalToJson(p), 201);
                    }});
  routes.push_back(
      {"POST",
       "/v1/proposals/{id}/decisions",
       kReviewers,
       "Confirm or reject a proposal; confirmation needs two different reviewers (audited)",
       Body::kJson,
       {{"decision", "string"}, {"comment", "string"}},
       {"decision"},
       {},
       "application/json",
       [&state](Call& call) {
         const int64_t id = PathId(call, 0);
         const nlohmann::json body = JsonBody(call);
         const Proposal p =
             state.casework->Decide(id, call.caller->user, *JsonText(body, "decision", true),
                                    JsonText(body, "comment", false).value_or(""));
         AuditCall(state, call, "proposal.decide", p.case_id, "", "", {p.identity_id},
                   {{"proposal_id", p.id}, {"decision", body["decision"]}, {"status", p.status}});
         SendJson(call, ProposalToJson(p));
       }});
  return routes;
}

std::vector<Route> AuditRoutes(ServiceState& state) {
  std::vector<Route> routes;
  routes.push_back({"GET",
                    "/v1/audit",
                    kAuditors,
                    "The audit log, oldest first",
                    Body::kNone,
                    {},
                    {},
                    {"offset", "limit"},
                    "application/json",
                    [&state](Call& call) {
                      const int64_t offset = QueryInt(call, "offset", 0, 0, INT64_MAX);
                      const int64_t limit = QueryInt(call, "limit", 100, 1, 1000);
                      const AuditPage page = state.audit->List(offset, limit);
                      nlohmann::json entries = nlohmann::json::array();
                      for (const AuditEntry& e : page.entries) {
                        const AuditRecord& r = e.record;
                        entries.push_back({{"seq", e.seq},
                                           {"time", e.time},
                                           {"user", r.user},
                                           {"action", r.action},
                                           {"case_id", r.case_id ? nlohmann::json(*r.case_id)
                                                                 : nlohmann::json(nullptr)},
                                           {"purpose", r.purpose},
                                           {"photo_sha256", r.photo_sha256},
                                           {"result_ids", r.result_ids},
                                           {"detail", r.detail},
                                           {"hash", e.hash},
                                           {"prev_hash", e.prev_hash}});
                      }
                      SendJson(call, {{"entries", entries}, {"total", page.total}});
                    }});
  return routes;
}

}  // namespace facetrace
