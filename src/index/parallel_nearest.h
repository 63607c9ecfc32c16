// ParallelNearest: the k smallest of n distances, measured by a team of OpenMP threads.
//
// The flat scans in this module (every face of a gallery, or the few faces a bounded scan could
// not rule out) share one shape: measure item i, keep the k nearest. Each thread keeps its own
// max-heap of k and the heaps are merged at the end, so threads never wait on each other.
#pragma once

#include <omp.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include <faiss/utils/Heap.h>

namespace facetrace {

// A scan of fewer items than this stays on one thread: starting a team costs more than it saves.
inline constexpr size_t kParallelScanFrom = size_t{1} << 16;

// Whether (distance, label) comes before the heap top (top_distance, top_label): nearer, or as
// near with a lower label. An empty slot (infinite distance, label -1) is beaten by any finite
// distance only.
inline bool Nearer(float distance, int64_t label, float top_distance, int64_t top_label) {
  return distance < top_distance ||
         (distance == top_distance && top_label >= 0 && label < top_label);
}

// The threads a scan of n items gets: all OpenMP allows from kParallelScanFrom items, else one.
inline int ScanThreads(size_t n) { return n < kParallelScanFrom ? 1 : omp_get_max_threads(); }

// Fills the max-heap (distances, labels) of size k with the k items of [0, n) nearest by
// `distance(i)`, labelled `label(i)`; slots left when n < k hold label -1. Runs on `threads`
// threads (a team may start fewer). Items are ordered by distance, then label: among items tied
// at the k-th place the lower labels are kept, whatever thread measured them, as FAISS's own
// one-thread scan keeps them (it sees them first). Items whose distance is NaN or infinite are
// never kept, as in FAISS's scans.
template <typename Distance, typename Label>
void ParallelNearest(size_t n, size_t k, int threads, const Distance& distance, const Label& label,
                     float* distances, int64_t* labels) {
  // One heap per thread, all empty to start with (a team may have fewer threads than asked).
  std::vector<float> thread_distances(k * static_cast<size_t>(threads));
  std::vector<int64_t> thread_labels(k * static_cast<size_t>(threads));
  faiss::maxheap_heapify(thread_labels.size(), thread_distances.data(), thread_labels.data());
#pragma omp parallel num_threads(threads)
  {
    const auto t = static_cast<size_t>(omp_get_thread_num());
    float* heap_distances = thread_distances.data() + t * k;
    int64_t* heap_labels = thread_labels.data() + t * k;
#pragma omp for schedule(static)
    for (size_t i = 0; i < n; ++i) {
      const float d = distance(i);
      if (Nearer(d, label(i), heap_distances[0], heap_labels[0]))
        faiss::maxheap_replace_top(k, heap_distances, heap_labels, d, label(i));
    }
  }
  faiss::maxheap_heapify(k, distances, labels);
  for (size_t i = 0; i < thread_labels.size(); ++i) {
    if (thread_labels[i] >= 0 &&
        Nearer(thread_distances[i], thread_labels[i], distances[0], labels[0])) {
      faiss::maxheap_replace_top(k, distances, labels, thread_distances[i], thread_labels[i]);
    }
  }
}

}  // namespace facetrace
