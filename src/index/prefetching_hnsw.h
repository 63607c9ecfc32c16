// PrefetchingHnswFlat: FAISS's HNSW graph over flat L2 vectors, searched by a loop that waits
// less on memory.
//
// Why it exists: on a graph of millions of faces nearly every vector a search measures is a
// cache miss, and Debian's FAISS (1.7.3) adds two costs of its own to each query:
//  - it allocates and zeroes a visited-node table of one byte per face for every search call
//    (10 MB per lone probe at 10M faces, on every thread of the OpenMP team);
//  - it measures a node's neighbours one after another, so each vector is fetched from memory
//    only when its distance is needed.
// This search is FAISS's own algorithm, step for step (greedy descent through the upper levels,
// then FAISS's bounded candidate heap and stopping rule on level 0), so it returns exactly what
// IndexHNSW::search returns; it differs only in that each thread keeps one visited table for all
// its searches (FAISS's VisitedTable, reset by its counter), and that it first gathers a node's
// unvisited neighbours and prefetches their vectors, then measures them, so that the fetches
// overlap. Later FAISS releases batch and prefetch this loop themselves.
//
// The cost: every thread that has searched keeps a table of one byte per face of the largest
// graph it searched (10 MB per thread at 10M faces) until it ends, also after the index is
// closed; FAISS allocated as much per search. FAISS's search statistics (faiss::hnsw_stats) are
// not counted.
//
// Graph, storage and file format stay FAISS's: faiss::write_index writes it as a plain
// IndexHNSWFlat, and FaceIndex swaps this class in when it creates or loads one.
#pragma once

#include <faiss/IndexHNSW.h>

namespace facetrace {

struct PrefetchingHnswFlat : faiss::IndexHNSWFlat {
  PrefetchingHnswFlat() = default;

  // Searches given parameters (per-call breadth, id selector) and graphs FAISS searches in ways
  // this loop does not (several entry points on the upper levels, an unbounded queue, neighbour
  // reconstruction) go to IndexHNSW::search.
  void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
              const faiss::SearchParameters* params = nullptr) const override;
};

// Makes the index `slot` points at a PrefetchingHnswFlat, moving its graph and storage (no
// copy), when it is exactly a FAISS IndexHNSWFlat with the L2 metric that its owner deletes
// (`owned`). Anything else is left as it is. Returns whether `slot` now points at one.
bool PrefetchHnswSearch(faiss::Index*& slot, bool owned);

}  // namespace facetrace
