// BoundedScanFlatL2: exact search of a flat gallery that reads about a quarter of its bytes.
//
// Why it exists: a lone probe against a flat gallery measures every stored face, and at a
// million 128-D faces that is 512 MB read per probe: the scan waits on memory, not arithmetic
// (docs/PERFORMANCE.md, "Vectorized distances"). This index keeps, beside FAISS's float
// vectors, an 8-bit sketch of each face x: codes c (one signed byte per dimension) and the
// face's own scale s, so that x ≈ s·c, together with the exact length of what the sketch
// misses, e = ||x − s·c||. The probe p is put on a finer grid the same way (16 bits, error
// e_p), so that a sketch distance is integer arithmetic. By the triangle inequality the true
// distance lies within e + e_p of the distance between the two sketches, so one pass over the
// sketches (d + 12 bytes a face) gives every face a lower and an upper bound. A face can be among
// the k nearest only if its lower bound is at most the k-th smallest upper bound; only those faces
// (tens to hundreds of a million, on face embeddings) are measured from their float vectors.
//
// The answer is the full scan's, not an approximation: the same faces at the same distances,
// measured by the same kernel (SquaredL2). The bounds allow for the rounding of float
// arithmetic with a wide margin, and a face whose sketch cannot bound it (a non-finite
// component, or a largest component outside [1e-15, 1e15], where floats of the bounds would
// underflow or overflow) is always measured; such a probe is scanned in full.
//
// Memory: d + 12 bytes a face on top of FAISS's 4·d (140 B beside 512 B at 128-D), held in
// memory only: files stay FAISS's plain IndexFlatL2, and the sketches are computed again when
// one is loaded (FaceIndex swaps this index in).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "index/vectorized_flat.h"

namespace facetrace {

class BoundedScanFlatL2 : public VectorizedFlatL2 {
 public:
  explicit BoundedScanFlatL2(idx_t d) : VectorizedFlatL2(d) {}

  // The largest dimension the bounds' rounding allowance holds for. Float sums of many more
  // terms can drift further (at d = 176,656, by 6e-4 of the squared length), so larger
  // galleries are always scanned in full. Face embeddings have 128 to 512.
  static constexpr idx_t kMostDims = 2048;

  // FAISS's own, keeping the sketches in step with the vectors.
  void add(idx_t n, const float* x) override;
  size_t remove_ids(const faiss::IDSelector& sel) override;
  void reset() override;

  // Lone probes and batches below faiss::distance_compute_blas_threshold, without an id
  // selector, asking for few enough faces (k at most a sixteenth of the gallery), at most
  // kMostDims dimensions: the bounded scan, probe after probe; anything else as
  // VectorizedFlatL2 searches. Results are VectorizedFlatL2's either way, to the bit, in the
  // same order (ties: lower label first).
  void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
              const faiss::SearchParameters* params = nullptr) const override;

  // Makes room for `faces` faces' vectors and sketches, so that adding them never doubles an
  // array (index/faiss_capacity.h).
  void Reserve(size_t faces);

  // Faces the sketch arrays hold before they must grow again. Adds grow them by doubling, so
  // that a gallery built by many small adds copies them a logarithmic number of times.
  size_t SketchCapacity() const { return scale_.capacity(); }

  // Computes the sketches of every face again; for a caller that replaced `codes` wholesale.
  void Resketch();

  // Whether every face has its sketch; when not (codes changed behind this class's back),
  // searches fall back to the full scan.
  bool Sketched() const { return sketched_ == static_cast<size_t>(ntotal); }

  // What bounded scans have done in this process, every index together (a caller that holds the
  // index only behind another interface, FaceIndex, can still see it run): probes answered, and
  // faces measured from their float vectors, what the bounds could not rule out.
  static uint64_t ProbesAnswered();
  static uint64_t FacesMeasured();

  // Which kernel the sketch scan runs: "avx2+fma" or "portable".
  static const char* SketchKernel();

 private:
  // Sketches faces [from, ntotal) onto the ends of the sketch arrays.
  void AppendSketches(size_t from);
  // Makes room for `faces` faces' sketches (only this may fail when sketching).
  void ReserveSketches(size_t faces);
  // The k nearest of the gallery to `query`, nearest first.
  void BoundedSearch(const float* query, size_t k, float* distances, idx_t* labels) const;

  std::vector<int8_t> sketch_codes_;  // d per face
  std::vector<float> scale_;          // s
  std::vector<float> sketch_norm2_;   // ||s·c||²
  std::vector<float> error_;          // ||x − s·c||, rounded up; +inf where x is not finite
  // Faces [0, sketched_) have sketches; set once the arrays are complete, so that a failed
  // allocation halfway leaves searches on the full scan rather than on a short array.
  size_t sketched_ = 0;
};

// dots[f] = <q, c_f> for a probe's 16-bit codes q and the 8-bit codes of `faces` faces stored
// one after the other (d each), by the kernel the sketch scan runs (AVX2 when the CPU has it);
// the portable one is public so that tests cover it on any CPU. The caller keeps |q| small
// enough that d·127·|q| fits 32 bits.
void DotCodes(const int16_t* q, const int8_t* codes, size_t d, size_t faces, int32_t* dots);
void PortableDotCodes(const int16_t* q, const int8_t* codes, size_t d, size_t faces, int32_t* dots);

// Sketches one face: writes d codes, returns {scale, squared length of the sketch, error}.
// Public so that tests can check the bound it promises.
struct FaceSketch {
  float scale;
  float norm2;
  float error;
};
FaceSketch SketchFace(const float* x, size_t d, int8_t* codes);

// Makes the index `slot` points at a BoundedScanFlatL2, moving its vectors (no copy) and
// sketching them, when it is a flat L2 index its owner deletes (`owned`): the gallery inside
// an IndexIDMap2, of at most BoundedScanFlatL2::kMostDims dimensions. Anything else is left as
// it is. Returns whether `slot` now points at one.
bool BoundFlatScan(faiss::Index*& slot, bool owned);

}  // namespace facetrace
