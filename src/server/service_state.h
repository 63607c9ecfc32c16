// ServiceState: everything the API's handlers share — the engine, the service's records,
// metrics and limits — plus the small request helpers every handler uses (parse a field,
// answer JSON, write the audit entry), so handlers stay a few lines each.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "access/access_store.h"
#include "audit/audit_log.h"
#include "casework/casework.h"
#include "server/gallery_service.h"
#include "server/metrics.h"
#include "server/rate_limiter.h"
#include "server/route.h"
#include "server/server_options.h"

namespace facetrace {

struct ServiceState {
  explicit ServiceState(const ServerOptions& options);

  ServerOptions options;
  GalleryService gallery;
  std::unique_ptr<AccessStore> access;
  std::unique_ptr<AuditLog> audit;
  std::unique_ptr<Casework> casework;
  Metrics metrics;
  RateLimiter rate_limiter;
};

// Request helpers. Each throws Error(kInvalidArgument) naming the field for missing or
// malformed input, which the dispatcher answers with 400.
int64_t PathId(const Call& call, size_t i);
// The body as a JSON object.
nlohmann::json JsonBody(const Call& call);
// A text field of a JSON body; nullopt when absent and not required.
std::optional<std::string> JsonText(const nlohmann::json& body, const std::string& name,
                                    bool required);
int64_t JsonInt(const nlohmann::json& body, const std::string& name);
// Multipart fields. FormFile returns the bytes of a file part.
std::string FormFile(const Call& call, const std::string& name);
std::optional<std::string> FormText(const Call& call, const std::string& name, bool required);
int64_t FormInt(const Call& call, const std::string& name);
std::optional<double> FormNumber(const Call& call, const std::string& name);
// An integer query parameter in [min, max], `fallback` when absent.
int64_t QueryInt(const Call& call, const std::string& name, int64_t fallback, int64_t min,
                 int64_t max);

void SendJson(Call& call, const nlohmann::json& body, int status = 200);
void SendBytes(Call& call, const std::string& bytes, const std::string& content_type);

// Appends an audit entry for the caller's action.
void AuditCall(ServiceState& state, const Call& call, const std::string& action,
               std::optional<int64_t> case_id, const std::string& purpose = "",
               const std::string& photo_sha256 = "", std::vector<int64_t> result_ids = {},
               nlohmann::json detail = nlohmann::json::object());

// The route groups (one file each).
std::vector<Route> SystemRoutes(ServiceState& state);   // health, openapi, metrics, me, ui
std::vector<Route> SearchRoutes(ServiceState& state);   // search, verify, searches, chips
std::vector<Route> GalleryRoutes(ServiceState& state);  // identities, photos, faces, images
std::vector<Route> CaseRoutes(ServiceState& state);     // cases, reports, proposals, decisions
std::vector<Route> AuditRoutes(ServiceState& state);    // the audit log

}  // namespace facetrace
