#include "pipeline/image_batch.h"

#include <mutex>

#include "pipeline/compute_threads.h"
#include "pipeline/parallel_map.h"

namespace facetrace {

namespace {

// A pipeline that adds its stage timings to a shared total when its worker finishes.
class TimedPipeline {
 public:
  TimedPipeline(const PipelineOptions& options, StageTimings& total, std::mutex& mu)
      : pipeline_(options), total_(total), mu_(mu) {}
  ~TimedPipeline() {
    std::lock_guard lock(mu_);
    total_ += pipeline_.timings();
  }
  TimedPipeline(const TimedPipeline&) = delete;
  TimedPipeline& operator=(const TimedPipeline&) = delete;
  FacePipeline& get() { return pipeline_; }

 private:
  FacePipeline pipeline_;
  StageTimings& total_;
  std::mutex& mu_;
};

ImageResult ProcessOne(FacePipeline& pipeline, const std::filesystem::path& path) {
  ImageResult result;
  result.path = path;
  try {
    ImageFaces faces = pipeline.ProcessFile(path);
    result.width = faces.image.bgr.cols;
    result.height = faces.image.bgr.rows;
    result.grey = faces.image.was_grey;
    result.faces = std::move(faces.faces);
  } catch (const Error& e) {
    result.error_code = e.code();
    result.error = e.what();
  }
  return result;
}

}  // namespace

StageTimings ProcessImages(const std::vector<std::filesystem::path>& paths,
                           const BatchOptions& options,
                           const std::function<void(ImageResult&&)>& consume) {
  StageTimings total;
  std::mutex mu;
  const int threads = ResolveThreadCount(options.threads);
  const ComputeThreadsScope compute_threads(threads);
  ParallelMap<TimedPipeline, ImageResult>(
      paths.size(), threads, static_cast<size_t>(threads) * 4,
      [&] { return std::make_unique<TimedPipeline>(options.pipeline, total, mu); },
      [&](TimedPipeline& pipeline, size_t i) { return ProcessOne(pipeline.get(), paths[i]); },
      [&](size_t, ImageResult&& result) { consume(std::move(result)); });
  return total;
}

}  // namespace facetrace
