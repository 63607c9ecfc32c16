#include "pipeline/match_policy.h"

#include <fmt/format.h>

#include "core/error.h"
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

std::string CalibrationFileName(const std::string& model_id) {
  return model_id + ".calibration.json";
}

Calibration LoadCalibration(const std::filesystem::path& explicit_path,
                            const std::filesystem::path& model_dir, const std::string& model_id) {
  std::filesystem::path path = explicit_path;
  if (path.empty()) {
    const ModelPaths models = ModelPaths::Resolve(model_dir);
    path = models.directory() / CalibrationFileName(model_id);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      throw Error(ErrorCode::kModelMissing,
                  fmt::format("no calibration for model '{}' ({} is missing): run scripts/setup, "
                              "or measure one with `facetrace calibrate DIR... --out {}` using "
                              "the same --embedder and flip options, or pass --calibration",
                              model_id, path.string(), path.string()));
    }
  }
  Calibration calibration = Calibration::Load(path);
  // Distances of another model mean something else: refuse rather than mislead.
  if (calibration.provenance().model_id != model_id) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} calibrates the model '{}', not '{}'", path.string(),
                            calibration.provenance().model_id, model_id));
  }
  return calibration;
}

}  // namespace facetrace
