// FacePipeline: image -> faces. Detect, align (dlib 5-point), embed (dlib's ResNet or the
// embedder PipelineOptions::embedder names) and score quality for every face in one image. Owns one
// detector, aligner and embedder, so it is not thread-safe: ParallelMap gives each worker thread
// its own.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "align/face_aligner.h"
#include "core/face.h"
#include "core/model_paths.h"
#include "detect/face_detector.h"
#include "embed/embedder_factory.h"
#include "io/image_loader.h"

namespace facetrace {

struct PipelineOptions {
  std::string detector = "yunet";
  DetectorOptions detector_options;
  std::string embedder = kDefaultEmbedder;  // spec for CreateFaceEmbedder (embedder_factory.h)
  EmbedderOptions embedder_options;
  ImageLoadOptions load_options;
  std::filesystem::path model_dir;  // empty: ModelPaths::Resolve()
  int max_faces_per_image = 64;     // keep the best-scored faces beyond this
  bool equalize_chip = false;       // CLAHE on each aligned chip (align/chip_lighting.h)
};

// Seconds spent per stage, summed over the images a pipeline processed.
struct StageTimings {
  double decode = 0;
  double detect = 0;
  double align = 0;
  double embed = 0;
  size_t faces = 0;  // faces aligned and embedded
  StageTimings& operator+=(const StageTimings& other);
};

struct ImageFaces {
  LoadedImage image;
  std::vector<Face> faces;  // largest first
};

class FacePipeline {
 public:
  explicit FacePipeline(const PipelineOptions& options);
  ~FacePipeline();

  // Faces found in an 8-bit BGR image, largest first. With FaceSearch::kLargestFace (in
  // PipelineOptions::detector_options) only the largest is aligned and embedded and returned.
  std::vector<Face> ProcessImage(const cv::Mat& bgr);
  // Load (see io/image_loader.h, throws its typed errors) and process.
  ImageFaces ProcessFile(const std::filesystem::path& path);
  // The two halves of loading, timed as the decode stage: callers that must look at the
  // bytes first (the enroller hashes them to skip known photos) use these.
  std::vector<uint8_t> ReadBytes(const std::filesystem::path& path);
  LoadedImage Decode(std::span<const uint8_t> bytes, const std::string& name);
  const StageTimings& timings() const { return timings_; }

  const PipelineOptions& options() const { return options_; }
  // The model behind every Face::embedding this pipeline returns.
  const EmbedderInfo& embedder_info() const { return embedder_->info(); }

 private:
  PipelineOptions options_;
  std::unique_ptr<FaceDetector> detector_;
  FaceAligner aligner_;
  std::unique_ptr<FaceEmbedder> embedder_;
  StageTimings timings_;
};

// Index of the face to enroll from a gallery photo: the largest, as photographers frame the
// subject. -1 when there are no faces.
int MainFaceIndex(const std::vector<Face>& faces);

// What the embedder of `options` reports, without loading any network (embedder_factory.h).
EmbedderInfo DescribePipelineEmbedder(const PipelineOptions& options);

}  // namespace facetrace
