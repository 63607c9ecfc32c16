// ProcessImages: the faces of many image files, computed in parallel, delivered in order.
// Shared by identify, embed and the benchmarks; a failing file is reported in its result and
// the batch goes on.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "pipeline/face_pipeline.h"

namespace facetrace {

struct ImageResult {
  std::filesystem::path path;
  std::optional<ErrorCode> error_code;  // set when the file could not be processed
  std::string error;                    // the message, naming the file
  int width = 0;
  int height = 0;
  bool grey = false;        // the source image had a single channel
  std::vector<Face> faces;  // largest first
  bool ok() const { return !error_code; }
};

struct BatchOptions {
  int threads = 0;  // 0: one per core
  PipelineOptions pipeline;
};

// Calls `consume` on the calling thread once per path, in order. Returns the stage timings
// summed over all workers.
StageTimings ProcessImages(const std::vector<std::filesystem::path>& paths,
                           const BatchOptions& options,
                           const std::function<void(ImageResult&&)>& consume);

}  // namespace facetrace
