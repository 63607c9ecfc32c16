#include "server/casework_json.h"

#include <fmt/format.h>

#include "core/error.h"

namespace facetrace {

nlohmann::json SearchToJson(const StoredSearch& s) {
  return {{"search_id", s.id},
          {"case_id", s.case_id},
          {"user", s.user},
          {"purpose", s.purpose},
          {"created_at", s.created_at},
          {"photo_sha256", s.photo_sha256},
          {"width", s.width},
          {"height", s.height},
          {"faces", s.faces},
          {"expired_at", s.expired_at ? nlohmann::json(*s.expired_at) : nlohmann::json(nullptr)}};
}

nlohmann::json ProposalToJson(const Proposal& p) {
  nlohmann::json decisions = nlohmann::json::array();
  for (const Decision& d : p.decisions) {
    decisions.push_back({{"reviewer", d.reviewer},
                         {"decision", d.decision},
                         {"comment", d.comment},
                         {"created_at", d.created_at}});
  }
  return {{"id", p.id},
          {"search_id", p.search_id},
          {"case_id", p.case_id},
          {"face_index", p.face_index},
          {"identity_id", p.identity_id},
          {"comment", p.comment},
          {"proposed_by", p.proposed_by},
          {"created_at", p.created_at},
          {"status", p.status},
          {"decisions", decisions}};
}

nlohmann::json ProposalsToJson(const std::vector<Proposal>& proposals) {
  nlohmann::json list = nlohmann::json::array();
  for (const Proposal& p : proposals) list.push_back(ProposalToJson(p));
  return list;
}

nlohmann::json CaseToJson(const CaseRecord& c) {
  return {{"id", c.id},
          {"title", c.title},
          {"description", c.description},
          {"created_by", c.created_by},
          {"created_at", c.created_at},
          {"searches", c.searches}};
}

nlohmann::json CaseDetailJson(const Casework& casework, int64_t case_id) {
  const auto c = casework.GetCase(case_id);
  if (!c) throw Error(ErrorCode::kNotFound, fmt::format("no case {}", case_id));
  nlohmann::json body = CaseToJson(*c);
  const std::vector<Proposal> proposals = casework.ProposalsOfCase(case_id);
  nlohmann::json searches = nlohmann::json::array();
  for (const StoredSearch& s : casework.SearchesOfCase(case_id)) {
    nlohmann::json search = SearchToJson(s);
    std::vector<Proposal> own;
    for (const Proposal& p : proposals) {
      if (p.search_id == s.id) own.push_back(p);
    }
    search["proposals"] = ProposalsToJson(own);
    searches.push_back(std::move(search));
  }
  body["searches"] = std::move(searches);
  body["proposals"] = ProposalsToJson(proposals);
  return body;
}

}  // namespace facetrace
