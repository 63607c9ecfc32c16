// BCubed precision and recall (Bagga & Baldwin 1998; Amigo et al. 2009): how good a clustering
// is against true labels, item by item.
//
// For every item, precision is the share of its cluster that has its true label and recall the
// share of its true class that landed in its cluster; both are averaged over items. Unlike
// pairwise scores, BCubed does not let one huge cluster dominate, and it penalises both
// merging two people (precision) and splitting one person (recall) — the two failures a photo
// library user sees.
#pragma once

#include <vector>

namespace facetrace {

struct BCubedScore {
  double precision = 0;
  double recall = 0;
  double f = 0;  // harmonic mean of precision and recall
};

// `predicted[i]` and `truth[i]` are the cluster and the true class of item i (any integers;
// an outlier bucket should be given one distinct label per item, since it is not a cluster).
// Throws Error(kInvalidArgument) when the lengths differ; all zeros for no items.
BCubedScore ScoreBCubed(const std::vector<int>& predicted, const std::vector<int>& truth);

}  // namespace facetrace
