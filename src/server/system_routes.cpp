// Health, metrics, the caller's identity, and the embedded browser UI.
#include <fmt/format.h>
#include <httplib.h>

#include "core/error.h"
#include "embed/face_embedder.h"
#include "server/service_state.h"
#include "server/ui_assets.h"

namespace facetrace {

namespace {

void SendUiFile(Call& call, std::string_view path) {
  const auto file = FindUiFile(path);
  if (!file) throw Error(ErrorCode::kNotFound, "no such file in the UI");
  call.response.status = 200;
  call.response.set_content(std::string(file->bytes), std::string(file->content_type));
  call.response.set_header("X-Content-Type-Options", "nosniff");
}

int64_t IdentityCount(const ServiceState& state) {
  int64_t identities = 0;
  state.gallery.Read([&](const Catalog& c) { identities = c.Stats().identities; });
  return identities;
}

}  // namespace

std::vector<Route> SystemRoutes(ServiceState& state) {
  std::vector<Route> routes;
  routes.push_back({"GET",
                    "/v1/health",
                    {},
                    "Liveness and gallery size",
                    Body::kNone,
                    {},
                    {},
                    {},
                    "application/json",
                    [&state](Call& call) {
                      SendJson(call, {{"status", "ok"},
                                      {"faces", state.gallery.faces()},
                                      {"identities", IdentityCount(state)},
                                      {"model", FaceEmbedder::kModelId}});
                    }});
  routes.push_back({"GET",
                    "/metrics",
                    {},
                    "Prometheus metrics (text format 0.0.4)",
                    Body::kNone,
                    {},
                    {},
                    {},
                    "text/plain",
                    [&state](Call& call) {
                      call.response.set_content(
                          state.metrics.Render(state.gallery.faces(), IdentityCount(state)),
                          "text/plain; version=0.0.4; charset=utf-8");
                    }});
  routes.push_back(
      {"GET",
       "/v1/me",
       kAnyRole,
       "The caller's user name and role",
       Body::kNone,
       {},
       {},
       {},
       "application/json",
       [](Call& call) {
         SendJson(call, {{"user", call.caller->user}, {"role", RoleName(call.caller->role)}});
       }});
  routes.push_back({"GET",
                    "/",
                    {},
                    "The browser UI (index.html)",
                    Body::kNone,
                    {},
                    {},
                    {},
                    "text/html",
                    [](Call& call) { SendUiFile(call, "index.html"); }});
  routes.push_back({"GET",
                    "/ui/{path}",
                    {},
                    "The browser UI's files, embedded in the binary",
                    Body::kNone,
                    {},
                    {},
                    {},
                    "*/*",
                    [](Call& call) { SendUiFile(call, call.params.at(0)); }});
  return routes;
}

}  // namespace facetrace
