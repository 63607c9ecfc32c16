// VectorizedFlatL2: FAISS's flat L2 storage, with a distance kernel built for the CPU it runs on.
//
// Why it exists: Debian builds FAISS for baseline x86-64, where faiss::fvec_L2sqr is a scalar
// loop whose every addition waits for the one before (about 500 cycles for 128 floats). Two
// hot paths run nearly all their time in it:
//  - an HNSW graph, measuring through the distance computer its storage hands out: this
//    storage hands out one whose kernel uses AVX2 and FMA when the CPU has them (eight lanes,
//    independent sums), and a portable loop with independent partial sums otherwise;
//  - a flat search of fewer queries than FAISS sends to BLAS (a lone probe): FAISS scans the
//    gallery with that loop on one thread; this one scans with the kernel, the gallery split
//    between OpenMP threads. Batches still go to FAISS's BLAS path.
// Nothing else changes: the vectors, their layout and the file format are FAISS's own
// (faiss::write_index writes it as a plain IndexFlatL2), so a saved index opens in any FAISS,
// and FaceIndex swaps this storage back in when it loads one.
#pragma once

#include <cstddef>
#include <memory>

#include <faiss/IndexFlat.h>

namespace facetrace {

// The squared Euclidean distance between a[0..d) and b[0..d). Sums in a different order from
// FAISS's loop, so the two differ in the last bits.
float SquaredL2(const float* a, const float* b, size_t d);

// Whether this CPU runs AVX2 and FMA instructions, which the fast kernels here need.
bool CpuHasAvx2Fma();

// Which kernel SquaredL2 runs: "avx2+fma" or "portable".
const char* SquaredL2Kernel();
// The kernel for CPUs without AVX2 and FMA, public so that tests cover it on CPUs with them.
float PortableSquaredL2(const float* a, const float* b, size_t d);

struct VectorizedFlatL2 : faiss::IndexFlatL2 {
  explicit VectorizedFlatL2(idx_t d) : faiss::IndexFlatL2(d) {}
  // Fewer than faiss::distance_compute_blas_threshold queries, without an id selector: the
  // vectorized scan; anything else: IndexFlat::search. Same results either way, up to the last
  // bits of each distance (and so the order of exact ties).
  void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
              const faiss::SearchParameters* params = nullptr) const override;
  faiss::FlatCodesDistanceComputer* get_FlatCodesDistanceComputer() const override;
};

// Replaces the flat L2 index `slot` points at, when its owner deletes it (`owned`), with a new
// `Flat` (a VectorizedFlatL2 or a subclass) holding its vectors, moved, not copied. Returns the
// new index, or nullptr (slot unchanged) for anything else: another metric, compressed codes, a
// borrowed index.
template <typename Flat>
Flat* TakeOverFlatL2(faiss::Index*& slot, bool owned) {
  // FAISS's factory and graphs make an IndexFlat with the L2 metric; its reader, IndexFlatL2.
  auto* flat = dynamic_cast<faiss::IndexFlat*>(slot);
  if (flat == nullptr || flat->metric_type != faiss::METRIC_L2 || !owned) return nullptr;
  auto taken = std::make_unique<Flat>(flat->d);
  taken->codes.swap(flat->codes);
  taken->ntotal = flat->ntotal;
  taken->verbose = flat->verbose;
  delete flat;
  slot = taken.get();
  return taken.release();
}

// Makes the index `slot` points at a VectorizedFlatL2, moving its vectors (no copy), when it is
// a flat L2 index that its owner deletes (`owned`): an HNSW graph's storage, an IndexIDMap's
// index. Any other index (inner product, compressed, borrowed) is left as it is. Returns
// whether `slot` now points at a VectorizedFlatL2.
bool VectorizeFlat(faiss::Index*& slot, bool owned);

}  // namespace facetrace
