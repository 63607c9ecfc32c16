#include "index/vectorized_flat.h"

#include <immintrin.h>

#include <algorithm>
#include <memory>
#include <vector>

#include <faiss/utils/Heap.h>
#include <faiss/utils/distances.h>

#include "index/parallel_nearest.h"

namespace facetrace {

// Eight partial sums the compiler can keep in registers side by side, instead of one chain.
float PortableSquaredL2(const float* a, const float* b, size_t d) {
  float partial[8] = {};
  size_t i = 0;
  for (; i + 8 <= d; i += 8) {
    for (size_t lane = 0; lane < 8; ++lane) {
      const float diff = a[i + lane] - b[i + lane];
      partial[lane] += diff * diff;
    }
  }
  float sum = 0;
  for (; i < d; ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  for (float p : partial) sum += p;
  return sum;
}

bool CpuHasAvx2Fma() {
  __builtin_cpu_init();  // static initializers may run before libgcc's own
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

namespace {

using Kernel = float (*)(const float*, const float*, size_t);

// Two eight-lane accumulators: a 128-D distance is eight fused multiply-adds per chain.
__attribute__((target("avx2,fma"))) float Avx2SquaredL2(const float* a, const float* b, size_t d) {
  __m256 sum0 = _mm256_setzero_ps();
  __m256 sum1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= d; i += 16) {
    const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
    sum0 = _mm256_fmadd_ps(d0, d0, sum0);
    sum1 = _mm256_fmadd_ps(d1, d1, sum1);
  }
  if (i + 8 <= d) {
    const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    sum0 = _mm256_fmadd_ps(d0, d0, sum0);
    i += 8;
  }
  const __m256 sum8 = _mm256_add_ps(sum0, sum1);
  __m128 sum4 = _mm_add_ps(_mm256_castps256_ps128(sum8), _mm256_extractf128_ps(sum8, 1));
  sum4 = _mm_add_ps(sum4, _mm_movehl_ps(sum4, sum4));
  sum4 = _mm_add_ss(sum4, _mm_shuffle_ps(sum4, sum4, 1));
  float sum = _mm_cvtss_f32(sum4);
  for (; i < d; ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return sum;
}

// Chosen once, before main: the CPU does not change under a running process.
const Kernel kKernel = CpuHasAvx2Fma() ? Avx2SquaredL2 : PortableSquaredL2;

// What an HNSW graph measures through: the query against a stored vector, or two stored ones.
class VectorizedL2Distances final : public faiss::FlatCodesDistanceComputer {
 public:
  VectorizedL2Distances(const float* vectors, size_t d)
      : faiss::FlatCodesDistanceComputer(reinterpret_cast<const uint8_t*>(vectors),
                                         d * sizeof(float)),
        d_(d) {}

  void set_query(const float* query) override { query_ = query; }
  float distance_to_code(const uint8_t* code) override { return kKernel(query_, Vector(code), d_); }
  float symmetric_dis(idx_t i, idx_t j) override {
    return kKernel(Vector(codes + i * code_size), Vector(codes + j * code_size), d_);
  }

 private:
  static const float* Vector(const uint8_t* code) { return reinterpret_cast<const float*>(code); }

  size_t d_;
  const float* query_ = nullptr;
};

// The k nearest of vectors[0..n) to `query`, into a max-heap (distances, labels) of size k.
void ScanNearest(const float* query, const float* vectors, size_t n, size_t d, size_t k,
                 float* distances, int64_t* labels) {
  ParallelNearest(
      n, k, ScanThreads(n), [&](size_t i) { return kKernel(query, vectors + i * d, d); },
      [](size_t i) { return static_cast<int64_t>(i); }, distances, labels);
}

}  // namespace

void VectorizedFlatL2::search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                              const faiss::SearchParameters* params) const {
  if (n >= faiss::distance_compute_blas_threshold || k <= 0 ||
      (params != nullptr && params->sel != nullptr)) {
    IndexFlat::search(n, x, k, distances, labels, params);
    return;
  }
  const auto dim = static_cast<size_t>(d);
  const auto want = static_cast<size_t>(k);
  for (idx_t q = 0; q < n; ++q) {
    float* found_distances = distances + static_cast<size_t>(q) * want;
    idx_t* found_labels = labels + static_cast<size_t>(q) * want;
    ScanNearest(x + static_cast<size_t>(q) * dim, get_xb(), static_cast<size_t>(ntotal), dim, want,
                found_distances, found_labels);
    faiss::maxheap_reorder(want, found_distances, found_labels);  // nearest first, -1 last
  }
}

float SquaredL2(const float* a, const float* b, size_t d) { return kKernel(a, b, d); }

const char* SquaredL2Kernel() { return kKernel == Avx2SquaredL2 ? "avx2+fma" : "portable"; }

faiss::FlatCodesDistanceComputer* VectorizedFlatL2::get_FlatCodesDistanceComputer() const {
  return new VectorizedL2Distances(get_xb(), static_cast<size_t>(d));
}

bool VectorizeFlat(faiss::Index*& slot, bool owned) {
  if (dynamic_cast<VectorizedFlatL2*>(slot) != nullptr) return true;
  return TakeOverFlatL2<VectorizedFlatL2>(slot, owned) != nullptr;
}

}  // namespace facetrace
