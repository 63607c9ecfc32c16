// Identification (1:N) metrics, as NIST FRVT 1:N reports them.
//
// Closed set: every probe's identity is in the gallery. The CMC curve gives, for each rank k,
// the fraction of probes whose identity is among the first k candidates.
//
// Open set: some probes are of people who are not in the gallery (non-mated). A search
// returns candidates at or below a distance threshold. Over thresholds:
//   FPIR (false positive identification rate) = non-mated searches returning any candidate;
//   DIR (detection and identification rate)   = mated searches whose first candidate is the
//                                                right identity and within the threshold.
// DIR at FPIR 0.01 is the figure an analyst's "no match" answer depends on.
#pragma once

#include <optional>
#include <vector>

namespace facetrace {

// One search: the gallery identities ranked by distance (closest first).
struct RankedSearch {
  int true_identity = -1;  // the probe's identity; not in the gallery for a non-mated probe
  std::vector<std::pair<int, float>> ranked;  // (identity, distance), ascending distance
};

// Fraction of searches with the true identity within the first k candidates, for k = 1..max_rank.
std::vector<double> CumulativeMatchCurve(const std::vector<RankedSearch>& mated, int max_rank);

struct OpenSetPoint {
  double fpir = 0;
  double dir = 0;
  float threshold = 0;
};

// DIR at the largest threshold whose FPIR is at most `fpir`; empty when fewer than 1 / fpir
// non-mated searches exist (the rate cannot be resolved).
std::optional<OpenSetPoint> DirAtFpir(const std::vector<RankedSearch>& mated,
                                      const std::vector<RankedSearch>& non_mated, double fpir);

// The DET-style trade-off over all thresholds (FPIR ascending), at most ~200 points.
std::vector<OpenSetPoint> OpenSetCurve(const std::vector<RankedSearch>& mated,
                                       const std::vector<RankedSearch>& non_mated);

}  // namespace facetrace
