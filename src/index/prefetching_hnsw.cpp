#include "index/prefetching_hnsw.h"

#include <algorithm>
#include <memory>
#include <typeinfo>

#include <faiss/IndexFlatCodes.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/impl/DistanceComputer.h>
#include <faiss/utils/Heap.h>

namespace facetrace {
namespace {

using faiss::HNSW;
using idx_t = faiss::Index::idx_t;
using storage_idx_t = HNSW::storage_idx_t;

// The longest neighbour list this walk handles (level 0 holds 2*M links: 64 for HNSW32, 512
// for HNSW256); graphs with longer lists are searched by FAISS.
constexpr size_t kMaxNeighbors = 512;

// One query's walk through the graph: FAISS's HNSW::search for one entry point and a bounded
// queue (faiss/impl/HNSW.cpp, v1.7.3), with the memory traffic of each step issued up front.
class GraphWalk {
 public:
  GraphWalk(const HNSW& hnsw, const faiss::IndexFlatCodes* storage, faiss::DistanceComputer& dis,
            faiss::VisitedTable& visited)
      : hnsw_(hnsw), storage_(storage), dis_(dis), visited_(visited) {}

  // Fills the max-heap (distances, labels) of size k; the caller heapifies and reorders it.
  void Search(idx_t k, float* distances, idx_t* labels) {
    if (hnsw_.entry_point == -1) return;
    storage_idx_t nearest = hnsw_.entry_point;
    float nearest_distance = dis_(nearest);
    for (int level = hnsw_.max_level; level >= 1; --level) {
      GreedyDescent(level, nearest, nearest_distance);
    }
    const int ef = std::max(hnsw_.efSearch, static_cast<int>(k));
    HNSW::MinimaxHeap candidates(ef);
    candidates.push(nearest, nearest_distance);
    SearchLevel0(static_cast<int>(k), distances, labels, candidates);
    visited_.advance();
  }

 private:
  // The neighbours of `node` on `level`, in the graph's order, up to the first empty slot.
  size_t Neighbors(storage_idx_t node, int level, const storage_idx_t*& first) const {
    size_t begin, end;
    hnsw_.neighbor_range(node, level, &begin, &end);
    first = hnsw_.neighbors.data() + begin;
    size_t count = 0;
    while (count < end - begin && first[count] >= 0) ++count;
    return count;
  }

  void PrefetchVector(storage_idx_t node) const {
    if (storage_ == nullptr) return;
    const uint8_t* code = storage_->codes.data() + static_cast<size_t>(node) * storage_->code_size;
    for (size_t line = 0; line < storage_->code_size; line += 64) {
      __builtin_prefetch(code + line);
    }
  }

  // Measures every neighbour of `node` on `level` (FAISS's greedy_update_nearest) after
  // prefetching them all.
  void GreedyDescent(int level, storage_idx_t& nearest, float& nearest_distance) {
    for (;;) {
      const storage_idx_t previous = nearest;
      const storage_idx_t* neighbors = nullptr;
      const size_t count = Neighbors(nearest, level, neighbors);
      for (size_t i = 0; i < count; ++i) PrefetchVector(neighbors[i]);
      for (size_t i = 0; i < count; ++i) {
        const float distance = dis_(neighbors[i]);
        if (distance < nearest_distance) {
          nearest = neighbors[i];
          nearest_distance = distance;
        }
      }
      if (nearest == previous) return;
    }
  }

  // FAISS's search_from_candidates on level 0: expand the nearest unexpanded candidate until
  // efSearch of those kept are nearer than it.
  void SearchLevel0(int k, float* distances, idx_t* labels, HNSW::MinimaxHeap& candidates) {
    int found = 0;
    auto keep = [&](float distance, storage_idx_t node) {
      if (found < k) {
        faiss::maxheap_push(++found, distances, labels, distance, static_cast<idx_t>(node));
      } else if (distance < distances[0]) {
        faiss::maxheap_replace_top(found, distances, labels, distance, static_cast<idx_t>(node));
      }
    };
    for (int i = 0; i < candidates.size(); ++i) {
      keep(candidates.dis[i], candidates.ids[i]);
      visited_.set(candidates.ids[i]);
    }
    storage_idx_t fresh[kMaxNeighbors];
    int steps = 0;
    while (candidates.size() > 0) {
      float closest = 0;
      const storage_idx_t node = candidates.pop_min(&closest);
      if (hnsw_.check_relative_distance && candidates.count_below(closest) >= hnsw_.efSearch) {
        break;
      }
      const storage_idx_t* neighbors = nullptr;
      const size_t count = Neighbors(node, 0, neighbors);
      for (size_t i = 0; i < count; ++i) __builtin_prefetch(&visited_.visited[neighbors[i]]);
      size_t unvisited = 0;
      for (size_t i = 0; i < count; ++i) {
        if (visited_.get(neighbors[i])) continue;
        visited_.set(neighbors[i]);
        PrefetchVector(neighbors[i]);
        fresh[unvisited++] = neighbors[i];
      }
      for (size_t i = 0; i < unvisited; ++i) {
        const float distance = dis_(fresh[i]);
        keep(distance, fresh[i]);
        candidates.push(fresh[i], distance);
      }
      // Without the distance check FAISS expands a fixed number of candidates instead.
      if (!hnsw_.check_relative_distance && ++steps > hnsw_.efSearch) break;
    }
  }

  const HNSW& hnsw_;
  const faiss::IndexFlatCodes* storage_;
  faiss::DistanceComputer& dis_;
  faiss::VisitedTable& visited_;
};

// This thread's visited table, grown to `nodes`. Kept for the thread's life: allocating and
// zeroing one per search is the cost this class exists to avoid. New bytes are zero, which no
// search's mark (1 to 249) equals. It never shrinks (see the header).
faiss::VisitedTable& ThreadVisitedTable(idx_t nodes) {
  thread_local faiss::VisitedTable table(0);
  if (table.visited.size() < static_cast<size_t>(nodes)) {
    table.visited.resize(static_cast<size_t>(nodes));
  }
  return table;
}

bool SearchesLikeFaiss(const HNSW& hnsw) {
  if (hnsw.upper_beam != 1 || !hnsw.search_bounded_queue) return false;
  for (int level = 0; level <= std::max(hnsw.max_level, 0); ++level) {
    if (static_cast<size_t>(hnsw.nb_neighbors(level)) > kMaxNeighbors) return false;
  }
  return true;
}

}  // namespace

void PrefetchingHnswFlat::search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                                 const faiss::SearchParameters* params) const {
  if (params != nullptr || k <= 0 || metric_type != faiss::METRIC_L2 ||
      reconstruct_from_neighbors != nullptr || storage == nullptr || !SearchesLikeFaiss(hnsw)) {
    IndexHNSW::search(n, x, k, distances, labels, params);
    return;
  }
  const auto* codes = dynamic_cast<const faiss::IndexFlatCodes*>(storage);
#pragma omp parallel if (n > 1)
  {
    // One distance computer and one visited table per thread, for all its queries.
    const std::unique_ptr<faiss::DistanceComputer> dis(storage->get_distance_computer());
    faiss::VisitedTable& visited = ThreadVisitedTable(ntotal);
#pragma omp for
    for (idx_t q = 0; q < n; ++q) {
      float* found_distances = distances + q * k;
      idx_t* found_labels = labels + q * k;
      dis->set_query(x + q * d);
      faiss::maxheap_heapify(k, found_distances, found_labels);
      GraphWalk(hnsw, codes, *dis, visited).Search(k, found_distances, found_labels);
      faiss::maxheap_reorder(k, found_distances, found_labels);
    }
  }
}

bool PrefetchHnswSearch(faiss::Index*& slot, bool owned) {
  if (dynamic_cast<PrefetchingHnswFlat*>(slot) != nullptr) return true;
  if (slot == nullptr || typeid(*slot) != typeid(faiss::IndexHNSWFlat) || !owned ||
      slot->metric_type != faiss::METRIC_L2) {
    return false;
  }
  auto* graph = static_cast<faiss::IndexHNSWFlat*>(slot);
  auto prefetching = std::make_unique<PrefetchingHnswFlat>();
  prefetching->hnsw = std::move(graph->hnsw);  // moves the neighbour tables
  prefetching->storage = graph->storage;
  prefetching->own_fields = graph->own_fields;
  prefetching->reconstruct_from_neighbors = graph->reconstruct_from_neighbors;
  prefetching->d = graph->d;
  prefetching->ntotal = graph->ntotal;
  prefetching->verbose = graph->verbose;
  prefetching->is_trained = graph->is_trained;
  prefetching->metric_type = graph->metric_type;
  prefetching->metric_arg = graph->metric_arg;
  graph->storage = nullptr;  // now the new graph's
  graph->own_fields = false;
  graph->reconstruct_from_neighbors = nullptr;
  delete graph;
  slot = prefetching.release();
  return true;
}

}  // namespace facetrace
