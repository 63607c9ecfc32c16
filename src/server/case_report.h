// A case report for people who read it outside the tool: one self-contained HTML page (inline
// styles, no scripts, no external resources) from the case's JSON (CaseDetailJson). Every
// stored text is HTML-escaped.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace facetrace {

std::string CaseReportHtml(const nlohmann::json& report);

}  // namespace facetrace
