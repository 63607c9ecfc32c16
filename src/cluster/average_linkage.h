// Average-linkage agglomerative clustering of face embeddings, cut at a distance threshold.
//
// The conservative alternative to chinese whispers (chinese_whispers.h): two groups join only
// when the mean distance over all their cross-pairs is under the threshold, so one bridging
// pair (a blurred photo) cannot merge two people. Measured on orl_att + cs131_faces +
// facerecjs_bbt pooled (docs/ACCURACY.md, "Clustering"), it merges no two people up to 0.52
// (flip-fused embeddings) but splits people more than chinese whispers does (77 clusters for
// 61 identities).
//
// Seeds make it incremental: items that share a seed label start as one group, and two seeded
// groups are never merged, so clusters that already exist keep their identity while new faces
// join them or form new groups.
#pragma once

#include <vector>

#include "core/face.h"

namespace facetrace {

// Its best cut on that set that merges no two people (F 0.951; 0.58 merges two pairs).
constexpr float kDefaultAverageLinkageThreshold = 0.52f;

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
