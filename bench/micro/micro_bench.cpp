// facetrace_microbench: Google Benchmark kernels behind the end-to-end figures.
//
//   build/facetrace_microbench [--benchmark_filter=...]
//
// - Embed/N: dlib ResNet forward pass on N aligned chips (one thread), per face;
// - Detect/<size>: YuNet on a real photo scaled to <size> px on its long side;
// - Search/<gallery>/<facetrace>: exact search of one probe in a gallery of random embeddings,
//   through FaceIndex (1) or FAISS's own IndexFlatL2 (0, the scalar loop Debian's build runs);
// - SquaredL2/<kernel>: one 128-D squared distance, FAISS's fvec_L2sqr (0), facetrace's
//   SquaredL2 (1, AVX2+FMA where the CPU has them) or its portable kernel (2),
//   index/vectorized_flat.h;
// - AssignToLists/<efSearch>: assigning a batch of faces to the lists of a 16384-list IVF index
//   (the 50M gallery's), by BLAS against the centroids (0) or through an HNSW32 graph over them
//   with that efSearch, per face; `agreement` is the share given the exact nearest list.
#include <random>

#include <benchmark/benchmark.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/utils/distances.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "align/face_aligner.h"
#include "core/model_paths.h"
#include "detect/face_detector.h"
#include "embed/dlib_resnet_embedder.h"
#include "embed/face_embedder.h"
#include "index/face_index.h"
#include "index/vectorized_flat.h"
#include "pipeline/compute_threads.h"

namespace facetrace {
namespace {

const char* kPhoto = "../shared/datasets/detection_dlib_faces/bald_guys.jpg";

cv::Mat Photo() {
  static const cv::Mat photo = cv::imread(kPhoto);
  return photo;
}

void BM_Embed(benchmark::State& state) {
  const ComputeThreadsScope one_thread(2);
  const ModelPaths models = ModelPaths::Resolve();
  FaceAligner aligner(models.Require(ModelFiles::kShapePredictor5));
  DlibResnetEmbedder embedder(
      models.Require(ModelFiles::kResnet),
      {.flip_fusion = false, .batch_size = static_cast<int>(state.range(0))});
  auto detector = CreateFaceDetector("yunet", models);
  const cv::Mat photo = Photo();
  const auto faces = detector->Detect(photo);
  if (faces.empty()) {
    state.SkipWithError("no face in the benchmark photo");
    return;
  }
  std::vector<FaceChip> chips;
  for (int64_t i = 0; i < state.range(0); ++i)
    chips.push_back(aligner.Align(photo, faces[i % faces.size()]).chip);
  for (auto _ : state) benchmark::DoNotOptimize(embedder.EmbedChips(chips));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Embed)->Arg(1)->Arg(8)->Arg(16)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Detect(benchmark::State& state) {
  const ComputeThreadsScope one_thread(2);
  auto detector = CreateFaceDetector("yunet", ModelPaths::Resolve());
  const cv::Mat photo = Photo();
  const double scale = static_cast<double>(state.range(0)) / std::max(photo.cols, photo.rows);
  cv::Mat scaled;
  cv::resize(photo, scaled, cv::Size(), scale, scale, cv::INTER_LINEAR);
  for (auto _ : state) benchmark::DoNotOptimize(detector->Detect(scaled));
}
BENCHMARK(BM_Detect)->Arg(640)->Arg(1280)->Arg(4000)->Unit(benchmark::kMillisecond)->UseRealTime();

std::vector<float> RandomEmbeddings(int64_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0, 0.1f);
  std::vector<float> vectors(static_cast<size_t>(count) * DlibResnetEmbedder::kDim);
  for (float& v : vectors) v = n(rng);
  return vectors;
}

void BM_Search(benchmark::State& state) {
  const int64_t count = state.range(0);
  const std::vector<float> vectors = RandomEmbeddings(count, 1);
  const std::vector<float> probe(vectors.begin(), vectors.begin() + DlibResnetEmbedder::kDim);
  if (state.range(1) == 0) {
    faiss::IndexFlatL2 faiss_flat(DlibResnetEmbedder::kDim);
    faiss_flat.add(count, vectors.data());
    std::vector<float> distances(10);
    std::vector<faiss::Index::idx_t> labels(10);
    for (auto _ : state) faiss_flat.search(1, probe.data(), 10, distances.data(), labels.data());
    return;
  }
  std::vector<int64_t> ids(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) ids[static_cast<size_t>(i)] = i;
  FaceIndex index(DlibResnetEmbedder::kDim);
  index.Add(ids, vectors);
  for (auto _ : state) benchmark::DoNotOptimize(index.Search(probe, 10));
}
BENCHMARK(BM_Search)
    ->ArgsProduct({{10'000, 100'000, 1'000'000}, {0, 1}})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

void BM_SquaredL2(benchmark::State& state) {
  constexpr int64_t kVectors = 4096;  // 2 MB: the cache's, so this measures the arithmetic
  constexpr size_t kDim = DlibResnetEmbedder::kDim;
  const std::vector<float> vectors = RandomEmbeddings(kVectors, 3);
  const std::vector<float> probe = RandomEmbeddings(1, 4);
  using Kernel = float (*)(const float*, const float*, size_t);
  const Kernel kernels[] = {faiss::fvec_L2sqr, SquaredL2, PortableSquaredL2};
  const Kernel kernel = kernels[state.range(0)];
  for (auto _ : state) {
    float sum = 0;
    for (size_t i = 0; i < kVectors; ++i) sum += kernel(probe.data(), &vectors[i * kDim], kDim);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kVectors);
  state.SetLabel(state.range(0) == 1 ? SquaredL2Kernel() : "");
}
BENCHMARK(BM_SquaredL2)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

void BM_AssignToLists(benchmark::State& state) {
  constexpr int kLists = 16384, kFaces = 8192, kDim = DlibResnetEmbedder::kDim;
  std::mt19937 rng(2);
  std::normal_distribution<float> n(0, 1);
  std::vector<float> centroids(size_t{kLists} * kDim), faces(size_t{kFaces} * kDim);
  for (float& v : centroids) v = n(rng);
  // Faces near a centroid, as gallery faces are near theirs.
  std::uniform_int_distribution<int> pick(0, kLists - 1);
  for (size_t f = 0; f < kFaces; ++f) {
    const float* c = &centroids[static_cast<size_t>(pick(rng)) * kDim];
    for (size_t d = 0; d < kDim; ++d) faces[f * kDim + d] = c[d] + 0.5f * n(rng);
  }
  faiss::IndexFlatL2 flat(kDim);
  flat.add(kLists, centroids.data());
  std::vector<faiss::Index::idx_t> exact(kFaces), lists(kFaces);
  flat.assign(kFaces, faces.data(), exact.data());
  faiss::IndexHNSWFlat graph(kDim, 32);
  graph.add(kLists, centroids.data());
  graph.hnsw.efSearch = static_cast<int>(state.range(0));
  faiss::Index& assigner = state.range(0) == 0 ? static_cast<faiss::Index&>(flat) : graph;
  for (auto _ : state) assigner.assign(kFaces, faces.data(), lists.data());
  int agree = 0;
  for (size_t f = 0; f < kFaces; ++f) agree += lists[f] == exact[f];
  state.counters["agreement"] = static_cast<double>(agree) / kFaces;
  state.SetItemsProcessed(state.iterations() * kFaces);
}
BENCHMARK(BM_AssignToLists)->Arg(0)->Arg(16)->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace facetrace

BENCHMARK_MAIN();
