// Options every face-processing sub-command shares, and their translation to library options.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "pipeline/face_pipeline.h"
#include "pipeline/image_batch.h"
#include "pipeline/match_policy.h"

namespace facetrace::cli {

struct CommonOptions {
  std::string models;  // --models
  std::string detector = "yunet";
  int threads = 0;
  double max_megapixels = 100;
  int min_face = 20;
  bool flip_fusion = true;
  std::string embedder = kDefaultEmbedder;  // --embedder: dlib, a config file, or a+b
  int jitter = 0;                           // --jitter

  PipelineOptions ToPipelineOptions() const;
  // The model these options embed with (embedder id plus flip/jitter), without loading it.
  EmbedderInfo Embedder() const;
  BatchOptions ToBatchOptions() const;  // --threads plus the pipeline options
};

// Adds --models, --detector, --embedder, --threads, --max-megapixels, --min-face,
// --[no-]flip-fusion, --jitter.
void AddPipelineOptions(CLI::App& command, CommonOptions& options);

// How candidates become decisions (pipeline/match_policy.h).
struct DecisionOptions {
  std::string calibration;  // --calibration; empty: the one installed beside the models
  double max_false_match_rate = kDefaultMaxFalseMatchRate;
  // --rank-by (core/comparison.h): "template" where AddRankByOption offers it; verify, which
  // compares two photos, keeps "photo".
  std::string rank_by = "photo";

  Comparison RankBy() const { return ParseComparison(rank_by); }
  // The calibration of `common`'s model and RankBy()'s comparison (LoadCalibration) at the
  // chosen rate.
  MatchPolicy ToPolicy(const CommonOptions& common) const;
  Calibration LoadFor(const CommonOptions& common) const;
};

// Adds --calibration and --max-false-match-rate.
void AddDecisionOptions(CLI::App& command, DecisionOptions& options);
// Adds --rank-by photo|template, default template (for the commands that search a gallery or
// calibrate): docs/ACCURACY.md measures templates as the better ranking.
void AddRankByOption(CLI::App& command, DecisionOptions& options);

// A sub-command's body; returns the process exit status.
using CommandAction = std::function<int()>;

}  // namespace facetrace::cli
