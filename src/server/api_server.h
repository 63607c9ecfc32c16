// ApiServer: `facetrace serve` — the REST API (docs/API.md) on cpp-httplib.
//
// Every request passes one dispatcher (Dispatch) that, from the route table alone:
// authenticates the bearer token (401), applies the per-token rate limit (429), checks the
// route's roles (403), runs the handler, turns a facetrace::Error into its status and JSON
// body, and counts the request in the metrics. Handlers never check roles themselves.
//
// Requests run on httplib's thread pool (ServerOptions::threads); a long search occupies one
// worker and blocks nobody else (see server/gallery_service.h for the locking). Upload size
// is capped by httplib before the body is read (413); the pixel count from the image header
// before decoding (413); non-images are 415.
#pragma once

#include <atomic>
#include <condition_variable>
#include <ctime>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "casework/casework.h"
#include "server/route.h"
#include "server/server_options.h"

namespace httplib {
class Server;
}

namespace facetrace {

struct ServiceState;

class ApiServer {
 public:
  // Opens the gallery, the service database and the models; throws Error on failure.
  explicit ApiServer(const ServerOptions& options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds (port 0: any free port) and serves on a background thread; returns the port.
  // Throws Error(kIo) when the address cannot be bound.
  int Start();
  // Stops serving (requests in flight finish), stops the retention sweep and saves the index.
  void Stop();
  int port() const { return port_; }

  const std::vector<Route>& routes() const { return routes_; }
  nlohmann::json OpenApi() const;

  // One retention sweep as of `now` (the background sweep runs hourly when retention is on).
  RetentionSummary ExpireNow(std::time_t now);

 private:
  void Register();
  void Dispatch(const Route& route, const httplib::Request& req, httplib::Response& res);
  void RetentionLoop();

  ServerOptions options_;
  std::unique_ptr<ServiceState> state_;
  std::unique_ptr<httplib::Server> http_;
  std::vector<Route> routes_;
  int port_ = 0;
  std::thread listener_;
  std::atomic<bool> listener_done_{false};
  std::thread retention_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
};

}  // namespace facetrace
