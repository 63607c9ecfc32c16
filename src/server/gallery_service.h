// GalleryService: the engine behind the REST API — the gallery (catalog + index), a pool of
// face pipelines and a pool of catalog connections, shared by the server's worker threads.
//
// Concurrency. Detecting and embedding (the slow part of a request) runs on a pipeline leased
// by the request's thread, under no lock at all. Index searches and catalog reads take a
// shared lock and a catalog connection of their own, so any number run at once. Writes that
// change the index (enroll, delete) take the lock exclusively for the few milliseconds of the
// catalog commit and the index update: a delete's faces leave the index before it returns.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "calibration/calibration.h"
#include "catalog/catalog.h"
#include "io/image_header.h"
#include "pipeline/face_pipeline.h"
#include "pipeline/gallery.h"
#include "server/object_pool.h"

namespace facetrace {

struct GalleryServiceOptions {
  std::filesystem::path db;
  PipelineOptions pipeline;  // its load_options.max_pixels is the pixel limit
  // Searches compare probes with identity templates or photos (core/comparison.h), as
  // `facetrace identify --rank-by` does, with the same default.
  Comparison rank_by = Comparison::kMeanTemplate;
  // The calibration of rank_by's comparison; empty: the one installed beside the models.
  // Verification always compares two photos: with template ranking it uses the installed
  // photo calibration.
  std::filesystem::path calibration;
};

// A decoded upload and its faces (largest first).
struct AnalyzedPhoto {
  ImageHeader header;
  std::string sha256;
  std::string content_type;  // from the header's format
  int width = 0;             // after EXIF orientation
  int height = 0;
  std::vector<Face> faces;
};

struct VerifyOutcome {
  float distance = 0;
  double false_match_rate = 0;
  bool same_person = false;
  float threshold = 0;
};

struct EnrollResult {
  int64_t image_id = 0;
  int64_t face_id = 0;
  int faces_found = 0;
};

class GalleryService {
 public:
  explicit GalleryService(const GalleryServiceOptions& options);
  ~GalleryService();

  // Decodes (pixel limit checked from the header first) and finds the faces. Throws the
  // loader's typed errors: kEmptyFile, kUnsupportedFormat, kCorruptImage, kImageTooLarge.
  AnalyzedPhoto Analyze(std::span<const uint8_t> bytes, const std::string& name);

  // Candidates for every face of `photo`, as `facetrace identify --json` reports them
  // (pipeline/result_json.h), reshaped for the API: "index", "box" as {x, y, width, height},
  // and each candidate with "rank", "name", "metadata", "face_id" and "image_id".
  nlohmann::json Identify(const AnalyzedPhoto& photo, int top_k, double max_false_match_rate) const;

  // Main faces of two photos compared under the calibration; Error(kNoFace) naming the photo
  // without a face.
  VerifyOutcome Verify(const AnalyzedPhoto& a, const AnalyzedPhoto& b,
                       double max_false_match_rate) const;

  // Enrolls the main face of `bytes` for an existing identity: the photo is kept as
  // "<db>.photos/<sha256>.<ext>", the face goes to catalog and index at once. Error(kNotFound)
  // for an unknown identity, Error(kNoFace), Error(kConflict) for a photo already enrolled.
  EnrollResult Enroll(int64_t identity_id, std::span<const uint8_t> bytes,
                      const std::string& source);

  // Deletes the identity from catalog and index (index saved), and the photos that were
  // uploaded for it through Enroll. Error(kNotFound).
  void DeleteIdentity(int64_t identity_id);

  // Runs `read` with a catalog connection of its own under the shared lock.
  void Read(const std::function<void(const Catalog&)>& read) const;
  // Runs `write` on the gallery's catalog under the exclusive lock (identity edits).
  void Write(const std::function<void(Catalog&)>& write);

  int64_t faces() const;
  // The model the gallery's embeddings (and so every search) come from.
  const std::string& model_id() const;
  const PipelineOptions& pipeline_options() const { return options_.pipeline; }
  // Saves the index with the generation it reflects (on shutdown; enrolls do not save it,
  // since the catalog is the truth and a stale index is rebuilt on open).
  void SaveIndex();

 private:
  GalleryServiceOptions options_;
  std::filesystem::path photo_dir_;
  EmbedderInfo embedder_;           // the model probes are embedded with; the gallery must hold it
  Calibration calibration_;         // photo to photo (verify; search when ranking by photo)
  Calibration search_calibration_;  // rank_by's
  std::unique_ptr<Gallery> gallery_;
  mutable std::shared_mutex gallery_mu_;
  mutable ObjectPool<Catalog> readers_;
  ObjectPool<FacePipeline> pipelines_;
};

// "image/jpeg", "image/png", ... for a decodable format; "application/octet-stream" otherwise.
std::string ImageContentType(ImageFormat format);

}  // namespace facetrace
