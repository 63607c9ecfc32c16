#include "index/bounded_scan_flat.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <optional>

#include <faiss/impl/IDSelector.h>
#include <faiss/utils/Heap.h>
#include <faiss/utils/distances.h>

#include "index/parallel_nearest.h"

namespace facetrace {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// How far float arithmetic may move a squared distance, relative to the squared lengths it
// comes from: 128 float roundings of up to 2^-24 each give at most about 1e-5; allow ten times
// that. Covers both the sketch distance and the kernel's exact one, whose 8 or 16 lanes each
// sum d/8 or d/16 terms: enough up to kMostDims, not for d in the hundred thousands.
constexpr float kRoundingSlack = 1e-4f;

// The bounded scan runs only when it can win: asking for more than this share of the gallery,
// most of it would be measured exactly anyway.
constexpr size_t kMostOfTheGallery = 16;

// What bounded scans have done in this process, every index together.
std::atomic<uint64_t> probes_answered{0};
std::atomic<uint64_t> faces_measured{0};

// The magnitudes (largest component) bounds are computed for. Inside them no float of a sketch
// distance underflows or overflows for any d up to 2048 (the product of a probe's and a face's
// scales stays a normal float; squared lengths stay finite); outside, a face is always measured
// and a probe is scanned in full. Face embeddings' components are near 0.1.
constexpr double kSmallestSketched = 1e-15;
constexpr double kLargestSketched = 1e15;

bool Sketchable(double max_abs) {
  return max_abs == 0 || (max_abs >= kSmallestSketched && max_abs <= kLargestSketched);
}

// <q, c> over the dimensions [from, d).
int32_t TailDot(const int16_t* q, const int8_t* c, size_t from, size_t d) {
  int32_t sum = 0;
  for (size_t i = from; i < d; ++i) sum += int32_t{q[i]} * c[i];
  return sum;
}

int32_t PortableDot(const int16_t* q, const int8_t* c, size_t d) {
  int32_t partial[8] = {};
  size_t i = 0;
  for (; i + 8 <= d; i += 8) {
    for (size_t lane = 0; lane < 8; ++lane) partial[lane] += int32_t{q[i + lane]} * c[i + lane];
  }
  int32_t sum = TailDot(q, c, i, d);
  for (int32_t p : partial) sum += p;
  return sum;
}

// Sixteen of a face's codes, widened to 16 bits.
__attribute__((target("avx2"))) inline __m256i WidenedCodes(const int8_t* codes) {
  return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(codes)));
}

// Four faces at a time, sixteen codes a step: widened to 16 bits and multiplied pairwise into
// 32-bit sums (vpmaddwd), so additions chain in one cycle where float ones take four, and the
// four faces' sums are reduced together, their latencies overlapping.
__attribute__((target("avx2"))) void Avx2DotCodes(const int16_t* q, const int8_t* codes, size_t d,
                                                  size_t faces, int32_t* dots) {
  const size_t whole = d / 16 * 16;
  size_t f = 0;
  for (; f + 4 <= faces; f += 4) {
    __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
    for (size_t i = 0; i < whole; i += 16) {
      const __m256i probe = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + i));
      s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(WidenedCodes(codes + (f)*d + i), probe));
      s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(WidenedCodes(codes + (f + 1) * d + i), probe));
      s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(WidenedCodes(codes + (f + 2) * d + i), probe));
      s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(WidenedCodes(codes + (f + 3) * d + i), probe));
    }
    // Lanes 0-3 of each half: faces f..f+3's partial sums; adding the halves completes them.
    const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(s0, s1), _mm256_hadd_epi32(s2, s3));
    const __m128i four = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dots + f), four);
    for (size_t j = f; j < f + 4 && whole < d; ++j) dots[j] += TailDot(q, codes + j * d, whole, d);
  }
  PortableDotCodes(q, codes + f * d, d, faces - f, dots + f);  // the last one to three faces
}

}  // namespace

void PortableDotCodes(const int16_t* q, const int8_t* codes, size_t d, size_t faces,
                      int32_t* dots) {
  for (size_t f = 0; f < faces; ++f) dots[f] = PortableDot(q, codes + f * d, d);
}

namespace {

using DotKernel = void (*)(const int16_t*, const int8_t*, size_t, size_t, int32_t*);
const DotKernel kDotCodes = CpuHasAvx2Fma() ? Avx2DotCodes : PortableDotCodes;

// Faces whose sketch distances one kernel call computes: enough to amortize the call, few
// enough that their dots stay in registers' reach (a 256-byte stack array).
constexpr size_t kDotBlock = 64;

// Rounds a computed length up, so the bound the scan relies on holds for the float it reads.
float RoundedUp(double length) {
  return std::nextafter(static_cast<float>(length * (1 + 1e-6)), kInf);
}

// Puts x on the grid of codes -largest..largest times its own scale (largest |x_i| / largest),
// x ≈ scale·code, writing the d codes (all zero on failure). Nullopt when x has a non-finite
// component or a magnitude outside the sketched range: no bound would hold.
template <typename Code>
std::optional<FaceSketch> OnGrid(const float* x, size_t d, double largest, Code* codes) {
  std::fill(codes, codes + d, Code{0});
  double max_abs = 0;
  for (size_t i = 0; i < d; ++i) {
    if (!std::isfinite(x[i])) return std::nullopt;
    max_abs = std::max(max_abs, std::abs(double(x[i])));
  }
  if (!Sketchable(max_abs)) return std::nullopt;
  const auto scale = static_cast<float>(max_abs / largest);
  double norm2 = 0, error2 = 0;
  for (size_t i = 0; i < d && max_abs > 0; ++i) {
    const double code = std::clamp(std::nearbyint(x[i] / double(scale)), -largest, largest);
    codes[i] = static_cast<Code>(code);
    const double sketched = double(scale) * code;  // exact: a float times a small integer
    norm2 += sketched * sketched;
    error2 += (x[i] - sketched) * (x[i] - sketched);
  }
  return FaceSketch{scale, static_cast<float>(norm2), RoundedUp(std::sqrt(error2))};
}

// The probe on a 16-bit grid, as fine as a 32-bit sum of d products with 8-bit codes allows.
struct ProbeSketch {
  std::vector<int16_t> codes;
  FaceSketch grid;  // scale, ||scale·q||², ||p − scale·q|| rounded up
};

std::optional<ProbeSketch> SketchProbe(const float* p, size_t d) {
  const double largest =
      std::min(16383.0, std::floor(double(std::numeric_limits<int32_t>::max()) / (127.0 * d)));
  ProbeSketch sketch{std::vector<int16_t>(d), {}};
  const std::optional<FaceSketch> grid = OnGrid(p, d, largest, sketch.codes.data());
  if (!grid) return std::nullopt;
  sketch.grid = *grid;
  return sketch;
}

// A face that might be among the k nearest: its lower bound, and where it is.
struct Candidate {
  float lower;
  size_t face;
};

// The k smallest upper bounds seen so far, as a max-heap; top() is +inf until k are seen.
class SmallestBounds {
 public:
  explicit SmallestBounds(size_t k) : k_(k) { bounds_.reserve(k); }
  float top() const { return bounds_.size() < k_ ? kInf : bounds_.front(); }
  void Offer(float bound) {
    if (std::isnan(bound)) bound = kInf;  // cannot happen inside the sketched range; never trust it
    if (bounds_.size() < k_) {
      bounds_.push_back(bound);
      std::push_heap(bounds_.begin(), bounds_.end());
    } else if (bound < bounds_.front()) {
      std::pop_heap(bounds_.begin(), bounds_.end());
      bounds_.back() = bound;
      std::push_heap(bounds_.begin(), bounds_.end());
    }
  }
  const std::vector<float>& bounds() const { return bounds_; }

 private:
  size_t k_;
  std::vector<float> bounds_;
};

// Room for n elements, grown as a vector grows by itself (at least doubling): reserving exactly
// what each add needs would copy the whole array on every add, quadratic over many small ones.
template <typename T>
void MakeRoom(std::vector<T>& v, size_t n) {
  if (n > v.capacity()) v.reserve(std::max(n, 2 * v.capacity()));
}

}  // namespace

void DotCodes(const int16_t* q, const int8_t* codes, size_t d, size_t faces, int32_t* dots) {
  kDotCodes(q, codes, d, faces, dots);
}

FaceSketch SketchFace(const float* x, size_t d, int8_t* codes) {
  return OnGrid(x, d, 127.0, codes).value_or(FaceSketch{0, 0, kInf});  // no bound: always measured
}

void BoundedScanFlatL2::AppendSketches(size_t from) {
  const auto dim = static_cast<size_t>(d);
  const auto total = static_cast<size_t>(ntotal);
  sketched_ = std::min(sketched_, from);  // until every array has room and every face its sketch
  sketch_codes_.resize(total * dim);
  scale_.resize(total);
  sketch_norm2_.resize(total);
  error_.resize(total);
  const float* vectors = get_xb();
#pragma omp parallel for schedule(static) if (total - from >= kParallelScanFrom)
  for (size_t i = from; i < total; ++i) {
    const FaceSketch sketch = SketchFace(vectors + i * dim, dim, sketch_codes_.data() + i * dim);
    scale_[i] = sketch.scale;
    sketch_norm2_[i] = sketch.norm2;
    error_[i] = sketch.error;
  }
  sketched_ = total;
}

void BoundedScanFlatL2::Resketch() {
  sketched_ = 0;
  sketch_codes_.clear();
  scale_.clear();
  sketch_norm2_.clear();
  error_.clear();
  AppendSketches(0);
}

void BoundedScanFlatL2::ReserveSketches(size_t faces) {
  MakeRoom(sketch_codes_, faces * static_cast<size_t>(d));
  MakeRoom(scale_, faces);
  MakeRoom(sketch_norm2_, faces);
  MakeRoom(error_, faces);
}

void BoundedScanFlatL2::add(idx_t n, const float* x) {
  const auto before = static_cast<size_t>(ntotal);
  // Room first: once FAISS has the vectors, nothing may fail, or an IndexIDMap2 above would
  // count faces it has no ids for. Sketching within reserved arrays allocates nothing.
  ReserveSketches(before + static_cast<size_t>(n));
  VectorizedFlatL2::add(n, x);
  if (before == sketched_) {
    AppendSketches(before);
  } else {
    Resketch();
  }
}

size_t BoundedScanFlatL2::remove_ids(const faiss::IDSelector& sel) {
  ReserveSketches(static_cast<size_t>(ntotal));  // as in add: sketching again allocates nothing
  if (!Sketched()) {
    const size_t removed = VectorizedFlatL2::remove_ids(sel);
    Resketch();
    return removed;
  }
  // FAISS compacts the vectors, keeping the order of those not selected; compact the sketches
  // the same way (the selector is asked about the same positions).
  const auto dim = static_cast<size_t>(d);
  const size_t before = sketched_;
  sketched_ = 0;  // until the compaction is done
  size_t kept = 0;
  for (size_t i = 0; i < before; ++i) {
    if (sel.is_member(static_cast<idx_t>(i))) continue;
    if (kept != i) {
      std::copy_n(sketch_codes_.data() + i * dim, dim, sketch_codes_.data() + kept * dim);
      scale_[kept] = scale_[i];
      sketch_norm2_[kept] = sketch_norm2_[i];
      error_[kept] = error_[i];
    }
    ++kept;
  }
  sketch_codes_.resize(kept * dim);
  scale_.resize(kept);
  sketch_norm2_.resize(kept);
  error_.resize(kept);
  sketched_ = kept;
  const size_t removed = VectorizedFlatL2::remove_ids(sel);
  if (!Sketched()) Resketch();  // FAISS kept another count: trust its vectors
  return removed;
}

void BoundedScanFlatL2::reset() {
  VectorizedFlatL2::reset();
  Resketch();
}

void BoundedScanFlatL2::Reserve(size_t faces) {
  codes.reserve(faces * code_size);
  ReserveSketches(faces);
}

uint64_t BoundedScanFlatL2::FacesMeasured() {
  return faces_measured.load(std::memory_order_relaxed);
}

uint64_t BoundedScanFlatL2::ProbesAnswered() {
  return probes_answered.load(std::memory_order_relaxed);
}

const char* BoundedScanFlatL2::SketchKernel() {
  return kDotCodes == Avx2DotCodes ? "avx2+fma" : "portable";
}

void BoundedScanFlatL2::search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                               const faiss::SearchParameters* params) const {
  const bool few_faces_asked =
      k > 0 && static_cast<size_t>(k) * kMostOfTheGallery <= static_cast<size_t>(ntotal);
  if (n >= faiss::distance_compute_blas_threshold || !few_faces_asked || d > kMostDims ||
      !Sketched() || (params != nullptr && params->sel != nullptr)) {
    VectorizedFlatL2::search(n, x, k, distances, labels, params);
    return;
  }
  const auto dim = static_cast<size_t>(d);
  const auto want = static_cast<size_t>(k);
  for (idx_t q = 0; q < n; ++q) {
    const size_t at = static_cast<size_t>(q) * want;
    BoundedSearch(x + static_cast<size_t>(q) * dim, want, distances + at, labels + at);
  }
}

void BoundedScanFlatL2::BoundedSearch(const float* query, size_t k, float* distances,
                                      idx_t* labels) const {
  const auto dim = static_cast<size_t>(d);
  const auto total = static_cast<size_t>(ntotal);
  const std::optional<ProbeSketch> probe = SketchProbe(query, dim);
  if (!probe) {  // no bound holds: measure every face, as FAISS would
    VectorizedFlatL2::search(1, query, static_cast<idx_t>(k), distances, labels);
    return;
  }
  // Pass 1, over the sketches: each thread keeps the faces whose lower bound does not exceed
  // its own k-th smallest upper bound, which only ever falls and is never below the final one.
  const int16_t* probe_codes = probe->codes.data();
  const float probe_scale = probe->grid.scale, probe_norm2 = probe->grid.norm2,
              probe_error = probe->grid.error;
  const int threads = ScanThreads(total);
  std::vector<std::vector<Candidate>> thread_candidates(static_cast<size_t>(threads));
  std::vector<std::vector<float>> thread_bounds(static_cast<size_t>(threads));
#pragma omp parallel num_threads(threads)
  {
    SmallestBounds upper(k);
    std::vector<Candidate> candidates;
    candidates.reserve(4 * k);
    int32_t dots[kDotBlock];
#pragma omp for schedule(static) nowait
    for (size_t block = 0; block < total; block += kDotBlock) {
      const size_t count = std::min(kDotBlock, total - block);
      kDotCodes(probe_codes, sketch_codes_.data() + block * dim, dim, count, dots);
      for (size_t j = 0; j < count; ++j) {
        const size_t i = block + j;
        const float sketch_distance2 = probe_norm2 -
                                       2 * probe_scale * scale_[i] * static_cast<float>(dots[j]) +
                                       sketch_norm2_[i];
        // Both sketches' errors: the distance between them is within their sum of the true one.
        const float error = error_[i] + probe_error;
        const float slack = kRoundingSlack * (probe_norm2 + 2 * (sketch_norm2_[i] + error * error));
        // lower > top  <=>  sqrt(sketch_distance2 - slack) > top + error: cheap to test first.
        const float reach = upper.top() + error;
        if (sketch_distance2 - slack > reach * reach) continue;
        const float lower = std::sqrt(std::max(sketch_distance2 - slack, 0.0f)) - error;
        candidates.push_back({lower, i});
        upper.Offer(std::sqrt(sketch_distance2 + slack) + error);
      }
    }
    const auto t = static_cast<size_t>(omp_get_thread_num());
    thread_candidates[t] = std::move(candidates);
    thread_bounds[t] = upper.bounds();
  }
  // The k-th smallest upper bound of all: at least the k-th nearest face's true distance.
  SmallestBounds upper(k);
  for (const auto& bounds : thread_bounds) {
    for (float bound : bounds) upper.Offer(bound);
  }
  const float cutoff = upper.top();
  std::vector<size_t> measure;
  for (const auto& candidates : thread_candidates) {
    for (const Candidate& c : candidates) {
      if (!(c.lower > cutoff)) measure.push_back(c.face);  // a NaN bound rules nothing out
    }
  }
  // Pass 2: the survivors measured exactly, by the kernel the full scan uses.
  faces_measured.fetch_add(measure.size(), std::memory_order_relaxed);
  probes_answered.fetch_add(1, std::memory_order_relaxed);
  const float* vectors = get_xb();
  ParallelNearest(
      measure.size(), k, ScanThreads(measure.size()),
      [&](size_t j) { return SquaredL2(query, vectors + measure[j] * dim, dim); },
      [&](size_t j) { return static_cast<int64_t>(measure[j]); }, distances, labels);
  faiss::maxheap_reorder(k, distances, labels);  // nearest first, -1 last
}

bool BoundFlatScan(faiss::Index*& slot, bool owned) {
  if (dynamic_cast<BoundedScanFlatL2*>(slot) != nullptr) return true;
  if (slot == nullptr || slot->d > BoundedScanFlatL2::kMostDims) return false;
  BoundedScanFlatL2* bounded = TakeOverFlatL2<BoundedScanFlatL2>(slot, owned);
  if (bounded == nullptr) return false;
  bounded->Resketch();
  return true;
}

}  // namespace facetrace
