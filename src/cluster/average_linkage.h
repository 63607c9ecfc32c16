// Average-linkage agglomerative clustering of face embeddings, cut at a distance threshold.
//
// Why average linkage and not a graph method: chinese whispers or connected components over a
// "distance < t" graph merge two people as soon as a few cross-pairs fall under t (one blurred
// photo bridges them), which is the merged-strangers failure users of photo managers report.
// Average linkage joins two groups only when the mean distance over all their cross-pairs is
// under t, so one bridging pair cannot merge two large clusters. docs/ACCURACY.md
// ("Clustering") has the measured comparison.
//
// Seeds make it incremental: items that share a seed label start as one group, and two seeded
// groups are never merged, so clusters that already exist keep their identity while new faces
// join them or form new groups.
#pragma once

#include <vector>

#include "core/face.h"

namespace facetrace {

// The default cut, measured on orl_att + cs131_faces + facerecjs_bbt pooled (docs/ACCURACY.md):
// stricter than dlib's 0.6 verification point, because a cluster is a claim about many pairs.
constexpr float kDefaultClusterThreshold = 0.5f;

// Labels, one per item, for the clustering of `items` where every merge joins the two groups
// with the smallest mean pairwise Euclidean distance, while that distance is <= `threshold`.
// Labels are 0..k-1, numbered in order of each group's first item. Deterministic.
std::vector<int> ClusterAverageLinkage(const std::vector<Embedding>& items, float threshold);

// The same, starting from seed groups: items with the same `seeds[i] >= 0` start together and
// keep that label; groups holding different seeds never merge. An unseeded item (seed -1)
// ends up with the seed of the group it joined, or with a new label above every seed, numbered
// in order of the group's first item. Throws Error(kInvalidArgument) if the sizes differ.
std::vector<int> ClusterAverageLinkage(const std::vector<Embedding>& items,
                                       const std::vector<int>& seeds, float threshold);

}  // namespace facetrace
