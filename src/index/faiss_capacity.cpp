#include "index/faiss_capacity.h"

#include <cmath>

#include <faiss/IndexFlatCodes.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>

#include "index/bounded_scan_flat.h"

namespace facetrace {
namespace {

// A face reaching level L holds links on levels 0..L; FAISS draws L with assign_probas.
double ExpectedLinksPerFace(const faiss::HNSW& hnsw) {
  double links = 0;
  for (size_t level = 0; level < hnsw.assign_probas.size(); ++level) {
    links += hnsw.assign_probas[level] * hnsw.cum_nb_neighbors(static_cast<int>(level) + 1);
  }
  return links;
}

}  // namespace

void ReserveCapacity(faiss::Index* index, int64_t faces) {
  if (index == nullptr || faces <= 0) return;
  const auto n = static_cast<size_t>(faces);
  if (auto* map = dynamic_cast<faiss::IndexIDMap2*>(index)) {
    map->id_map.reserve(n);
    map->rev_map.reserve(n);
    ReserveCapacity(map->index, faces);
  } else if (auto* graph = dynamic_cast<faiss::IndexHNSW*>(index)) {
    faiss::HNSW& hnsw = graph->hnsw;
    hnsw.levels.reserve(n);
    hnsw.offsets.reserve(n + 1);
    // 1 % spare, and 64 faces' worth for small graphs, where chance moves the count more.
    const double links = ExpectedLinksPerFace(hnsw);
    hnsw.neighbors.reserve(static_cast<size_t>(std::ceil(links * (1.01 * n + 64))));
    ReserveCapacity(graph->storage, faces);
  } else if (auto* bounded = dynamic_cast<BoundedScanFlatL2*>(index)) {
    bounded->Reserve(n);  // its sketches too
  } else if (auto* flat = dynamic_cast<faiss::IndexFlatCodes*>(index)) {
    flat->codes.reserve(n * flat->code_size);
  }
}

}  // namespace facetrace
