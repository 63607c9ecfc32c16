// facetrace_load: concurrent search clients against a running `facetrace serve`, bounded in
// requests and time, counting every response by status (docs/PERFORMANCE.md, "Analyst service
// under load").
//
//   build/facetrace_load --port 8080 --token ft_... --photos DIR --clients 4
//                        --requests 400 --seconds 300 --server-pid PID
//
// Each client thread has its own connection and posts the photos of DIR (round robin) to
// POST /v1/search for one case it opens first. Reports requests/s, latency p50/p95/max,
// responses by status (anything but 200 is an error), and the server's resident memory
// before and after (from /proc/PID, so run it on the server's machine).
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "io/image_loader.h"
#include "measure.h"

namespace facetrace::bench {
namespace {

namespace fs = std::filesystem;

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string token;
  std::string photos;
  int clients = 4;
  int requests = 200;
  double seconds = 300;
  std::string server_pid;
};

std::vector<std::string> ReadPhotos(const std::string& dir) {
  std::vector<std::string> photos;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && HasImageExtension(entry.path())) {
      const auto bytes = ReadFileBytes(entry.path(), 64 << 20);
      photos.emplace_back(bytes.begin(), bytes.end());
    }
  }
  return photos;
}

int Run(const Options& o) {
  const std::vector<std::string> photos = ReadPhotos(o.photos);
  if (photos.empty()) throw std::runtime_error("no photos in " + o.photos);
  const httplib::Headers auth = {{"Authorization", "Bearer " + o.token}};
  httplib::Client setup(o.host, o.port);
  auto health = setup.Get("/v1/health");
  if (!health || health->status != 200) throw std::runtime_error("the server is not up");
  std::printf("server: %s\n", health->body.c_str());
  auto r = setup.Post("/v1/cases", auth, R"({"title": "load test"})", "application/json");
  if (!r || r->status != 201)
    throw std::runtime_error("cannot open a case: " +
                             (r ? r->body : httplib::to_string(r.error())));
  const std::string case_id = std::to_string(nlohmann::json::parse(r->body)["id"].get<int64_t>());

  const double rss_before = o.server_pid.empty() ? 0 : ResidentBytes(o.server_pid);
  std::atomic<int> issued{0};
  std::mutex mu;
  std::vector<double> latencies;
  std::map<std::string, int> statuses;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < o.clients; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client(o.host, o.port);
      client.set_read_timeout(120, 0);
      client.set_keep_alive(true);
      for (int i = issued++; i < o.requests && SecondsSince(start) < o.seconds; i = issued++) {
        const std::string& photo = photos[static_cast<size_t>(i + c) % photos.size()];
        const auto t = Clock::now();
        auto res = client.Post("/v1/search", auth,
                               httplib::MultipartFormDataItems{
                                   {"photo", photo, "probe.jpg", "application/octet-stream"},
                                   {"case_id", case_id, "", ""},
                                   {"purpose", "load test", "", ""}});
        const double ms = SecondsSince(t) * 1e3;
        const std::string status =
            res ? std::to_string(res->status) : httplib::to_string(res.error());
        std::lock_guard lock(mu);
        latencies.push_back(ms);
        ++statuses[status];
      }
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = SecondsSince(start);
  const double rss_after = o.server_pid.empty() ? 0 : ResidentBytes(o.server_pid);
  int errors = 0;
  std::string by_status;
  for (const auto& [status, count] : statuses) {
    if (status != "200") errors += count;
    by_status += fmt::format(" {}:{}", status, count);
  }
  std::printf("clients %d, requests %zu in %.1f s: %.2f requests/s\n", o.clients, latencies.size(),
              elapsed, static_cast<double>(latencies.size()) / elapsed);
  std::printf("latency ms: p50 %.0f  p95 %.0f  max %.0f\n", Percentile(latencies, 0.5),
              Percentile(latencies, 0.95), Percentile(latencies, 1.0));
  std::printf("responses by status:%s  errors %d\n", by_status.c_str(), errors);
  if (!o.server_pid.empty()) {
    std::printf("server RSS MiB: before %.1f  after %.1f  (change %+.1f)\n", rss_before / 1048576,
                rss_after / 1048576, (rss_after - rss_before) / 1048576);
  }
  return errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace facetrace::bench

int main(int argc, char** argv) {
  facetrace::bench::Options o;
  CLI::App app{"Concurrent POST /v1/search clients against a running facetrace serve"};
  app.add_option("--host", o.host)->capture_default_str();
  app.add_option("--port", o.port)->required();
  app.add_option("--token", o.token, "An analyst's API token")->required();
  app.add_option("--photos", o.photos, "Folder of probe photos")
      ->required()
      ->check(CLI::ExistingDirectory);
  app.add_option("--clients", o.clients, "Concurrent clients")->capture_default_str();
  app.add_option("--requests", o.requests, "Total searches (bound)")->capture_default_str();
  app.add_option("--seconds", o.seconds, "Time bound")->capture_default_str();
  app.add_option("--server-pid", o.server_pid, "Server process, for its resident memory");
  CLI11_PARSE(app, argc, argv);
  try {
    return facetrace::bench::Run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "facetrace_load: %s\n", e.what());
    return 2;
  }
}
