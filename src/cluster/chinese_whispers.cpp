#include "cluster/chinese_whispers.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

#include "cluster/seeded_labels.h"
#include "core/error.h"
#include "embed/face_embedder.h"

namespace facetrace {

namespace {

struct Edge {
  int to = 0;
  float weight = 0;
};

// Edges for pairs within `threshold`, weighted by how far inside it they are: a pair just
// under the cut votes little, so a few borderline pairs cannot pull two people together
// (unweighted, the same graph merged two people at 0.5 on the pooled dev sets).
constexpr float kEdgeFloor = 0.02f;  // weight of a pair exactly at the threshold

std::vector<std::vector<Edge>> Neighbours(const std::vector<Embedding>& items, float threshold) {
  std::vector<std::vector<Edge>> neighbours(items.size());
  for (size_t a = 0; a < items.size(); ++a) {
    for (size_t b = a + 1; b < items.size(); ++b) {
      const float d = EmbeddingDistance(items[a], items[b]);
      if (d > threshold) continue;
      const float weight = threshold - d + kEdgeFloor;
      neighbours[a].push_back({static_cast<int>(b), weight});
      neighbours[b].push_back({static_cast<int>(a), weight});
    }
  }
  return neighbours;
}

// The label with the largest total edge weight among `node`'s neighbours (ties: the smallest
// label), or its own label when it has none.
int MajorityLabel(const std::vector<Edge>& edges, const std::vector<int>& label, int own) {
  std::map<int, double> votes;
  for (const Edge& e : edges) votes[label[e.to]] += e.weight;
  int best = own;
  double best_votes = 0;
  for (const auto& [l, v] : votes) {
    if (v > best_votes) best = l, best_votes = v;
  }
  return best;
}

}  // namespace

std::vector<int> ClusterChineseWhispers(const std::vector<Embedding>& items,
                                        const std::vector<int>& seeds, float threshold,
                                        int iterations) {
  if (seeds.size() != items.size()) {
    throw Error(ErrorCode::kInvalidArgument, "clustering needs one seed label per item");
  }
  const auto neighbours = Neighbours(items, threshold);
  // Internal labels: seeded items share the first item of their seed's label; every free item
  // starts alone.
  std::vector<int> label(items.size());
  std::map<int, int> seed_label;
  for (size_t i = 0; i < items.size(); ++i) {
    label[i] = static_cast<int>(i);
    if (seeds[i] >= 0) label[i] = seed_label.emplace(seeds[i], static_cast<int>(i)).first->second;
  }
  std::vector<int> free;
  for (size_t i = 0; i < items.size(); ++i)
    if (seeds[i] < 0) free.push_back(static_cast<int>(i));
  std::mt19937 rng(20061);  // fixed: reproducible clusters
  for (int it = 0; it < iterations; ++it) {
    std::shuffle(free.begin(), free.end(), rng);
    bool changed = false;
    for (int node : free) {
      const int next = MajorityLabel(neighbours[node], label, label[node]);
      changed = changed || next != label[node];
      label[node] = next;
    }
    if (!changed) break;
  }
  return LabelsFromGroups(label, seeds);
}

}  // namespace facetrace
