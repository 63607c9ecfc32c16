#include "cluster/average_linkage.h"

#include <algorithm>
#include <limits>
#include <map>

#include "cluster/seeded_labels.h"
#include "core/error.h"
#include "embed/face_embedder.h"

namespace facetrace {

namespace {

constexpr float kNever = std::numeric_limits<float>::infinity();

// The groups being merged: a dense matrix of mean distances between active groups, with each
// active group's nearest neighbour cached so a merge costs O(n) plus the rows that pointed at
// the merged pair.
class Agglomeration {
 public:
  Agglomeration(const std::vector<Embedding>& items, const std::vector<std::vector<int>>& groups,
                const std::vector<bool>& seeded)
      : n_(groups.size()),
        distance_(n_ * n_, 0.0f),
        size_(n_),
        seeded_(seeded),
        active_(n_, true),
        nearest_(n_, -1),
        nearest_distance_(n_, kNever) {
    for (size_t g = 0; g < n_; ++g) size_[g] = static_cast<double>(groups[g].size());
    for (size_t a = 0; a < n_; ++a) {
      for (size_t b = a + 1; b < n_; ++b) {
        const float d =
            seeded_[a] && seeded_[b] ? kNever : MeanDistance(items, groups[a], groups[b]);
        distance_[a * n_ + b] = distance_[b * n_ + a] = d;
      }
    }
    for (size_t g = 0; g < n_; ++g) UpdateNearest(g);
  }

  // Merges the closest pair while its distance is <= threshold. Returns, for every initial
  // group, the initial group it was merged into (its representative).
  std::vector<int> Run(float threshold) {
    std::vector<int> parent(n_);
    for (size_t g = 0; g < n_; ++g) parent[g] = static_cast<int>(g);
    while (true) {
      int best = -1;
      for (size_t g = 0; g < n_; ++g) {
        if (active_[g] && (best < 0 || nearest_distance_[g] < nearest_distance_[best]))
          best = static_cast<int>(g);
      }
      if (best < 0 || nearest_[best] < 0 || !(nearest_distance_[best] <= threshold)) break;
      const int keep = std::min(best, nearest_[best]);
      const int drop = std::max(best, nearest_[best]);
      Merge(keep, drop);
      parent[drop] = keep;
    }
    for (size_t g = 0; g < n_; ++g) parent[g] = Root(parent, static_cast<int>(g));
    return parent;
  }

 private:
  static float MeanDistance(const std::vector<Embedding>& items, const std::vector<int>& a,
                            const std::vector<int>& b) {
    double sum = 0;
    for (int i : a)
      for (int j : b) sum += EmbeddingDistance(items[i], items[j]);
    return static_cast<float>(sum / (static_cast<double>(a.size()) * b.size()));
  }

  static int Root(const std::vector<int>& parent, int g) {
    while (parent[g] != g) g = parent[g];
    return g;
  }

  float& At(size_t a, size_t b) { return distance_[a * n_ + b]; }

  void UpdateNearest(size_t g) {
    nearest_[g] = -1;
    nearest_distance_[g] = kNever;
    for (size_t k = 0; k < n_; ++k) {
      if (k == g || !active_[k]) continue;
      if (nearest_[g] < 0 || At(g, k) < nearest_distance_[g]) {
        nearest_[g] = static_cast<int>(k);
        nearest_distance_[g] = At(g, k);
      }
    }
  }

  // Lance-Williams update for average linkage: the mean over the union's cross-pairs is the
  // size-weighted mean of the two parts' means (infinity stays infinity: seeds never merge).
  void Merge(size_t keep, size_t drop) {
    const double sk = size_[keep], sd = size_[drop];
    active_[drop] = false;
    seeded_[keep] = seeded_[keep] || seeded_[drop];
    for (size_t k = 0; k < n_; ++k) {
      if (!active_[k] || k == keep) continue;
      const float a = At(keep, k), b = At(drop, k);
      const float d =
          (a == kNever || b == kNever) ? kNever : static_cast<float>((sk * a + sd * b) / (sk + sd));
      At(keep, k) = At(k, keep) = d;
    }
    size_[keep] = sk + sd;
    UpdateNearest(keep);
    for (size_t k = 0; k < n_; ++k) {
      if (!active_[k] || k == keep) continue;
      if (nearest_[k] == static_cast<int>(keep) || nearest_[k] == static_cast<int>(drop)) {
        UpdateNearest(k);
      } else if (At(k, keep) < nearest_distance_[k]) {
        nearest_[k] = static_cast<int>(keep);
        nearest_distance_[k] = At(k, keep);
      }
    }
  }

  size_t n_;
  std::vector<float> distance_;
  std::vector<double> size_;
  std::vector<bool> seeded_;
  std::vector<bool> active_;
  std::vector<int> nearest_;
  std::vector<float> nearest_distance_;
};

}  // namespace

std::vector<int> ClusterAverageLinkage(const std::vector<Embedding>& items, float threshold) {
  return ClusterAverageLinkage(items, std::vector<int>(items.size(), -1), threshold);
}

std::vector<int> ClusterAverageLinkage(const std::vector<Embedding>& items,
                                       const std::vector<int>& seeds, float threshold) {
  if (seeds.size() != items.size()) {
    throw Error(ErrorCode::kInvalidArgument, "clustering needs one seed label per item");
  }
  // Initial groups: one per distinct seed, then one per unseeded item.
  std::vector<std::vector<int>> groups;
  std::vector<bool> seeded;
  std::map<int, size_t> seed_group;
  for (size_t i = 0; i < items.size(); ++i) {
    const int seed = seeds[i];
    if (seed >= 0 && seed_group.count(seed)) {
      groups[seed_group[seed]].push_back(static_cast<int>(i));
      continue;
    }
    if (seed >= 0) seed_group[seed] = groups.size();
    groups.push_back({static_cast<int>(i)});
    seeded.push_back(seed >= 0);
  }
  const std::vector<int> root = Agglomeration(items, groups, seeded).Run(threshold);

  std::vector<int> item_group(items.size());
  for (size_t g = 0; g < groups.size(); ++g)
    for (int i : groups[g]) item_group[i] = root[g];
  return LabelsFromGroups(item_group, seeds);
}

}  // namespace facetrace
