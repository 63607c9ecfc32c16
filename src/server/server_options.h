// What `facetrace serve` is told: where the gallery is, how to run the pipeline, and the
// service's limits.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "server/gallery_service.h"

namespace facetrace {

struct ServerOptions {
  GalleryServiceOptions gallery;  // db, pipeline (pixel limit), calibration
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (ApiServer::port() tells which)
  int threads = 4;  // HTTP worker threads, each with its own pipeline when busy
  int64_t max_upload_bytes = 20LL << 20;
  int rate_limit_per_minute = 0;  // per token; 0: unlimited
  int retention_days = 0;         // 0: keep searches forever
  int default_top_k = 5;
  int max_top_k = 100;
};

}  // namespace facetrace
