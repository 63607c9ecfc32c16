// Fitting a Calibration (calibration/calibration.h) to labelled sets: every pair of photos of
// one identity is a genuine pair, every pair of photos of two identities of the same set an
// impostor pair. Pairs across sets are left out: two sets may hold the same person under
// different folder names (two crops of one sitcom cast). Near-identical photos (distance below
// kDuplicateDistance: the same shot saved twice) are not independent genuine pairs and are
// left out too.
#pragma once

#include <string>
#include <vector>

#include "calibration/calibration.h"
#include "eval/labelled_set.h"

namespace facetrace {

constexpr float kDuplicateDistance = 0.02f;

// Throws as Calibration::Fit does when the sets give no genuine or no impostor pair.
Calibration FitCalibration(const std::vector<LabelledSet>& sets, const std::string& model_id);

// The impostor distances of one set (every pair of photos of two of its identities).
std::vector<float> ImpostorDistances(const LabelledSet& set);

// Does a calibration hold on data it has not seen? For each set, a calibration fitted on the
// other sets sets the threshold for `rate`; the false-match rate observed on the held-out
// set's impostor pairs at that threshold is what a user of a shipped calibration would get.
struct HeldOutCheck {
  std::string set;
  double target_rate = 0;
  float threshold = 0;
  double observed_rate = 0;
  int64_t impostor_pairs = 0;
};
// Needs at least two sets; targets a calibration cannot resolve, and held-out sets whose
// complement cannot be fitted (no genuine or no impostor pair left), are skipped.
std::vector<HeldOutCheck> CheckCalibrationOnHeldOutSets(const std::vector<LabelledSet>& sets,
                                                        const std::vector<double>& rates);

}  // namespace facetrace
