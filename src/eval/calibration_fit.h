// Fitting a Calibration (calibration/calibration.h) to labelled sets.
//
// Photo comparisons: every pair of photos of one identity is a genuine pair, every pair of
// photos of two identities of the same set an impostor pair.
// Template comparisons (as a gallery ranked by template searches, pipeline/gallery.h): each
// photo against the mean template of the rest of its identity's photos is a genuine pair, and
// against the template of every other identity of its set (all its photos) an impostor pair.
//
// Pairs across sets are left out: two sets may hold the same person under different folder
// names (two crops of one sitcom cast). Near-identical photos (distance below
// kDuplicateDistance: the same shot saved twice) are not independent genuine pairs: they are
// left out of genuine pairs and of the template a photo is compared with.
#pragma once

#include <string>
#include <vector>

#include "calibration/calibration.h"
#include "core/comparison.h"
#include "eval/labelled_set.h"

namespace facetrace {

constexpr float kDuplicateDistance = 0.02f;

// Throws as Calibration::Fit does when the sets give no genuine or no impostor pair.
Calibration FitCalibration(const std::vector<LabelledSet>& sets, const std::string& model_id,
                           Comparison comparison = Comparison::kPhoto);

// The genuine and impostor distances of one set under `comparison`.
struct PairDistances {
  std::vector<float> genuine;
  std::vector<float> impostor;
};
PairDistances SetPairDistances(const LabelledSet& set, Comparison comparison);

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
                                                        const std::vector<double>& rates,
                                                        Comparison comparison = Comparison::kPhoto);

}  // namespace facetrace
