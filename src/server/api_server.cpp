#include "server/api_server.h"

#include <chrono>

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include "core/error.h"
#include "io/sha256.h"
#include "server/api_error.h"
#include "server/openapi.h"
#include "server/service_state.h"

namespace facetrace {

namespace {

constexpr auto kRetentionSweepInterval = std::chrono::hours(1);

// "Bearer <token>" -> token; "" when absent or in another scheme.
std::string BearerToken(const httplib::Request& req) {
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() || header.compare(0, kScheme.size(), kScheme) != 0) {
    return "";
  }
  return header.substr(kScheme.size());
}

ErrorCode CodeForStatus(int status) {
  switch (status) {
    case 400:
      return ErrorCode::kInvalidArgument;
    case 404:
    case 405:
      return ErrorCode::kNotFound;
    case 413:
      return ErrorCode::kTooLarge;
    case 415:
      return ErrorCode::kUnsupportedFormat;
    default:
      return ErrorCode::kInternal;
  }
}

}  // namespace

ApiServer::ApiServer(const ServerOptions& options)
    : options_(options),
      state_(std::make_unique<ServiceState>(options)),
      http_(std::make_unique<httplib::Server>()) {
  if (options.threads < 1) throw Error(ErrorCode::kInvalidArgument, "--threads must be at least 1");
  const size_t threads = static_cast<size_t>(options.threads);
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_payload_max_length(static_cast<size_t>(options.max_upload_bytes));
  // An idle keep-alive connection holds a worker: let it go soon.
  http_->set_keep_alive_timeout(2);
  Register();
}

ApiServer::~ApiServer() { Stop(); }

nlohmann::json ApiServer::OpenApi() const { return OpenApiDocument(routes_); }

void ApiServer::Register() {
  for (auto group : {SystemRoutes, SearchRoutes, GalleryRoutes, CaseRoutes, AuditRoutes}) {
    for (Route& route : group(*state_)) routes_.push_back(std::move(route));
  }
  routes_.push_back({"GET",
                     "/v1/openapi.json",
                     {},
                     "This OpenAPI 3 document",
                     Body::kNone,
                     {},
                     {},
                     {},
                     "application/json",
                     [this](Call& call) { SendJson(call, OpenApi()); }});
  for (size_t i = 0; i < routes_.size(); ++i) {
    const std::string pattern = PathRegex(routes_[i].path);
    auto handler = [this, i](const httplib::Request& req, httplib::Response& res) {
      Dispatch(routes_[i], req, res);
    };
    const std::string& method = routes_[i].method;
    if (method == "GET") {
      http_->Get(pattern, handler);
    } else if (method == "POST") {
      http_->Post(pattern, handler);
    } else if (method == "PATCH") {
      http_->Patch(pattern, handler);
    } else if (method == "DELETE") {
      http_->Delete(pattern, handler);
    } else {
      throw Error(ErrorCode::kInternal, "route with unknown method " + method);
    }
  }
  // Answers httplib produces itself (no route, body over the limit, unreadable multipart) get
  // the same JSON error shape as the handlers' own.
  http_->set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req,
                                                                       httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const ErrorCode code = CodeForStatus(res.status);
    const std::string message =
        res.status == 413
            ? fmt::format("request body over the {} byte upload limit", options_.max_upload_bytes)
            : fmt::format("{} {}: HTTP {}", req.method, req.path, res.status);
    res.set_content(ErrorBody(code, message).dump(), "application/json");
    state_->metrics.CountRequest(req.method, "(unrouted)", res.status);
    return httplib::Server::HandlerResponse::Handled;
  }));
}

void ApiServer::Dispatch(const Route& route, const httplib::Request& req, httplib::Response& res) {
  Call call{req, res, nullptr, {}};
  for (size_t i = 1; i < req.matches.size(); ++i) call.params.push_back(req.matches[i]);
  Principal caller;
  try {
    if (!route.is_public()) {
      const std::string token = BearerToken(req);
      caller = state_->access->Authenticate(token);
      call.caller = &caller;
      if (!state_->rate_limiter.Allow(Sha256HexOfText(token))) {
        res.set_header("Retry-After", "60");
        throw Error(ErrorCode::kRateLimited,
                    fmt::format("more than {} requests a minute with this token",
                                options_.rate_limit_per_minute));
      }
      if (!route.Allows(caller.role)) {
        throw Error(ErrorCode::kPermissionDenied,
                    fmt::format("role {} may not call {} {}", RoleName(caller.role), route.method,
                                route.path));
      }
    }
    route.handler(call);
  } catch (const Error& e) {
    res.status = HttpStatusFor(e.code());
    if (res.status == 401) res.set_header("WWW-Authenticate", "Bearer");
    if (res.status >= 500) spdlog::error("{} {}: {}", req.method, req.path, e.what());
    res.set_content(ErrorBody(e.code(), e.what())
                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    "application/json");
  } catch (const std::exception& e) {
    spdlog::error("{} {}: internal error: {}", req.method, req.path, e.what());
    res.status = 500;
    res.set_content(ErrorBody(ErrorCode::kInternal, "internal error").dump(), "application/json");
  }
  if (res.status == -1) res.status = 200;
  state_->metrics.CountRequest(route.method, route.path, res.status);
}

int ApiServer::Start() {
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
  } else {
    port_ = http_->bind_to_port(options_.host, options_.port) ? options_.port : -1;
  }
  if (port_ <= 0) {
    throw Error(ErrorCode::kIo,
                fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)",
                            options_.host, options_.port));
  }
  if (options_.retention_days > 0) retention_ = std::thread([this] { RetentionLoop(); });
  listener_ = std::thread([this] {
    http_->listen_after_bind();
    listener_done_ = true;
  });
  while (!http_->is_running() && !listener_done_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!http_->is_running()) {
    throw Error(ErrorCode::kIo, fmt::format("cannot serve on {}:{}", options_.host, port_));
  }
  return port_;
}

void ApiServer::Stop() {
  {
    std::lock_guard lock(stop_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  http_->stop();
  if (listener_.joinable()) listener_.join();
  if (retention_.joinable()) retention_.join();
  try {
    state_->gallery.SaveIndex();
  } catch (const Error& e) {
    spdlog::warn("could not save the index on shutdown ({}); it is rebuilt on next start",
                 e.what());
  }
}

RetentionSummary ApiServer::ExpireNow(std::time_t now) {
  if (options_.retention_days <= 0) return {};
  const std::time_t cutoff = now - static_cast<std::time_t>(options_.retention_days) * 86400;
  const RetentionSummary summary = state_->casework->ExpireSearchesBefore(cutoff);
  if (summary.searches > 0) {
    AuditRecord record;
    record.user = "facetrace";
    record.action = "retention.expire";
    record.detail = {{"searches", summary.searches},
                     {"candidates_removed", summary.candidates_removed},
                     {"retention_days", options_.retention_days}};
    state_->audit->Append(record);
  }
  return summary;
}

void ApiServer::RetentionLoop() {
  std::unique_lock lock(stop_mu_);
  while (!stopping_) {
    lock.unlock();
    try {
      const RetentionSummary s = ExpireNow(std::time(nullptr));
      if (s.searches > 0) spdlog::info("retention: expired {} searches", s.searches);
    } catch (const Error& e) {
      spdlog::error("retention sweep failed: {}", e.what());
    }
    lock.lock();
    stop_cv_.wait_for(lock, kRetentionSweepInterval, [this] { return stopping_; });
  }
}

}  // namespace facetrace
