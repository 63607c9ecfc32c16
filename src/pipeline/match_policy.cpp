#include "pipeline/match_policy.h"

#include "core/model_paths.h"

namespace facetrace {

MatchPolicy::MatchPolicy(Calibration calibration, double max_false_match_rate)
    : calibration_(std::move(calibration)),
      max_false_match_rate_(max_false_match_rate),
      threshold_(calibration_.ThresholdFor(max_false_match_rate)) {}

void MatchPolicy::Apply(std::vector<Candidate>& candidates) const {
  for (Candidate& c : candidates) {
    c.false_match_rate = calibration_.FalseMatchRate(c.distance);
    c.possible_match = c.distance <= threshold_;
  }
}

Calibration LoadCalibration(const std::filesystem::path& explicit_path,
                            const std::filesystem::path& model_dir) {
  if (!explicit_path.empty()) return Calibration::Load(explicit_path);
  return Calibration::Load(ModelPaths::Resolve(model_dir).Require(ModelFiles::kResnetCalibration));
}

}  // namespace facetrace
