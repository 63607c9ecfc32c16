#include "pipeline/reembedder.h"

#include <chrono>
#include <optional>

#include "core/error.h"
#include "io/sha256.h"
#include "pipeline/compute_threads.h"
#include "pipeline/gallery.h"
#include "pipeline/parallel_map.h"

namespace facetrace {

namespace {

using Clock = std::chrono::steady_clock;

// A new detection counts as the stored face when their boxes overlap at least this much.
// Detectors differ in box convention (YuNet's boxes are taller than dlib's), not in place.
constexpr float kSameFaceIou = 0.3f;
// Photos per page: the catalog is walked in pages so that memory stays flat, and each page's
// workers load their models afresh (about a second), so pages are large.
constexpr int kPageSize = 4096;

struct ImageJob {
  ImageRecord image;
  std::vector<FaceRecord> stored;  // the active model's faces of this image
};

struct JobResult {
  ReembedStatus status = ReembedStatus::kFailed;
  std::string error;
  std::vector<FaceRecord> faces;  // of the new model, one per stored face
};

JobResult Process(FacePipeline& pipeline, const ImageJob& job, const std::string& model_id) {
  JobResult result;
  if (job.stored.empty()) {
    result.status = ReembedStatus::kNoFace;
    result.error = job.image.path + " has no face of the active model to carry over";
    return result;
  }
  const std::filesystem::path path = job.image.path;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    result.status = ReembedStatus::kMissing;
    result.error = "file not found: " + job.image.path;
    return result;
  }
  try {
    const std::vector<uint8_t> bytes = pipeline.ReadBytes(path);
    if (Sha256Hex(bytes) != job.image.sha256) {
      result.status = ReembedStatus::kChanged;
      result.error = job.image.path + " has changed since it was enrolled (SHA-256 differs)";
      return result;
    }
    const std::vector<Face> faces = pipeline.ProcessImage(pipeline.Decode(bytes, path).bgr);
    for (const FaceRecord& stored : job.stored) {
      const Face* best = nullptr;
      float best_iou = kSameFaceIou;
      for (const Face& face : faces) {
        const float iou = IntersectionOverUnion(face.detection.box, stored.box);
        if (iou >= best_iou) {
          best = &face;
          best_iou = iou;
        }
      }
      if (!best) {
        result.status = ReembedStatus::kNoFace;
        result.error = "the enrolled face was not found again in " + job.image.path;
        return result;
      }
      FaceRecord record;
      record.identity_id = stored.identity_id;
      record.box = best->detection.box;
      record.landmarks = best->detection.landmarks;
      record.detector_score = best->detection.score;
      record.quality = best->quality;
      record.model_id = model_id;
      record.embedding = best->embedding;
      result.faces.push_back(std::move(record));
    }
    result.status = ReembedStatus::kReembedded;
  } catch (const Error& e) {
    result.status = ReembedStatus::kFailed;
    result.error = e.what();
  }
  return result;
}

void Count(ReembedSummary& summary, ReembedStatus status) {
  // In the order of ReembedStatus.
  static constexpr size_t ReembedSummary::*kCounters[] = {
      &ReembedSummary::reembedded, &ReembedSummary::already_done, &ReembedSummary::missing,
      &ReembedSummary::changed,    &ReembedSummary::no_face,      &ReembedSummary::failed};
  ++(summary.*kCounters[static_cast<size_t>(status)]);
}

}  // namespace

const char* ReembedStatusName(ReembedStatus status) {
  switch (status) {
    case ReembedStatus::kReembedded:
      return "re-embedded";
    case ReembedStatus::kAlreadyDone:
      return "already done";
    case ReembedStatus::kMissing:
      return "missing";
    case ReembedStatus::kChanged:
      return "changed";
    case ReembedStatus::kNoFace:
      return "no face";
    case ReembedStatus::kFailed:
      return "failed";
  }
  return "?";
}

ReembedSummary Reembed(const std::filesystem::path& db_path, const ReembedOptions& options) {
  const auto start = Clock::now();
  const auto catalog = Catalog::Open(db_path);
  const std::optional<ModelRecord> active = catalog->ActiveModel();
  if (!active) {
    throw Error(ErrorCode::kInvalidArgument,
                db_path.string() + " has no embeddings yet: enroll with the new model instead");
  }
  const EmbedderInfo target = DescribePipelineEmbedder(options.pipeline);
  catalog->RegisterModel(target.model_id, target.dim, target.match_distance);
  ReembedSummary summary;
  summary.from_model = active->model_id;
  summary.to_model = target.model_id;
  const size_t total = static_cast<size_t>(catalog->Stats().images);

  if (target.model_id != active->model_id) {
    const int threads = ResolveThreadCount(options.threads);
    const ComputeThreadsScope compute_threads(threads);
    size_t done = 0;
    int64_t after = 0;
    for (;;) {
      const std::vector<ImageRecord> page = catalog->ImagesAfter(after, kPageSize);
      if (page.empty()) break;
      after = page.back().id;
      std::vector<ImageJob> jobs;
      for (const ImageRecord& image : page) {
        if (!catalog->FacesOfImage(image.id, target.model_id).empty()) {
          Count(summary, ReembedStatus::kAlreadyDone);
          if (options.on_image) options.on_image(image, ReembedStatus::kAlreadyDone, "");
          continue;
        }
        jobs.push_back({image, catalog->FacesOfImage(image.id, active->model_id)});
      }
      done += page.size() - jobs.size();
      ParallelMap<FacePipeline, JobResult>(
          jobs.size(), threads, static_cast<size_t>(threads) * 4,
          [&] { return std::make_unique<FacePipeline>(options.pipeline); },
          [&](FacePipeline& pipeline, size_t i) {
            return Process(pipeline, jobs[i], target.model_id);
          },
          [&](size_t i, JobResult&& result) {
            if (result.status == ReembedStatus::kReembedded &&
                !catalog->AddFaces(jobs[i].image.id, target.model_id, result.faces)) {
              result.status = ReembedStatus::kAlreadyDone;  // another run got there first
            }
            Count(summary, result.status);
            if (options.on_image) options.on_image(jobs[i].image, result.status, result.error);
            if (options.on_progress) options.on_progress(++done, total);
          });
      if (options.on_progress) options.on_progress(done, total);
    }
  }
  if (target.model_id == active->model_id) {
    summary.already_done = total;  // nothing to move: the catalog uses this model already
    summary.switched = true;
  } else if (summary.incomplete() == 0 || options.allow_incomplete) {
    catalog->SetActiveModel(target.model_id);
    summary.switched = true;
  }
  // Opening the gallery rebuilds the index for the active model when it is stale (switching
  // bumps the generation).
  const auto gallery = Gallery::Open(db_path);
  summary.index_faces = static_cast<size_t>(gallery->index().size());
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return summary;
}

}  // namespace facetrace
