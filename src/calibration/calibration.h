// Calibration: what an embedding distance means, as error rates measured on labelled photos.
//
// A raw distance (0.47) tells an analyst nothing. From the distances of genuine pairs (two
// photos of one person) and impostor pairs (photos of two different people) measured on
// labelled data, a calibration answers the two questions a decision needs:
//
//   FalseMatchRate(d)     the fraction of impostor pairs at distance <= d: how often a photo
//                         of a stranger comes this close (NIST's FMR for one comparison);
//   FalseNonMatchRate(d)  the fraction of genuine pairs at distance > d: how often the same
//                         person is further away than this.
//
// and the inverse one a user sets policy with: ThresholdFor(1e-3) is the largest distance at
// which no more than 1 in 1000 impostor comparisons would be accepted.
//
// The empirical curves are tabulated on a fixed distance grid (kGridStep). They are exact at
// grid points only: between two, the curve may jump anywhere. So every answer is rounded the
// cautious way: FalseMatchRate reads the next grid point up (never under-states the risk),
// FalseNonMatchRate the one below, and ThresholdFor returns the last grid point whose measured
// rate is within the target, so FalseMatchRate(ThresholdFor(r)) <= r always holds. The file is
// small, human-readable JSON, so a calibration can ship beside its model and be recomputed by
// `facetrace calibrate` on a user's own photos. A rate cannot be resolved below
// 1 / impostor_pairs (nothing rarer was observed): ThresholdFor refuses it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/comparison.h"

namespace facetrace {

// Where a calibration came from: enough to judge whether it applies to a gallery.
struct CalibrationProvenance {
  std::string model_id;  // the embedder whose distances were measured (EmbedderInfo::model_id)
  std::string data;      // what labelled photos, in words (dataset names, folders)
  int identities = 0;    // distinct people in that data
  int images = 0;        // photos with a face
  int64_t genuine_pairs = 0;
  int64_t impostor_pairs = 0;
  // Photo-to-photo distances, or photo-to-identity-template ones (core/comparison.h).
  Comparison comparison = Comparison::kPhoto;
};

class Calibration {
 public:
  // Tabulates the empirical error curves of `genuine` and `impostor` distances. Throws
  // Error(kInvalidArgument) when either is empty. The pair counts in `provenance` are set here.
  static Calibration Fit(std::vector<float> genuine, std::vector<float> impostor,
                         CalibrationProvenance provenance);

  // Reads a calibration written by Save. Throws Error(kNotFound) for a missing file and
  // Error(kInvalidArgument) naming the file for anything that is not a valid calibration.
  static Calibration Load(const std::filesystem::path& path);
  // Writes atomically (see core/atomic_file.h); Error(kIo) on failure.
  void Save(const std::filesystem::path& path) const;

  nlohmann::json ToJson() const;
  static Calibration FromJson(const nlohmann::json& json);  // throws as Load does

  double FalseMatchRate(float distance) const;
  double FalseNonMatchRate(float distance) const;
  // The largest grid distance whose measured false-match rate is at most
  // `max_false_match_rate`. Throws Error(kInvalidArgument) when the rate is outside (0, 1],
  // below what the data can resolve, or exceeded already at distance 0.
  float ThresholdFor(double max_false_match_rate) const;
  // The smallest false-match rate this calibration can vouch for: 1 / impostor pairs.
  double ResolvableRate() const;

  const CalibrationProvenance& provenance() const { return provenance_; }

  static constexpr float kGridStep = 0.005f;  // distance resolution of the tables
  static constexpr float kGridEnd = 1.5f;     // unit vectors are at most 2 apart; faces ~1.2

 private:
  static double AtGridPoint(const std::vector<double>& table, float distance, bool round_up);

  CalibrationProvenance provenance_;
  std::vector<double> false_match_;      // FMR at grid point i (distance i * kGridStep)
  std::vector<double> false_non_match_;  // FNMR at grid point i
};

}  // namespace facetrace
