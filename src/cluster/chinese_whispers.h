// Chinese whispers (Biemann 2006; dlib's face clustering example) over the graph joining two
// faces when their embedding distance is <= a threshold: every face repeatedly takes the label
// most common among its neighbours, so dense groups settle on one label each.
//
// Measured against average linkage on orl_att + cs131_faces + facerecjs_bbt pooled
// (docs/ACCURACY.md, "Clustering"), it keeps the same precision at a stricter edge threshold
// while splitting people far less (61 clusters for 61 identities at 0.5, against 75 for
// average linkage at its best cut). It merges people once the threshold is loose (0.52 and up
// on that set), which is why the default sits at 0.5, not at dlib's 0.6.
//
// This is our own implementation rather than dlib::chinese_whispers because of seeds:
// seeded faces keep their label throughout (they never vote themselves away), which keeps
// existing clusters' ids stable and never merges two of them (see average_linkage.h for the
// seed contract). The visiting order comes from a fixed-seed generator: same input, same
// clusters.
#pragma once

#include <vector>

#include "core/face.h"

namespace facetrace {

constexpr float kDefaultWhispersThreshold = 0.5f;

// Labels as in ClusterAverageLinkage (same seed contract); `threshold` is the edge cut.
std::vector<int> ClusterChineseWhispers(const std::vector<Embedding>& items,
                                        const std::vector<int>& seeds, float threshold,
                                        int iterations = 100);

}  // namespace facetrace
