#include "pipeline/face_pipeline.h"

#include <algorithm>
#include <chrono>

#include <dlib/opencv/to_open_cv.h>

#include "align/chip_lighting.h"
#include "quality/face_quality.h"

namespace facetrace {

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

ModelPaths ResolveModels(const PipelineOptions& options) {
  return ModelPaths::Resolve(options.model_dir);
}

// A caller that keeps only the largest face (enroll) should not pay to align and embed the
// others: with flip fusion each costs two ResNet passes.
void KeepLargest(std::vector<Detection>& detections) {
  if (detections.size() < 2) return;
  const auto largest = std::max_element(
      detections.begin(), detections.end(),
      [](const Detection& a, const Detection& b) { return a.box.area() < b.box.area(); });
  detections = {*largest};
}

}  // namespace

StageTimings& StageTimings::operator+=(const StageTimings& other) {
  decode += other.decode;
  detect += other.detect;
  align += other.align;
  embed += other.embed;
  faces += other.faces;
  return *this;
}

FacePipeline::FacePipeline(const PipelineOptions& options)
    : options_(options),
      detector_(
          CreateFaceDetector(options.detector, ResolveModels(options), options.detector_options)),
      aligner_(ResolveModels(options).Require(ModelFiles::kShapePredictor5)),
      embedder_(
          CreateFaceEmbedder(options.embedder, ResolveModels(options), options.embedder_options)) {}

FacePipeline::~FacePipeline() = default;

std::vector<Face> FacePipeline::ProcessImage(const cv::Mat& bgr) {
  auto start = Clock::now();
  std::vector<Detection> detections = detector_->Detect(bgr);
  if (options_.detector_options.search == FaceSearch::kLargestFace) {
    KeepLargest(detections);
  } else if (static_cast<int>(detections.size()) > options_.max_faces_per_image) {
    detections.resize(static_cast<size_t>(options_.max_faces_per_image));
  }
  timings_.detect += SecondsSince(start);

  start = Clock::now();
  std::vector<Face> faces(detections.size());
  std::vector<FaceToEmbed> to_embed(detections.size());
  for (size_t i = 0; i < detections.size(); ++i) {
    AlignedFace aligned = aligner_.Align(bgr, detections[i]);
    faces[i].detection = detections[i];
    if (!faces[i].detection.has_landmarks) {
      faces[i].detection.landmarks = aligned.landmarks;
    }
    const cv::Mat chip_view = dlib::toMat(aligned.chip);  // RGB; quality only needs grey
    faces[i].quality =
        AssessFaceQuality(chip_view, faces[i].detection.landmarks, detections[i].score).overall;
    if (options_.equalize_chip) EqualizeChipLighting(aligned.chip);
    to_embed[i].dlib_chip = std::move(aligned.chip);
    // The detector's landmarks where it has them (YuNet: measured, mouth corners included),
    // else those derived from dlib's shape.
    to_embed[i].landmarks = faces[i].detection.landmarks;
  }
  timings_.align += SecondsSince(start);

  start = Clock::now();
  std::vector<Embedding> embeddings = embedder_->Embed(bgr, to_embed);
  for (size_t i = 0; i < faces.size(); ++i) faces[i].embedding = std::move(embeddings[i]);
  timings_.embed += SecondsSince(start);
  timings_.faces += faces.size();

  std::stable_sort(faces.begin(), faces.end(), [](const Face& a, const Face& b) {
    return a.detection.box.area() > b.detection.box.area();
  });
  return faces;
}

std::vector<uint8_t> FacePipeline::ReadBytes(const std::filesystem::path& path) {
  const auto start = Clock::now();
  std::vector<uint8_t> bytes = ReadFileBytes(path, options_.load_options.max_file_bytes);
  timings_.decode += SecondsSince(start);
  return bytes;
}

LoadedImage FacePipeline::Decode(std::span<const uint8_t> bytes, const std::string& name) {
  const auto start = Clock::now();
  LoadedImage image = DecodeImage(bytes, name, options_.load_options);
  timings_.decode += SecondsSince(start);
  return image;
}

ImageFaces FacePipeline::ProcessFile(const std::filesystem::path& path) {
  ImageFaces result;
  result.image = Decode(ReadBytes(path), path.string());
  result.faces = ProcessImage(result.image.bgr);
  return result;
}

EmbedderInfo DescribePipelineEmbedder(const PipelineOptions& options) {
  return DescribeFaceEmbedder(options.embedder, ResolveModels(options), options.embedder_options);
}

int MainFaceIndex(const std::vector<Face>& faces) {
  int best = -1;
  for (size_t i = 0; i < faces.size(); ++i) {
    if (best < 0 ||
        faces[i].detection.box.area() > faces[static_cast<size_t>(best)].detection.box.area()) {
      best = static_cast<int>(i);
    }
  }
  return best;
}

}  // namespace facetrace
