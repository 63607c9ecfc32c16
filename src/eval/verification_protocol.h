// `facetrace eval verify`: LFW-style verification over a pairs file. Each distinct photo is
// embedded once (largest face); a pair with a photo without a face, or one that cannot be
// read (listed in the report's "unreadable_images"), is scored as a rejection (distance
// kNoFaceDistance), so it costs a genuine pair and never helps. With a single fold the
// threshold is tuned on the pairs it is scored on; the report says so.
#pragma once

#include <filesystem>
#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/lfw_pairs.h"
#include "eval/verification_metrics.h"
#include "pipeline/image_batch.h"

namespace facetrace {

constexpr float kNoFaceDistance = 4.0f;  // unit vectors are at most 2 apart

struct PairsEvaluation {
  std::vector<ScoredPair> scored;  // in the order of the pairs file
  VerificationMetrics metrics;
  int pairs_without_face = 0;
  nlohmann::json report;
};

PairsEvaluation EvaluatePairs(const std::vector<LfwPair>& pairs, const std::filesystem::path& root,
                              const BatchOptions& options,
                              const std::function<void(size_t, size_t)>& progress = {});

// Writes roc.svg (TAR against log FAR) into `dir` (created if needed).
void WriteVerificationCharts(const VerificationMetrics& metrics, const std::filesystem::path& dir);

}  // namespace facetrace
