#include "server/openapi.h"

#include <algorithm>
#include <regex>

namespace facetrace {

namespace {

nlohmann::json Schema(const std::string& type) {
  if (type == "binary") return {{"type", "string"}, {"format", "binary"}};
  return {{"type", type}};
}

nlohmann::json ErrorResponse(const std::string& description) {
  return {
      {"description", description},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

nlohmann::json Operation(const Route& route) {
  nlohmann::json op = {{"summary", route.summary}};
  std::string roles;
  for (Role role : route.roles) roles += (roles.empty() ? "" : ", ") + std::string(RoleName(role));
  op["description"] = route.is_public() ? "Public: no token needed." : "Roles: " + roles + ".";
  op["x-roles"] = nlohmann::json::array();
  for (Role role : route.roles) op["x-roles"].push_back(RoleName(role));
  if (route.is_public()) op["security"] = nlohmann::json::array();

  nlohmann::json parameters = nlohmann::json::array();
  static const std::regex kParam(R"(\{([a-z_]+)\})");
  for (std::sregex_iterator it(route.path.begin(), route.path.end(), kParam), end; it != end;
       ++it) {
    const std::string name = (*it)[1];
    parameters.push_back({{"name", name},
                          {"in", "path"},
                          {"required", true},
                          {"schema", Schema(name == "path" ? "string" : "integer")}});
  }
  for (const std::string& name : route.query) {
    parameters.push_back(
        {{"name", name}, {"in", "query"}, {"required", false}, {"schema", Schema("string")}});
  }
  if (!parameters.empty()) op["parameters"] = parameters;

  if (route.body != Body::kNone) {
    nlohmann::json properties = nlohmann::json::object();
    for (const auto& [name, type] : route.fields) properties[name] = Schema(type);
    nlohmann::json schema = {{"type", "object"}, {"properties", properties}};
    if (!route.required.empty()) schema["required"] = route.required;
    const std::string media =
        route.body == Body::kJson ? "application/json" : "multipart/form-data";
    op["requestBody"] = {{"required", true}, {"content", {{media, {{"schema", schema}}}}}};
  }

  nlohmann::json responses = nlohmann::json::object();
  const std::string ok = route.method == "DELETE" ? "204" : "200";
  responses[ok] = {{"description", "OK"}};
  if (ok != "204") responses[ok]["content"] = {{route.produces, nlohmann::json::object()}};
  if (route.body != Body::kNone || !route.query.empty()) {
    responses["400"] = ErrorResponse("Bad input");
  }
  if (!route.is_public()) {
    responses["401"] = ErrorResponse("Missing, unknown, expired or revoked token");
    responses["403"] = ErrorResponse("The caller's role may not do this");
    responses["429"] = ErrorResponse("Rate limit for this token reached");
  }
  if (route.path.find('{') != std::string::npos) responses["404"] = ErrorResponse("Not found");
  if (route.body == Body::kMultipart) {
    responses["413"] = ErrorResponse("Upload or pixel count over the limit");
    responses["415"] = ErrorResponse("Not an image");
  }
  op["responses"] = responses;
  return op;
}

}  // namespace

nlohmann::json OpenApiDocument(const std::vector<Route>& routes) {
  nlohmann::json paths = nlohmann::json::object();
  for (const Route& route : routes) {
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    paths[route.path][method] = Operation(route);
  }
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "facetrace analyst service"},
            {"version", "1"},
            {"description",
             "Face search for analysts: candidates for human review, never verdicts. Every search "
             "needs a case and a purpose and is written to a hash-chained audit log."}}},
          {"servers", {{{"url", "/"}}}},
          {"security", {{{"bearerAuth", nlohmann::json::array()}}}},
          {"components",
           {{"securitySchemes", {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}}}}},
            {"schemas",
             {{"Error",
               {{"type", "object"},
                {"properties",
                 {{"error",
                   {{"type", "object"},
                    {"properties",
                     {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}}}}}}},
          {"paths", paths}};
}

}  // namespace facetrace
