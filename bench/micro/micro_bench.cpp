// facetrace_microbench: Google Benchmark kernels behind the end-to-end figures.
//
//   build/facetrace_microbench [--benchmark_filter=...]
//
// - Embed/N: dlib ResNet forward pass on N aligned chips (one thread), per face;
// - Detect/<size>: YuNet on a real photo scaled to <size> px on its long side;
// - Search/<gallery>: exact FAISS search of one probe in a gallery of random embeddings.
#include <random>

#include <benchmark/benchmark.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "align/face_aligner.h"
#include "core/model_paths.h"
#include "detect/face_detector.h"
#include "embed/dlib_resnet_embedder.h"
#include "embed/face_embedder.h"
#include "index/face_index.h"
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

void BM_Search(benchmark::State& state) {
  std::mt19937 rng(1);
  std::normal_distribution<float> n(0, 0.1f);
  const int64_t count = state.range(0);
  std::vector<float> vectors(static_cast<size_t>(count) * DlibResnetEmbedder::kDim);
  for (float& v : vectors) v = n(rng);
  std::vector<int64_t> ids(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) ids[static_cast<size_t>(i)] = i;
  FaceIndex index(DlibResnetEmbedder::kDim);
  index.Add(ids, vectors);
  std::vector<float> probe(vectors.begin(), vectors.begin() + DlibResnetEmbedder::kDim);
  for (auto _ : state) benchmark::DoNotOptimize(index.Search(probe, 10));
}
BENCHMARK(BM_Search)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace facetrace

BENCHMARK_MAIN();
