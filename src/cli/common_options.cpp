#include "cli/common_options.h"

#include "detect/face_detector.h"

namespace facetrace::cli {

PipelineOptions CommonOptions::ToPipelineOptions() const {
  PipelineOptions options;
  options.detector = detector;
  options.model_dir = models;
  options.load_options.max_pixels = static_cast<int64_t>(max_megapixels * 1e6);
  options.detector_options.min_face_size = min_face;
  options.embedder_options.flip_fusion = flip_fusion;
  return options;
}

void AddPipelineOptions(CLI::App& command, CommonOptions& options) {
  command.add_option("--models", options.models,
                     "Folder holding the model files (default: found automatically)");
  command.add_option("--detector", options.detector, "Face detector")
      ->check(CLI::IsMember(FaceDetectorNames()))
      ->capture_default_str();
  command.add_option("--threads", options.threads, "Worker threads (0: one per core)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command.add_option("--max-megapixels", options.max_megapixels, "Refuse larger images")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command.add_option("--min-face", options.min_face, "Smallest face side to find, in pixels")
      ->check(CLI::Range(8, 4096))
      ->capture_default_str();
  command.add_flag("--flip-fusion", options.flip_fusion,
                   "Average each face's embedding with its mirror image's");
}

}  // namespace facetrace::cli
