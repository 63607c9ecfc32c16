// Route: one endpoint of the REST API — method, path template, who may call it, and its
// handler. The server's route table is the single place where roles are enforced, routes are
// registered with httplib, and the OpenAPI document is generated from, so the three cannot
// drift apart.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "access/access_store.h"
#include "access/role.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace facetrace {

// What a handler knows about the call: the request, the caller (when the route is
// authenticated) and the path parameters in template order.
struct Call {
  const httplib::Request& request;
  httplib::Response& response;
  const Principal* caller = nullptr;  // null on public routes
  std::vector<std::string> params;
};

enum class Body { kNone, kJson, kMultipart };

struct Route {
  std::string method;  // GET, POST, PATCH, DELETE
  std::string path;    // OpenAPI template: "/v1/identities/{id}"
  // Roles allowed; empty: public (no token needed).
  std::vector<Role> roles;
  std::string summary;
  Body body = Body::kNone;
  // Multipart fields or JSON properties the request carries, for the OpenAPI document:
  // name -> OpenAPI type ("string", "integer", "number", "object", "binary").
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::string> required;  // of `fields`
  std::vector<std::string> query;     // optional query parameters
  std::string produces = "application/json";
  std::function<void(Call&)> handler;

  bool is_public() const { return roles.empty(); }
  bool Allows(Role role) const;
};

// Who may call what (the whole policy; README "Analyst service" lists it in words).
inline const std::vector<Role> kAnyRole = {Role::kAdmin, Role::kAnalyst, Role::kReviewer,
                                           Role::kAuditor};
inline const std::vector<Role> kAnalysts = {Role::kAdmin, Role::kAnalyst};
inline const std::vector<Role> kGalleryReaders = {Role::kAdmin, Role::kAnalyst, Role::kReviewer};
inline const std::vector<Role> kCaseReaders = kAnyRole;
inline const std::vector<Role> kReviewers = {Role::kAdmin, Role::kReviewer};
inline const std::vector<Role> kAdmins = {Role::kAdmin};
inline const std::vector<Role> kAuditors = {Role::kAuditor};

// The std::regex httplib matches the path with: each "{name}" becomes a run of digits (every
// path parameter of this API is an integer id or index), except a final "{path}" which
// matches the rest of the path.
std::string PathRegex(const std::string& path_template);

}  // namespace facetrace
