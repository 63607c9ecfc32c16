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

std::string CalibrationFileName(const std::string& model_id, Comparison comparison) {
  return model_id + (comparison == Comparison::kMeanTemplate ? ".template" : "") +
         ".calibration.json";
}

Calibration LoadCalibration(const std::filesystem::path& explicit_path,
                            const std::filesystem::path& model_dir, const std::string& model_id,
                            Comparison comparison) {
  std::filesystem::path path = explicit_path;
  const std::string rank_flag =
      comparison == Comparison::kPhoto ? "" : " --rank-by " + ComparisonName(comparison);
  if (path.empty()) {
    const ModelPaths models = ModelPaths::Resolve(model_dir);
    path = models.directory() / CalibrationFileName(model_id, comparison);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      throw Error(ErrorCode::kModelMissing,
                  fmt::format("no calibration for model '{}' ({} is missing): run scripts/setup, "
                              "or measure one with `facetrace calibrate DIR...{} --out {}` using "
                              "the same --embedder and flip options, or pass --calibration",
                              model_id, path.string(), rank_flag, path.string()));
    }
  }
  Calibration calibration = Calibration::Load(path);
  // Distances of another model mean something else: refuse rather than mislead.
  if (calibration.provenance().model_id != model_id) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} calibrates the model '{}', not '{}'", path.string(),
                            calibration.provenance().model_id, model_id));
  }
  // A photo-to-photo calibration under-states how close a template is (and the reverse).
  if (calibration.provenance().comparison != comparison) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} calibrates {} distances, and identities are ranked by {}: use a "
                            "calibration made by `facetrace calibrate DIR...{} --out FILE`",
                            path.string(), ComparisonName(calibration.provenance().comparison),
                            ComparisonName(comparison), rank_flag));
  }
  return calibration;
}

}  // namespace facetrace
