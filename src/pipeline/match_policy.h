// MatchPolicy: from ranked candidates to the decision an analyst sees.
//
// An organisation states the risk it accepts as a false-match rate ("at most 1 in 1000
// comparisons with a stranger may pass"), not as a raw distance. With a calibration of the
// embedder (calibration/calibration.h) that rate becomes a distance threshold; each candidate
// then carries its estimated false-match rate, and is marked a possible match when it is
// within the policy. A face with no possible match is reported as "no match": the open-set
// answer, instead of always naming the nearest person.
//
// The rate is per comparison. A search compares the probe with every gallery identity, so the
// chance that a stranger's search yields some possible match grows with the gallery: about
// identities x rate for small rates (README, "Scores and thresholds").
#pragma once

#include <filesystem>
#include <vector>

#include "calibration/calibration.h"
#include "pipeline/gallery.h"

namespace facetrace {

constexpr double kDefaultMaxFalseMatchRate = 1e-3;

class MatchPolicy {
 public:
  // Throws Error(kInvalidArgument) when the calibration cannot resolve the rate.
  MatchPolicy(Calibration calibration, double max_false_match_rate);

  // Sets false_match_rate and possible_match on every candidate.
  void Apply(std::vector<Candidate>& candidates) const;

  float threshold() const { return threshold_; }
  double max_false_match_rate() const { return max_false_match_rate_; }
  const Calibration& calibration() const { return calibration_; }

 private:
  Calibration calibration_;
  double max_false_match_rate_;
  float threshold_;
};

// `explicit_path` when given, else the calibration installed beside the models for `model_id`
// and `comparison` (CalibrationFileName; Error(kModelMissing) naming scripts/setup and
// `facetrace calibrate` when absent). Calibrations are per model and per comparison: one
// measured on another model's distances (provenance.model_id other than `model_id`, flip and
// jitter variants included) or on the other comparison is Error(kInvalidArgument).
Calibration LoadCalibration(const std::filesystem::path& explicit_path,
                            const std::filesystem::path& model_dir, const std::string& model_id,
                            Comparison comparison = Comparison::kPhoto);

// Where scripts/setup installs a model's calibration: "<model_id>.calibration.json" for photo
// comparisons, "<model_id>.template.calibration.json" for template ones.
std::string CalibrationFileName(const std::string& model_id,
                                Comparison comparison = Comparison::kPhoto);

}  // namespace facetrace
