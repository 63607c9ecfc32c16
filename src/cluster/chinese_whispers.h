// Chinese whispers (Biemann 2006; dlib's face clustering example) over the graph joining two
// faces when their embedding distance is <= a threshold: every face repeatedly takes the label
// most common among its neighbours, so dense groups settle on one label each.
//
// Edges are weighted by how far under the threshold a pair is (threshold - d + 0.02), so a
// few borderline pairs cannot pull two people together. Measured on orl_att + cs131_faces +
// facerecjs_bbt pooled (docs/ACCURACY.md, "Clustering"): unweighted, the graph merged two
// people (>= 5 photos each) from 0.5; weighted, not until 0.56 (flip-fused embeddings). At the
// default 0.52 it scores BCubed F 0.986 with 63 clusters for 61 identities, where average
// linkage at its best safe cut (0.52) gives F 0.935 with 77 clusters.
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

// 0.06 under the first threshold that merged two people on the dev sets.
constexpr float kDefaultWhispersThreshold = 0.52f;

// Labels as in ClusterAverageLinkage (same seed contract); `threshold` is the edge cut.
std::vector<int> ClusterChineseWhispers(const std::vector<Embedding>& items,
                                        const std::vector<int>& seeds, float threshold,
                                        int iterations = 100);

}  // namespace facetrace
