// Options every face-processing sub-command shares, and their translation to library options.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "pipeline/face_pipeline.h"

namespace facetrace::cli {

struct CommonOptions {
  std::string models;  // --models
  std::string detector = "yunet";
  int threads = 0;
  double max_megapixels = 100;
  int min_face = 20;
  bool flip_fusion = false;

  PipelineOptions ToPipelineOptions() const;
};

// Adds --models, --detector, --threads, --max-megapixels, --min-face, --flip-fusion.
void AddPipelineOptions(CLI::App& command, CommonOptions& options);

// A sub-command's body; returns the process exit status.
using CommandAction = std::function<int()>;

}  // namespace facetrace::cli
