#include "pipeline/enroller.h"

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>

#include <fmt/format.h>

#include "core/error.h"
#include "io/sha256.h"
#include "pipeline/compute_threads.h"
#include "pipeline/parallel_map.h"

namespace facetrace {

namespace {

using Clock = std::chrono::steady_clock;

namespace fs = std::filesystem;

// What a worker hands the writer for one photo.
struct WorkerResult {
  EnrollOutcome outcome;
  std::optional<SeenFile> file;  // to record once the outcome is committed
  std::optional<ImageRecord> image;
  std::optional<Face> face;
};

// The file as the catalog records it (image_id left 0), or nullopt when it cannot be stat'ed:
// reading it then reports why.
std::optional<SeenFile> StampOf(const fs::path& path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec).lexically_normal();
  if (ec) return std::nullopt;
  const auto size = fs::file_size(absolute, ec);
  if (ec) return std::nullopt;
  const auto mtime = fs::last_write_time(absolute, ec);
  if (ec) return std::nullopt;
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch());
  return SeenFile{absolute.string(), static_cast<int64_t>(size), ns.count(), 0, {}};
}

// What a photo without a face was searched with: with other settings (a smaller minimum face,
// another detector) an earlier "no face" says nothing, and the file is read again.
std::string DetectionSettings(const PipelineOptions& options) {
  const DetectorOptions& d = options.detector_options;
  return fmt::format("{} min_score={} min_face_size={}", options.detector, d.min_score,
                     d.min_face_size);
}

// The outcome an earlier enroll recorded for this very file (same size and mtime), if any;
// `file.detection` is this run's DetectionSettings.
std::optional<EnrollOutcome> EarlierOutcome(const Catalog& catalog, const SeenFile& file) {
  const auto seen = catalog.FindSeenFile(file.path);
  if (!seen || seen->size != file.size || seen->mtime_ns != file.mtime_ns) return std::nullopt;
  if (seen->image_id == 0 && seen->detection != file.detection) return std::nullopt;
  EnrollOutcome outcome;
  outcome.unchanged = true;
  if (seen->image_id != 0) {
    outcome.status = EnrollStatus::kAlreadyPresent;
  } else {
    outcome.status = EnrollStatus::kNoFace;
    outcome.error = "no face found in " + file.path +
                    " (by an earlier enroll; the file is unchanged and was not read again)";
  }
  return outcome;
}

// Per-thread state: a pipeline plus a read-only catalog connection for the "already there?"
// check, so duplicates are skipped before any decoding.
struct WorkerState {
  WorkerState(const PipelineOptions& options, const std::filesystem::path& db, StageTimings& sink,
              std::mutex& sink_mu)
      : pipeline(options),
        reader(Catalog::Open(db)),
        detection(DetectionSettings(options)),
        sink_(sink),
        sink_mu_(sink_mu) {}
  ~WorkerState() {
    std::lock_guard lock(sink_mu_);
    sink_ += pipeline.timings();
  }
  WorkerState(const WorkerState&) = delete;
  WorkerState& operator=(const WorkerState&) = delete;

  FacePipeline pipeline;
  std::unique_ptr<Catalog> reader;
  std::string detection;  // DetectionSettings of `pipeline`

 private:
  StageTimings& sink_;
  std::mutex& sink_mu_;
};

WorkerResult ProcessItem(WorkerState& state, const EnrollItem& item) {
  WorkerResult result;
  try {
    result.file = StampOf(item.image);
    if (result.file) {
      result.file->detection = state.detection;
      if (auto earlier = EarlierOutcome(*state.reader, *result.file)) {
        result.outcome = std::move(*earlier);
        result.file.reset();  // recorded already
        return result;
      }
    }
    const std::vector<uint8_t> bytes = state.pipeline.ReadBytes(item.image);
    const std::string sha = Sha256Hex(bytes);
    if (const auto present = state.reader->FindImageBySha256(sha)) {
      result.outcome.status = EnrollStatus::kAlreadyPresent;
      if (result.file) result.file->image_id = present->id;
      return result;
    }
    const LoadedImage loaded = state.pipeline.Decode(bytes, item.image.string());
    std::vector<Face> faces = state.pipeline.ProcessImage(loaded.bgr);
    const int main = MainFaceIndex(faces);
    if (main < 0) {
      result.outcome.status = EnrollStatus::kNoFace;
      result.outcome.error = "no face found in " + item.image.string();
      return result;
    }
    ImageRecord image;
    image.sha256 = sha;
    image.path = item.image.string();
    image.source = item.source;
    image.width = loaded.bgr.cols;
    image.height = loaded.bgr.rows;
    result.image = std::move(image);
    result.face = std::move(faces[static_cast<size_t>(main)]);
    result.outcome.status = EnrollStatus::kEnrolled;
  } catch (const Error& e) {
    result.outcome.status = EnrollStatus::kFailed;
    result.outcome.error = e.what();
    result.file.reset();  // a failed file is tried again next time
  }
  return result;
}

// Commits an enrolled photo: its identity, image and main face, then indexes the face.
// Returns false when the same bytes were committed earlier in this run (nothing written).
bool CommitPhoto(Gallery& gallery, const EnrollItem& item, WorkerResult& result) {
  Catalog& catalog = gallery.catalog();
  result.image->identity_id = catalog.EnsureIdentity(item.identity, item.metadata);
  const FaceRecord record =
      ToFaceRecord(*result.face, result.image->identity_id, gallery.model().model_id);
  const auto face_ids = catalog.AddImage(*result.image, {record});
  if (face_ids) gallery.IndexFaces(*face_ids, {record.embedding});
  return face_ids.has_value();
}

// Records what became of a file, after its photo's commit: a crash in between only costs the
// next run a read. A photo committed by this run (`committed`) is looked up by its bytes for
// its image id, only here, where there is a file to record; a duplicate within the run gets
// the earlier copy's.
void RecordFile(Catalog& catalog, SeenFile file, const std::optional<ImageRecord>& committed) {
  if (committed) {
    const auto image = catalog.FindImageBySha256(committed->sha256);
    if (!image) return;  // gone already: never record a committed photo as faceless
    file.image_id = image->id;
  }
  catalog.RecordSeenFile(file);
}

void Count(const EnrollOutcome& outcome, EnrollSummary& summary) {
  switch (outcome.status) {
    case EnrollStatus::kEnrolled:
      ++summary.enrolled;
      break;
    case EnrollStatus::kAlreadyPresent:
      ++summary.already_present;
      break;
    case EnrollStatus::kNoFace:
      ++summary.no_face;
      break;
    case EnrollStatus::kFailed:
      ++summary.failed;
      break;
  }
  if (outcome.unchanged) ++summary.unchanged;
}

}  // namespace

FaceRecord ToFaceRecord(const Face& face, int64_t identity_id, const std::string& model_id) {
  FaceRecord record;
  record.identity_id = identity_id;
  record.box = face.detection.box;
  record.landmarks = face.detection.landmarks;
  record.detector_score = face.detection.score;
  record.quality = face.quality;
  record.model_id = model_id;
  record.embedding = face.embedding;
  return record;
}

EnrollSummary Enroll(Gallery& gallery, const std::vector<EnrollItem>& items,
                     const EnrollOptions& options) {
  const EmbedderInfo embedder = DescribePipelineEmbedder(options.pipeline);
  if (embedder.model_id != gallery.model().model_id) {
    throw Error(ErrorCode::kInvalidArgument,
                "enrolling with model '" + embedder.model_id + "' into a gallery opened for '" +
                    gallery.model().model_id + "' (open it with Gallery::Open(db, embedder))");
  }
  EnrollSummary summary;
  const auto start = Clock::now();
  auto last_save = start;
  const int threads = ResolveThreadCount(options.threads);
  const ComputeThreadsScope compute_threads(threads);
  std::mutex timings_mu;
  PipelineOptions pipeline_options = options.pipeline;
  pipeline_options.detector_options.search =
      FaceSearch::kLargestFace;  // only the main face is kept

  ParallelMap<WorkerState, WorkerResult>(
      items.size(), threads, static_cast<size_t>(threads) * 4,
      [&] {
        return std::make_unique<WorkerState>(pipeline_options, gallery.catalog().path(),
                                             summary.stages, timings_mu);
      },
      [&](WorkerState& state, size_t i) { return ProcessItem(state, items[i]); },
      [&](size_t i, WorkerResult&& result) {
        const EnrollItem& item = items[i];
        if (result.outcome.status == EnrollStatus::kEnrolled &&
            !CommitPhoto(gallery, item, result)) {
          result.outcome.status = EnrollStatus::kAlreadyPresent;  // a duplicate within this run
        }
        if (result.file) RecordFile(gallery.catalog(), std::move(*result.file), result.image);
        Count(result.outcome, summary);
        if (options.on_item) options.on_item(item, result.outcome);
        const auto now = Clock::now();
        if (options.on_progress) {
          options.on_progress(
              {i + 1, items.size(), std::chrono::duration<double>(now - start).count()});
        }
        if (std::chrono::duration<double>(now - last_save).count() >
            options.index_save_interval_seconds) {
          gallery.SaveIndex();
          last_save = now;
        }
      });
  gallery.SaveIndex();
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return summary;
}

}  // namespace facetrace
