// Verification (1:1) metrics from scored pairs, as LFW and NIST FRVT report them.
//
// A pair is accepted when its distance is at or below a threshold. Over all thresholds:
//   FAR (false accept rate) = accepted impostor pairs / impostor pairs
//   TAR (true accept rate)  = accepted genuine pairs / genuine pairs
//   EER: the rate at which FAR equals 1 - TAR.
// LFW's accuracy is k-fold: for each fold, the threshold that maximises accuracy on the other
// folds is applied to that fold; the mean and standard deviation over folds are reported, so
// the threshold is never tuned on the pairs it is scored on.
#pragma once

#include <optional>
#include <vector>

namespace facetrace {

struct ScoredPair {
  float distance = 0;
  bool genuine = false;  // same person
  int fold = 0;          // 0-based, for k-fold accuracy
};

struct RocPoint {
  float threshold = 0;
  double far = 0;
  double tar = 0;
};

struct VerificationMetrics {
  int genuine_pairs = 0;
  int impostor_pairs = 0;
  int folds = 0;
  double accuracy_mean = 0;  // k-fold, LFW protocol
  double accuracy_std = 0;
  std::optional<double> tar_at_far_1e2;  // empty when the impostors cannot resolve the rate
  std::optional<double> tar_at_far_1e3;
  double eer = 0;
  float eer_threshold = 0;
  std::vector<RocPoint> roc;  // FAR ascending, at most ~kRocPoints points
};

constexpr int kRocPoints = 200;

// Throws Error(kInvalidArgument) when there are no genuine or no impostor pairs.
VerificationMetrics EvaluateVerification(const std::vector<ScoredPair>& pairs);

// The largest TAR with FAR <= `far`; empty when fewer than 1 / `far` impostor pairs exist.
std::optional<double> TarAtFar(const std::vector<ScoredPair>& pairs, double far);

}  // namespace facetrace
