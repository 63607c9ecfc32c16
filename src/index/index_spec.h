// IndexSpec: what a facetrace index factory string asks for, and which one suits a gallery.
//
// A factory string is a FAISS index_factory description, optionally followed by facetrace's
// own ",Rerank<R>": search takes the compressed index's R best candidates and orders them by
// exact distance to the stored vectors (index/vector_store.h). Examples:
//   "Flat"                                  exact, 512 B/face in memory
//   "HNSW32"                                graph, exact distances, about 0.8 KB/face
//   "IVF16384_HNSW32,PQ32,Rerank100"        32 B codes + 8 B id per face in memory,
//                                           fp16 vectors on disk for re-ranking
// The string is parsed here and only here.
#pragma once

#include <cstdint>
#include <string>

namespace facetrace {

struct IndexSpec {
  std::string faiss_factory;  // what faiss::index_factory is given
  int rerank = 0;             // candidates re-ranked by exact distance; 0: none
};

// Throws Error(kInvalidArgument) for an empty string, "IDMap" (facetrace adds its own id
// handling), or a malformed or non-positive Rerank count.
IndexSpec ParseIndexSpec(const std::string& factory);

// The factory for a gallery of `faces` faces, from the figures in docs/PERFORMANCE.md ("Index
// at scale"): exact Flat while a lone probe scans it within about 10 ms, HNSW while its
// vectors and graph fit comfortably in memory, IVF-PQ with re-ranking beyond.
std::string ChooseFactory(int64_t faces);

// The gallery sizes where ChooseFactory changes its answer. HNSW holds about 834 B per face in
// memory (8.3 GB at 10M, where a lone probe takes 1.1 ms and finds the person's own photos as
// often as exact search); past 10M it outgrows a 16 GB machine, while IVF-PQ keeps 41 B per
// face in memory (docs/PERFORMANCE.md, "Prefetching HNSW search").
inline constexpr int64_t kFlatUpTo = 100'000;
inline constexpr int64_t kHnswUpTo = 10'000'000;

}  // namespace facetrace
