#include "server/gallery_service.h"

#include <mutex>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "embed/face_embedder.h"
#include "io/sha256.h"
#include "pipeline/enroller.h"
#include "pipeline/image_batch.h"
#include "pipeline/match_policy.h"
#include "pipeline/result_json.h"

namespace facetrace {

namespace {

// How a stored photo of each format is named and served.
struct FormatNames {
  std::string_view extension;
  std::string_view content_type;
};

FormatNames NamesOf(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return {".jpg", "image/jpeg"};
    case ImageFormat::kPng:
      return {".png", "image/png"};
    case ImageFormat::kWebp:
      return {".webp", "image/webp"};
    case ImageFormat::kBmp:
      return {".bmp", "image/bmp"};
    case ImageFormat::kTiff:
      return {".tif", "image/tiff"};
    case ImageFormat::kPnm:
      return {".pnm", "image/x-portable-anymap"};
    case ImageFormat::kGif:
      return {".gif", "image/gif"};
    case ImageFormat::kUnknown:
      break;
  }
  return {".bin", "application/octet-stream"};
}

// identify --json's face and candidate objects (result_json.h), reshaped for the API.
nlohmann::json ApiFace(nlohmann::json face, size_t index,
                       const std::vector<Candidate>& candidates) {
  const auto box = face["box"];
  face["box"] = {{"x", box[0]}, {"y", box[1]}, {"width", box[2]}, {"height", box[3]}};
  face["index"] = index;
  for (size_t i = 0; i < candidates.size(); ++i) {
    nlohmann::json& c = face["candidates"][i];
    c["rank"] = i + 1;
    c["name"] = candidates[i].identity;
    c["metadata"] = candidates[i].identity_metadata;
    c["face_id"] = candidates[i].face_id;
    c["image_id"] = candidates[i].image_id;
    c.erase("gallery_image");  // a server path: the API serves /v1/images/{image_id} instead
  }
  return face;
}

const Face& MainFace(const AnalyzedPhoto& photo, const std::string& name) {
  const int main = MainFaceIndex(photo.faces);
  if (main < 0) throw Error(ErrorCode::kNoFace, "no face found in " + name);
  return photo.faces[static_cast<size_t>(main)];
}

}  // namespace

std::string ImageContentType(ImageFormat format) {
  return std::string(NamesOf(format).content_type);
}

GalleryService::GalleryService(const GalleryServiceOptions& options)
    : options_(options),
      photo_dir_(options.db.string() + ".photos"),
      embedder_(DescribePipelineEmbedder(options.pipeline)),
      calibration_(LoadCalibration(
          options.rank_by == Comparison::kPhoto ? options.calibration : std::filesystem::path(),
          options.pipeline.model_dir, embedder_.model_id)),
      search_calibration_(options.rank_by == Comparison::kPhoto
                              ? calibration_
                              : LoadCalibration(options.calibration, options.pipeline.model_dir,
                                                embedder_.model_id, options.rank_by)),
      gallery_(Gallery::Open(options.db, embedder_, {.rank_by = options.rank_by})),
      readers_([db = options.db] { return Catalog::Open(db); }),
      pipelines_(
          [pipeline = options.pipeline] { return std::make_unique<FacePipeline>(pipeline); }) {
  // Fail at start, not at the first request, when the models are missing.
  pipelines_.Acquire();
}

GalleryService::~GalleryService() = default;

AnalyzedPhoto GalleryService::Analyze(std::span<const uint8_t> bytes, const std::string& name) {
  AnalyzedPhoto photo;
  photo.header = ReadImageHeader(bytes, name);  // refuses non-images before any decoding
  photo.content_type = ImageContentType(photo.header.format);
  photo.sha256 = Sha256Hex(bytes);
  auto pipeline = pipelines_.Acquire();
  const LoadedImage image = pipeline->Decode(bytes, name);
  photo.width = image.bgr.cols;
  photo.height = image.bgr.rows;
  photo.faces = pipeline->ProcessImage(image.bgr);
  return photo;
}

nlohmann::json GalleryService::Identify(const AnalyzedPhoto& photo, int top_k,
                                        double max_false_match_rate) const {
  const MatchPolicy policy(search_calibration_, max_false_match_rate);
  std::vector<std::vector<Candidate>> candidates;
  {
    std::shared_lock lock(gallery_mu_);
    auto reader = readers_.Acquire();
    for (const Face& face : photo.faces) {
      candidates.push_back(gallery_->Search(face.embedding, top_k, *reader));
      policy.Apply(candidates.back());
    }
  }
  ImageResult result;
  result.width = photo.width;
  result.height = photo.height;
  result.faces = photo.faces;
  const nlohmann::json identified = IdentifyResultToJson(result, candidates);
  nlohmann::json faces = nlohmann::json::array();
  for (size_t i = 0; i < photo.faces.size(); ++i) {
    faces.push_back(ApiFace(identified["faces"][i], i, candidates[i]));
  }
  return faces;
}

VerifyOutcome GalleryService::Verify(const AnalyzedPhoto& a, const AnalyzedPhoto& b,
                                     double max_false_match_rate) const {
  const Face& face_a = MainFace(a, "photo_a");
  const Face& face_b = MainFace(b, "photo_b");
  VerifyOutcome outcome;
  outcome.threshold = calibration_.ThresholdFor(max_false_match_rate);
  outcome.distance = EmbeddingDistance(face_a.embedding, face_b.embedding);
  outcome.false_match_rate = calibration_.FalseMatchRate(outcome.distance);
  outcome.same_person = outcome.distance <= outcome.threshold;
  return outcome;
}

EnrollResult GalleryService::Enroll(int64_t identity_id, std::span<const uint8_t> bytes,
                                    const std::string& source) {
  Read([&](const Catalog& catalog) {
    if (!catalog.GetIdentity(identity_id)) {
      throw Error(ErrorCode::kNotFound, fmt::format("no identity {}", identity_id));
    }
  });
  const AnalyzedPhoto photo = Analyze(bytes, "photo");
  const Face& face = MainFace(photo, "photo");
  // Named by content: the same bytes always land on the same file, and no name from the
  // request ever reaches the file system.
  const std::filesystem::path file =
      photo_dir_ / (photo.sha256 + std::string(NamesOf(photo.header.format).extension));
  std::filesystem::create_directories(photo_dir_);
  WriteFileAtomically(file, [&](std::FILE* out) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), out) != bytes.size()) {
      throw Error(ErrorCode::kIo, "cannot write " + file.string());
    }
  });
  ImageRecord image;
  image.sha256 = photo.sha256;
  image.path = file.string();
  image.source = source;
  image.identity_id = identity_id;
  image.width = photo.width;
  image.height = photo.height;
  const FaceRecord record = ToFaceRecord(face, identity_id, gallery_->model().model_id);
  std::unique_lock lock(gallery_mu_);
  const auto face_ids = gallery_->catalog().AddImage(image, {record});
  if (!face_ids) {
    throw Error(ErrorCode::kConflict, "this photo is already in the gallery");
  }
  gallery_->IndexFaces(*face_ids, {record.embedding});
  EnrollResult result;
  result.face_id = face_ids->front();
  result.image_id = gallery_->catalog().FindImageBySha256(photo.sha256)->id;
  result.faces_found = static_cast<int>(photo.faces.size());
  return result;
}

void GalleryService::DeleteIdentity(int64_t identity_id) {
  std::unique_lock lock(gallery_mu_);
  const auto identity = gallery_->catalog().GetIdentity(identity_id);
  if (!identity) throw Error(ErrorCode::kNotFound, fmt::format("no identity {}", identity_id));
  const std::vector<ImageRecord> images = gallery_->catalog().ImagesOfIdentity(identity_id);
  gallery_->RemoveIdentity(identity->name);
  // Photos uploaded through the API go with the identity; photos enrolled from the analyst's
  // own folders (`facetrace enroll`) are theirs and stay where they are.
  for (const ImageRecord& image : images) {
    const std::filesystem::path path(image.path);
    if (path.parent_path() != photo_dir_) continue;
    std::error_code ignored;  // a file already gone is what we want
    std::filesystem::remove(path, ignored);
  }
}

void GalleryService::Read(const std::function<void(const Catalog&)>& read) const {
  std::shared_lock lock(gallery_mu_);
  auto reader = readers_.Acquire();
  read(*reader);
}

void GalleryService::Write(const std::function<void(Catalog&)>& write) {
  std::unique_lock lock(gallery_mu_);
  write(gallery_->catalog());
}

int64_t GalleryService::faces() const {
  std::shared_lock lock(gallery_mu_);
  return gallery_->index().size();
}

const std::string& GalleryService::model_id() const { return gallery_->model().model_id; }

void GalleryService::SaveIndex() {
  std::unique_lock lock(gallery_mu_);  // reads the gallery's own catalog connection
  gallery_->SaveIndex();
}

}  // namespace facetrace
