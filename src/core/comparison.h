// What a probe is compared with when identities are ranked and distances are calibrated.
//
//   kPhoto         the probe against each gallery photo; an identity counts by its closest
//                  photo (one lucky photo of a stranger is enough to rank him first);
//   kMeanTemplate  the probe against each identity's template: the mean of its gallery
//                  embeddings (embed/fused_template.h), which averages out one photo's
//                  lighting and pose (docs/ACCURACY.md: open-set DIR at FPIR 0.01 from 0.805
//                  to 0.955 on the dev sets).
//
// The two give distances of different distributions, so each has its own calibration
// (calibration/calibration.h records which it measured).
#pragma once

#include <string>

namespace facetrace {

enum class Comparison { kPhoto, kMeanTemplate };

// "photo" and "template": the names the CLI, the API and calibration files use.
std::string ComparisonName(Comparison comparison);
// Inverse of ComparisonName; Error(kInvalidArgument) listing the names for anything else.
Comparison ParseComparison(const std::string& name);

}  // namespace facetrace
