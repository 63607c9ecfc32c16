#include "pipeline/match_policy.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/model_paths.h"
#include "embed/face_embedder.h"

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
  const auto path = !explicit_path.empty()
                        ? explicit_path
                        : ModelPaths::Resolve(model_dir).Require(ModelFiles::kResnetCalibration);
  Calibration calibration = Calibration::Load(path);
  // Distances of another model mean something else: refuse rather than mislead.
  if (calibration.provenance().model_id.rfind(FaceEmbedder::kModelId, 0) != 0) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} calibrates the model '{}', not '{}'", path.string(),
                            calibration.provenance().model_id, FaceEmbedder::kModelId));
  }
  return calibration;
}

}  // namespace facetrace
