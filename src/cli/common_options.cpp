#include "cli/common_options.h"

#include "detect/face_detector.h"

namespace facetrace::cli {

BatchOptions CommonOptions::ToBatchOptions() const {
  BatchOptions options;
  options.threads = threads;
  options.pipeline = ToPipelineOptions();
  return options;
}

PipelineOptions CommonOptions::ToPipelineOptions() const {
  PipelineOptions options;
  options.detector = detector;
  options.model_dir = models;
  options.load_options.max_pixels = static_cast<int64_t>(max_megapixels * 1e6);
  options.detector_options.min_face_size = min_face;
  options.embedder = embedder;
  options.embedder_options.flip_fusion = flip_fusion;
  options.embedder_options.jitters = jitter;
  return options;
}

EmbedderInfo CommonOptions::Embedder() const {
  return DescribePipelineEmbedder(ToPipelineOptions());
}

void AddPipelineOptions(CLI::App& command, CommonOptions& options) {
  command.add_option("--models", options.models,
                     "Folder holding the model files (default: found automatically)");
  command.add_option("--detector", options.detector, "Face detector")
      ->check(CLI::IsMember(FaceDetectorNames()))
      ->capture_default_str();
  command
      .add_option("--embedder", options.embedder,
                  "Recognition model: dlib (dlib's ResNet), an ONNX model's config file (or its "
                  "name in the model folder), or two joined by '+' for score-level fusion")
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
  command.add_flag("--flip-fusion,!--no-flip-fusion", options.flip_fusion,
                   "Average each face's embedding with its mirror image's (default: on; "
                   "--no-flip-fusion halves the embedding time at some cost in accuracy)");
  command
      .add_option("--jitter", options.jitter,
                  "Also average the embeddings of N randomly jittered copies of each face (dlib "
                  "only; N+2 forward passes per face)")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
}

Calibration DecisionOptions::LoadFor(const CommonOptions& common) const {
  return LoadCalibration(calibration, common.models, common.Embedder().model_id, RankBy());
}

MatchPolicy DecisionOptions::ToPolicy(const CommonOptions& common) const {
  return MatchPolicy(LoadFor(common), max_false_match_rate);
}

void AddDecisionOptions(CLI::App& command, DecisionOptions& options) {
  command.add_option("--calibration", options.calibration,
                     "Calibration file from `facetrace calibrate` (default: the one shipped with "
                     "the model)");
  command
      .add_option("--max-false-match-rate", options.max_false_match_rate,
                  "Mark candidates as possible matches only within this false-match rate "
                  "per comparison")
      ->check(CLI::Range(1e-9, 1.0))
      ->capture_default_str();
}

void AddRankByOption(CLI::App& command, DecisionOptions& options) {
  options.rank_by = ComparisonName(Comparison::kMeanTemplate);
  command
      .add_option("--rank-by", options.rank_by,
                  "Compare probes with each identity's mean template (template: fewer strangers "
                  "ranked first) or with each gallery photo (photo); each has its own "
                  "calibration")
      ->check(CLI::IsMember(
          {ComparisonName(Comparison::kPhoto), ComparisonName(Comparison::kMeanTemplate)}))
      ->capture_default_str();
}

}  // namespace facetrace::cli
