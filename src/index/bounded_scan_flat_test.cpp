#include "index/bounded_scan_flat.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <gtest/gtest.h>
#include <omp.h>

#include "support/test_support.h"

namespace facetrace {
namespace {

using idx_t = faiss::Index::idx_t;
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// Faces like a gallery's: people as clusters (8 photos each) scattered around the origin. The
// same `people` seed gives the same people; `photos` picks their photos.
std::vector<float> ClusteredFaces(size_t faces, size_t d, unsigned people, unsigned photos) {
  const auto centres = testing::NormalFloats((faces / 8 + 1) * d, people);
  const auto spread = testing::NormalFloats(faces * d, photos + 1000);
  std::vector<float> x(faces * d);
  for (size_t i = 0; i < faces; ++i) {
    for (size_t j = 0; j < d; ++j) {
      x[i * d + j] = 0.1f * centres[(i / 8) * d + j] + 0.04f * spread[i * d + j];
    }
  }
  return x;
}

struct Hits {
  std::vector<float> distances;
  std::vector<idx_t> labels;
};

Hits Search(const faiss::Index& index, const std::vector<float>& queries, idx_t k) {
  const auto n = static_cast<idx_t>(queries.size() / static_cast<size_t>(index.d));
  Hits r{std::vector<float>(n * k), std::vector<idx_t>(n * k)};
  index.search(n, queries.data(), k, r.distances.data(), r.labels.data());
  return r;
}

// The bounded scan promises the full scan's answer to the bit: same faces, same distances.
void ExpectSameHits(const Hits& got, const Hits& want) {
  EXPECT_EQ(got.labels, want.labels);
  ASSERT_EQ(got.distances.size(), want.distances.size());
  for (size_t i = 0; i < want.distances.size(); ++i) {
    if (std::isnan(want.distances[i])) continue;  // NaN != NaN
    EXPECT_EQ(got.distances[i], want.distances[i]) << "hit " << i;
  }
}

// A bounded index and a full-scan one over the same faces.
struct Pair {
  BoundedScanFlatL2 bounded;
  VectorizedFlatL2 full;
  explicit Pair(size_t d) : bounded(static_cast<idx_t>(d)), full(static_cast<idx_t>(d)) {}
  void Add(const std::vector<float>& x) {
    const auto n = static_cast<idx_t>(x.size() / static_cast<size_t>(full.d));
    bounded.add(n, x.data());
    full.add(n, x.data());
  }
  void ExpectSame(const std::vector<float>& queries, idx_t k) {
    ExpectSameHits(Search(bounded, queries, k), Search(full, queries, k));
  }
};

// Every length the kernels split differently (below, at and past sixteen-wide steps), and
// face counts below, at and past the four the AVX2 kernel reduces together.
TEST(BoundedScanFlatTest, BothDotKernelsMatchAnExactSumAtEveryLength) {
  for (size_t d : {0, 1, 7, 8, 15, 16, 17, 31, 32, 128, 131}) {
    for (size_t faces : {1, 3, 4, 5, 9}) {
      std::vector<int16_t> q(d);
      std::vector<int8_t> c(d * faces);
      for (size_t i = 0; i < d; ++i) {
        q[i] =
            static_cast<int16_t>((i % 2 == 0 ? 1 : -1) * static_cast<int>(16383 - i * 101 % 16383));
      }
      for (size_t i = 0; i < c.size(); ++i)
        c[i] = static_cast<int8_t>(static_cast<int>(i * 37 % 255) - 127);
      std::vector<int32_t> want(faces);
      for (size_t f = 0; f < faces; ++f) {
        int64_t sum = 0;
        for (size_t i = 0; i < d; ++i) sum += int64_t{q[i]} * c[f * d + i];
        want[f] = static_cast<int32_t>(sum);
      }
      std::vector<int32_t> got(faces, -1), portable(faces, -1);
      DotCodes(q.data(), c.data(), d, faces, got.data());
      PortableDotCodes(q.data(), c.data(), d, faces, portable.data());
      EXPECT_EQ(got, want) << "d " << d << ", " << faces << " faces";
      EXPECT_EQ(portable, want) << "d " << d << ", " << faces << " faces";
    }
  }
  // The extremes a probe and a face reach: 16383 and -127 in every dimension of 128.
  const std::vector<int16_t> q(128, 16383);
  const std::vector<int8_t> c(128 * 4, -127);
  std::vector<int32_t> got(4), portable(4);
  DotCodes(q.data(), c.data(), 128, 4, got.data());
  PortableDotCodes(q.data(), c.data(), 128, 4, portable.data());
  EXPECT_EQ(got, std::vector<int32_t>(4, -16383 * 127 * 128));
  EXPECT_EQ(portable, got);
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  EXPECT_STREQ(BoundedScanFlatL2::SketchKernel(), avx2 ? "avx2+fma" : "portable");
}

double SketchMiss(const std::vector<float>& x, const FaceSketch& s, const std::vector<int8_t>& c) {
  double miss = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double diff = double(x[i]) - double(s.scale) * c[i];
    miss += diff * diff;
  }
  return std::sqrt(miss);
}

// The error a sketch reports bounds what it misses, and is small for ordinary faces (half a
// step of 1/127 of the largest component, per dimension).
TEST(BoundedScanFlatTest, ASketchBoundsWhatItMisses) {
  constexpr size_t d = 128;
  std::vector<std::vector<float>> faces;
  for (unsigned seed = 0; seed < 50; ++seed) faces.push_back(ClusteredFaces(1, d, seed, seed));
  auto outlier = faces[0];
  outlier[3] = 500;  // one huge component: the rest round to nothing
  faces.push_back(outlier);
  faces.push_back(std::vector<float>(d, 0.0f));
  faces.push_back(std::vector<float>(d, 2e-15f));  // the smallest magnitudes sketched
  faces.push_back(std::vector<float>(d, 9e14f));   // and the largest
  for (const auto& x : faces) {
    std::vector<int8_t> c(d, 99);
    const FaceSketch s = SketchFace(x.data(), d, c.data());
    const double miss = SketchMiss(x, s, c);
    EXPECT_GE(s.error, miss);
    EXPECT_LE(s.error, miss * 1.0001 + 1e-30);
    double max_abs = 0, norm2 = 0;
    for (size_t i = 0; i < d; ++i) {
      max_abs = std::max(max_abs, std::abs(double(x[i])));
      EXPECT_GE(c[i], -127);
      norm2 += std::pow(double(s.scale) * c[i], 2);
    }
    EXPECT_NEAR(s.norm2, norm2, 1e-6 * (1 + norm2));
    EXPECT_LE(s.error, 0.5 * max_abs / 127 * std::sqrt(double(d)) * 1.001 + 1e-30);
  }
  // No sketch, so no bound: always measured. Non-finite components, and magnitudes where the
  // bounds' floats would underflow or overflow.
  std::vector<int8_t> c(d);
  for (float bad : {kNaN, kInf, 1e-20f, 1e-44f, 1e19f}) {
    std::vector<float> broken = faces[1];
    if (std::abs(bad) < 1) std::fill(broken.begin(), broken.end(), 0.0f);
    broken[5] = bad;
    EXPECT_EQ(SketchFace(broken.data(), d, c.data()).error, kInf) << bad;
  }
}

// Galleries below and above the size that splits the scan between threads; a lone probe, a
// few, and a batch FAISS hands to BLAS; k from 1 to a sixteenth of the gallery and beyond.
TEST(BoundedScanFlatTest, FindsExactlyWhatTheFullScanFinds) {
  constexpr size_t d = 128;
  // Three threads split the big gallery unevenly, whatever the machine's core count.
  const int threads = omp_get_max_threads();
  omp_set_num_threads(3);
  for (size_t faces : {40, 3000, 70000}) {
    Pair pair(d);
    pair.Add(ClusteredFaces(faces, d, 2, 2));
    // Probes near gallery faces (another photo of someone enrolled) and far from all.
    auto queries = ClusteredFaces(30, d, 2, 50);
    const auto strangers = ClusteredFaces(5, d, 99, 99);
    queries.insert(queries.end(), strangers.begin(), strangers.end());
    for (size_t probes : {1, 3, 25}) {
      const std::vector<float> some(queries.begin(), queries.begin() + probes * d);
      for (idx_t k : {1, 10, 100}) {
        SCOPED_TRACE(std::to_string(faces) + " faces, " + std::to_string(probes) + " probes, k " +
                     std::to_string(k));
        pair.ExpectSame(some, k);
      }
    }
  }
  omp_set_num_threads(threads);
}

// The point of it: a face is measured from its float vector only when its bounds leave it in
// the running. On clustered faces that is a small share of the gallery.
TEST(BoundedScanFlatTest, MeasuresFewFacesExactly) {
  constexpr size_t d = 128, faces = 70000;
  Pair pair(d);
  pair.Add(ClusteredFaces(faces, d, 3, 3));
  const auto queries = ClusteredFaces(10, d, 3, 51);
  for (size_t q = 0; q < 10; ++q) {
    const std::vector<float> probe(queries.begin() + q * d, queries.begin() + (q + 1) * d);
    const uint64_t before = pair.bounded.FacesMeasured();
    pair.ExpectSame(probe, 10);
    const uint64_t measured = pair.bounded.FacesMeasured() - before;
    EXPECT_GE(measured, 10u);
    EXPECT_LT(measured, faces / 50) << "probe " << q;
  }
}

// Sketches that say little give loose bounds: one large component, shared by every face and
// probe, sets each sketch's step near the spread of a person's photos. Half the faces sit on
// their sketch's grid (error near zero), so the k-th smallest upper bound comes from them while
// the others' sketch distances stray by up to their error: a scan that trusted sketch distances,
// or left the error out of either bound, would miss some of the true nearest. More faces are
// measured, and the answer is still the full scan's.
TEST(BoundedScanFlatTest, CoarseSketchesLoseNothing) {
  constexpr size_t d = 64, faces = 5000;
  constexpr float kLarge = 6;
  const auto with_large_component = [](std::vector<float> x) {
    for (size_t i = 0; i < x.size(); i += d) x[i] = kLarge;
    return x;
  };
  const auto people = with_large_component(ClusteredFaces(faces, d, 5, 5));
  const auto step = static_cast<float>(kLarge / 127.0);  // SketchFace's scale for these faces
  // Every person's even photos snapped to the grid, first; the odd ones after them, so that by
  // the time the scan meets them its running bounds are already tight.
  std::vector<float> x;
  for (size_t parity : {0, 1}) {
    for (size_t i = parity; i < faces; i += 2) {
      for (size_t j = 0; j < d; ++j) {
        const float v = people[i * d + j];
        x.push_back(parity == 0 ? step * std::nearbyint(v / step) : v);
      }
    }
  }
  Pair pair(d);
  pair.Add(x);
  const auto queries = with_large_component(ClusteredFaces(15, d, 5, 52));  // below BLAS's 20
  const uint64_t before = pair.bounded.FacesMeasured();
  pair.ExpectSame(queries, 10);
  EXPECT_GT(pair.bounded.FacesMeasured() - before, 15u * 20);  // loose bounds, more measured
}

// Duplicated faces tie exactly: they come back at the same distances, in the full scan's
// order (lower label first), each at its own distance.
TEST(BoundedScanFlatTest, TiesComeBackAtTheSameDistancesInTheSameOrder) {
  constexpr size_t d = 32;
  auto x = ClusteredFaces(1000, d, 8, 8);
  const std::vector<float> copy = x;
  x.insert(x.end(), copy.begin(), copy.end());
  Pair pair(d);
  pair.Add(x);
  const auto queries = ClusteredFaces(8, d, 8, 60);
  const Hits got = Search(pair.bounded, queries, 10);
  ExpectSameHits(got, Search(pair.full, queries, 10));
  for (size_t i = 0; i < got.labels.size(); ++i) {
    const float* face = x.data() + static_cast<size_t>(got.labels[i]) * d;
    EXPECT_EQ(got.distances[i], SquaredL2(queries.data() + (i / 10) * d, face, d));
  }
}

// Faces tied at the k-th place, in galleries large enough for scans to split between threads:
// the lower labels are kept, as by FAISS's own one-thread scan, whichever thread saw them.
TEST(BoundedScanFlatTest, TiesAtTheLastPlaceKeepTheLowerLabelsAcrossThreads) {
  const int threads = omp_get_max_threads();
  omp_set_num_threads(2);
  constexpr size_t d = 8, faces = 70000;  // past kParallelScanFrom: two halves of 35,000
  const std::vector<float> probe(d, 0.0f);
  std::vector<float> near(d, 0.0f);
  near[0] = 2;  // squared distance 4, exactly, in any summation order
  auto x = ClusteredFaces(faces, d, 50, 50);
  for (float& v : x) v += 10;  // every other face far from the probe
  for (size_t face : {1, 35000, 35001}) std::copy(near.begin(), near.end(), x.begin() + face * d);
  Pair pair(d);
  pair.Add(x);
  faiss::IndexFlatL2 faiss_scan(d);
  faiss_scan.add(static_cast<idx_t>(faces), x.data());
  for (idx_t k : {1, 2}) {
    const Hits want = Search(faiss_scan, probe, k);
    EXPECT_EQ(want.labels, (k == 1 ? std::vector<idx_t>{1} : std::vector<idx_t>{1, 35000}));
    ExpectSameHits(Search(pair.full, probe, k), want);
    ExpectSameHits(Search(pair.bounded, probe, k), want);
  }
  // Every face tied: the bounded scan measures them all, on both threads.
  Pair same(d);
  same.Add(std::vector<float>(faces * d, 0.5f));
  const uint64_t before = BoundedScanFlatL2::FacesMeasured();
  const Hits all_tied = Search(same.bounded, probe, 3);
  EXPECT_EQ(BoundedScanFlatL2::FacesMeasured() - before, faces);
  EXPECT_EQ(all_tied.labels, (std::vector<idx_t>{0, 1, 2}));
  ExpectSameHits(Search(same.full, probe, 3), all_tied);
  omp_set_num_threads(threads);
}

// Float sums of very many terms drift past the bounds' rounding allowance: from 176,656
// dimensions (the AVX2 kernel's 16 lanes each pass 2^24, then lose every added 1), face A
// measures 6e-4 of its squared length short, nearer than face B, and a bounded scan would have
// ruled it out. Past kMostDims the full scan answers.
TEST(BoundedScanFlatTest, GalleriesOfHugeDimensionAreScannedInFull) {
  constexpr size_t big = 1041, ones = 10000, d = 16 * (big + ones), faces = 16;
  ASSERT_GT(d, static_cast<size_t>(BoundedScanFlatL2::kMostDims));
  std::vector<float> x(faces * d, 100.0f);                              // far away
  for (size_t i = 0; i < d; ++i) x[i] = i < 16 * big ? 127.0f : 1.0f;   // face A
  for (size_t i = 0; i < d; ++i) x[d + i] = i < 16397 ? 128.0f : 0.0f;  // face B
  Pair pair(d);
  pair.Add(x);
  const std::vector<float> probe(d, 0.0f);
  const uint64_t before = BoundedScanFlatL2::ProbesAnswered();
  ExpectSameHits(Search(pair.bounded, probe, 1), Search(pair.full, probe, 1));
  EXPECT_EQ(BoundedScanFlatL2::ProbesAnswered(), before);
  faiss::Index* slot = new faiss::IndexFlatL2(static_cast<idx_t>(d));
  EXPECT_FALSE(BoundFlatScan(slot, true));  // FaceIndex keeps such a gallery on the full scan
  delete slot;
}

// A face with a NaN or infinite component has no bound: it is measured, and comes back or not
// exactly as in the full scan. A non-finite probe is measured against every face.
TEST(BoundedScanFlatTest, NonFiniteFacesAndProbesBehaveAsInTheFullScan) {
  constexpr size_t d = 32;
  auto x = ClusteredFaces(2000, d, 9, 9);
  x[7 * d + 1] = kNaN;
  x[8 * d + 2] = kInf;
  x[9 * d + 3] = -kInf;
  Pair pair(d);
  pair.Add(x);
  pair.ExpectSame(ClusteredFaces(8, d, 9, 61), 10);
  auto probe = ClusteredFaces(1, d, 10, 10);
  probe[4] = kNaN;
  pair.ExpectSame(probe, 10);
  probe[4] = kInf;
  pair.ExpectSame(probe, 10);
}

// Dimensions the kernels split differently (below, between and past sixteen-wide steps), up to
// 2048, where the probe's grid is coarser (its codes must keep d·127·|q| in 32 bits).
TEST(BoundedScanFlatTest, FindsWhatTheFullScanFindsAtEveryDimension) {
  for (size_t d : {8, 40, 131, 2048}) {
    SCOPED_TRACE("d " + std::to_string(d));
    Pair pair(d);
    pair.Add(ClusteredFaces(2000, d, 16, 16));
    pair.ExpectSame(ClusteredFaces(5, d, 16, 65), 10);
  }
}

// Faces and probes so small or so large that a sketch distance's floats would underflow (the
// product of two scales) or overflow (squared lengths): outside the sketched range, faces are
// always measured and probes scanned in full, with the full scan's answer.
TEST(BoundedScanFlatTest, ExtremeMagnitudesGetTheFullScansAnswer) {
  constexpr size_t d = 128;
  // Components of 1e-20 (lengths near 1e-19), and of 1.3e18 (lengths near 1.5e19, whose
  // squares overflow a float while the distances between them do not).
  for (float component : {1e-20f, 1.3e18f}) {
    SCOPED_TRACE("component " + std::to_string(component));
    const auto scaled = [&](unsigned seed, float factor) {
      auto v = testing::NormalFloats(d, seed);
      for (float& x : v) x *= component * factor;
      return v;
    };
    const auto probe = scaled(19, 1);
    Pair pair(d);
    pair.Add(ClusteredFaces(2000, d, 18, 18));  // ordinary faces too
    pair.Add(probe);                            // the probe's own face
    pair.Add(scaled(19, 4.0f / 3));             // the same direction, a third longer
    for (unsigned seed = 20; seed < 35; ++seed) pair.Add(scaled(seed, 0.5f));  // others, shorter
    for (idx_t k : {1, 10}) pair.ExpectSame(probe, k);
    pair.ExpectSame(scaled(19, 0.75f), 1);
  }
}

// No neighbours asked for is FAISS's error, as it is for the full scan.
TEST(BoundedScanFlatTest, SearchForNoNeighboursIsFaissError) {
  constexpr size_t d = 32;
  BoundedScanFlatL2 index(d);
  const auto x = ClusteredFaces(100, d, 19, 19);
  index.add(100, x.data());
  float distance = 0;
  idx_t label = 0;
  EXPECT_THROW(index.search(1, x.data(), 0, &distance, &label), faiss::FaissException);
}

// Adds in several steps, removals by batch and by range, and a reset keep the sketches in step
// with FAISS's vectors.
TEST(BoundedScanFlatTest, AddsRemovalsAndResetsKeepTheSketchesInStep) {
  constexpr size_t d = 32;
  Pair pair(d);
  const auto x = ClusteredFaces(3000, d, 11, 11);
  const auto queries = ClusteredFaces(6, d, 11, 62);
  for (size_t from = 0; from < 3000; from += 1000) {
    pair.Add(std::vector<float>(x.begin() + from * d, x.begin() + (from + 1000) * d));
    EXPECT_TRUE(pair.bounded.Sketched());
    pair.ExpectSame(queries, 10);
  }
  std::vector<idx_t> gone;
  for (idx_t i = 0; i < 3000; i += 3) gone.push_back(i);
  const faiss::IDSelectorBatch batch(gone.size(), gone.data());
  EXPECT_EQ(pair.bounded.remove_ids(batch), pair.full.remove_ids(batch));
  EXPECT_EQ(pair.bounded.ntotal, 2000);
  EXPECT_TRUE(pair.bounded.Sketched());
  pair.ExpectSame(queries, 10);
  const faiss::IDSelectorRange range(100, 900);
  EXPECT_EQ(pair.bounded.remove_ids(range), 800u);
  pair.full.remove_ids(range);
  EXPECT_TRUE(pair.bounded.Sketched());
  pair.ExpectSame(queries, 10);

  pair.bounded.reset();
  EXPECT_EQ(pair.bounded.ntotal, 0);
  EXPECT_TRUE(pair.bounded.Sketched());
  const Hits none = Search(pair.bounded, queries, 3);
  for (idx_t label : none.labels) EXPECT_EQ(label, -1);
}

// Vectors added behind the class's back (FAISS's own add, not the override) leave faces
// without sketches: searches then scan everything, still exactly, until Resketch or the next
// add or removal.
TEST(BoundedScanFlatTest, FacesWithoutSketchesAreScannedInFull) {
  constexpr size_t d = 32;
  Pair pair(d);
  pair.Add(ClusteredFaces(2000, d, 12, 12));
  const auto more = ClusteredFaces(500, d, 13, 13);
  pair.bounded.IndexFlatCodes::add(500, more.data());
  pair.full.add(500, more.data());
  EXPECT_FALSE(pair.bounded.Sketched());
  const uint64_t before = pair.bounded.FacesMeasured();
  const auto queries = ClusteredFaces(4, d, 12, 63);
  pair.ExpectSame(queries, 10);
  EXPECT_EQ(pair.bounded.FacesMeasured(), before);  // the full scan ran
  pair.bounded.Resketch();
  EXPECT_TRUE(pair.bounded.Sketched());
  pair.ExpectSame(queries, 10);
  EXPECT_GT(pair.bounded.FacesMeasured(), before);

  // The next add or removal sketches every face again.
  pair.bounded.IndexFlatCodes::add(500, more.data());
  pair.full.add(500, more.data());
  pair.Add(ClusteredFaces(100, d, 14, 14));
  EXPECT_TRUE(pair.bounded.Sketched());
  pair.ExpectSame(queries, 10);
  pair.bounded.IndexFlatCodes::add(500, more.data());
  pair.full.add(500, more.data());
  const faiss::IDSelectorRange first(0, 50);
  EXPECT_EQ(pair.bounded.remove_ids(first), pair.full.remove_ids(first));
  EXPECT_TRUE(pair.bounded.Sketched());
  pair.ExpectSame(queries, 10);
}

TEST(BoundedScanFlatTest, ReserveAllocatesOnceAndChangesNothingElse) {
  constexpr size_t d = 32;
  BoundedScanFlatL2 index(d);
  index.Reserve(1000);
  EXPECT_EQ(index.ntotal, 0);
  EXPECT_GE(index.codes.capacity(), 1000 * d * sizeof(float));
  const auto x = ClusteredFaces(1000, d, 14, 14);
  const float* before = nullptr;
  index.add(1, x.data());
  before = index.get_xb();
  index.add(999, x.data() + d);
  EXPECT_EQ(index.get_xb(), before);  // no reallocation
  EXPECT_TRUE(index.Sketched());
}

// Face by face, the sketch arrays grow by doubling, never by exactly what one add needs (which
// would copy them on every add: quadratic over a gallery enrolled a few faces at a time).
TEST(BoundedScanFlatTest, SketchArraysGrowByDoublingOverManySmallAdds) {
  constexpr size_t d = 16, faces = 3000;
  const auto x = ClusteredFaces(faces, d, 20, 20);
  BoundedScanFlatL2 index(d);
  int growths = 0;
  for (size_t i = 0; i < faces; ++i) {
    const size_t before = index.SketchCapacity();
    index.add(1, x.data() + i * d);
    if (index.SketchCapacity() != before) ++growths;
  }
  EXPECT_LE(growths, 14);  // 1, 2, 4, ..., 4096: 13 growths
  EXPECT_TRUE(index.Sketched());
  index.Reserve(10000);  // past twice the capacity: exactly what was asked
  EXPECT_EQ(index.SketchCapacity(), 10000u);
}

// The address space this process has mapped, from /proc/self/status.
size_t MappedBytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmSize:", 0) == 0) return std::stoull(line.substr(7)) * 1024;  // in kB
  }
  return 0;
}

// An add that runs out of memory changes nothing: the sketches' room is made before FAISS
// takes the vectors, so an IndexIDMap2 above never counts faces it has no ids for (it would
// read past its id map on the next search). Run in a child process under an address-space
// limit with room for the vectors and half the sketches; it reports through its exit status.
TEST(BoundedScanFlatTest, AnAddThatRunsOutOfMemoryChangesNothing) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves the address space this test limits";
#endif
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    constexpr size_t d = 128, n = 400000;
    const auto x = ClusteredFaces(n, d, 1000, 400);
    std::vector<idx_t> ids(n);
    for (size_t i = 0; i < n; ++i) ids[i] = 1000 + static_cast<idx_t>(i);
    auto* flat = new BoundedScanFlatL2(d);
    faiss::IndexIDMap2 map(flat);
    map.own_fields = true;
    map.add_with_ids(1, x.data(), ids.data());
    const rlimit limit{MappedBytes() + n * d * sizeof(float) + n * (d + 12) / 2, RLIM_INFINITY};
    setrlimit(RLIMIT_AS, &limit);
    try {
      map.add_with_ids(static_cast<idx_t>(n - 1), x.data() + d, ids.data() + 1);
      _exit(10);
    } catch (const std::bad_alloc&) {
      const bool unchanged =
          map.ntotal == 1 && flat->ntotal == 1 && map.id_map.size() == 1 && flat->Sketched();
      _exit(unchanged ? 0 : 11);
    } catch (...) {
      _exit(12);
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: the add fitted, 11: counts out of step, 12: not "
                                       "std::bad_alloc";
}

TEST(BoundedScanFlatTest, TakesOverAnOwnedFlatL2IndexWithoutCopyingItsVectors) {
  constexpr size_t d = 32;
  const auto x = ClusteredFaces(3000, d, 15, 15);
  faiss::Index* slot = new faiss::IndexFlatL2(d);  // BoundFlatScan deletes it
  slot->add(3000, x.data());
  const float* vectors = dynamic_cast<faiss::IndexFlat*>(slot)->get_xb();
  ASSERT_TRUE(BoundFlatScan(slot, /*owned=*/true));
  const std::unique_ptr<faiss::Index> owner(slot);
  auto* bounded = dynamic_cast<BoundedScanFlatL2*>(slot);
  ASSERT_NE(bounded, nullptr);
  EXPECT_EQ(bounded->get_xb(), vectors);
  EXPECT_EQ(bounded->ntotal, 3000);
  EXPECT_TRUE(bounded->Sketched());
  EXPECT_TRUE(BoundFlatScan(slot, /*owned=*/true));  // again: nothing to do
  EXPECT_EQ(slot, bounded);

  faiss::IndexFlatL2 reference(d);
  reference.add(3000, x.data());
  const auto queries = ClusteredFaces(5, d, 15, 64);
  const Hits got = Search(*bounded, queries, 10);
  EXPECT_EQ(got.labels, Search(reference, queries, 10).labels);

  faiss::IndexFlatIP inner_product(d);
  faiss::Index* ip_slot = &inner_product;
  EXPECT_FALSE(BoundFlatScan(ip_slot, /*owned=*/true));
  faiss::IndexFlatL2 borrowed(d);
  faiss::Index* borrowed_slot = &borrowed;
  EXPECT_FALSE(BoundFlatScan(borrowed_slot, /*owned=*/false));
  EXPECT_EQ(borrowed_slot, &borrowed);
}

}  // namespace
}  // namespace facetrace
