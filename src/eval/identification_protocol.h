// The identification protocols `facetrace eval identify` runs over labelled sets.
//
// Closed set (split protocol, as the accuracy tests use): per identity, files sorted by name,
// even positions form the gallery and odd positions are the probes; the CMC curve is reported.
// Open set: part of the identities (every other one for holdout 0.5) is held out of the
// gallery; their photos are non-mated probes, the odd photos of the others are mated probes;
// DIR at FPIR 0.1 / 0.01 / 0.001 is reported. Each set is its own gallery (sets may share
// people, e.g. two crops of one sitcom cast); the figures pool all sets' searches.
//
// An identity is compared with a probe through its template: its best photo (the engine's
// default, what `identify` ranks by), the mean of its photos' embeddings, or the mean weighted
// by face quality. Breakdowns by set, grey vs colour and small vs large faces come with it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/identification_metrics.h"
#include "eval/labelled_set.h"

namespace facetrace {

enum class TemplateMode { kBestPhoto, kMean, kQualityWeightedMean };

// "best", "mean", "quality-mean"; throws Error(kInvalidArgument) for anything else.
TemplateMode ParseTemplateMode(const std::string& name);
std::string TemplateModeName(TemplateMode mode);

struct IdentificationOptions {
  int max_rank = 10;
  double holdout = 0.5;  // fraction of identities held out for the open-set protocol
  TemplateMode mode = TemplateMode::kBestPhoto;
  float small_face = 80;  // faces narrower than this (px) form the "small" subset
};

struct IdentificationResult {
  nlohmann::json report;                 // everything below, plus breakdowns and counts
  std::vector<double> cmc;               // closed set, ranks 1..max_rank
  std::vector<OpenSetPoint> open_curve;  // FPIR ascending
};

// Throws Error(kInvalidArgument) when no set has two photos of one identity.
IdentificationResult EvaluateIdentification(const std::vector<LabelledSet>& sets,
                                            const IdentificationOptions& options);

// Writes cmc.svg and det.svg into `dir` (created if needed).
void WriteIdentificationCharts(const IdentificationResult& result,
                               const std::filesystem::path& dir);

}  // namespace facetrace
