// Enroller: gallery photos -> catalog + index, in parallel, idempotently, resumably.
//
// Workers (one FacePipeline each) read, hash, decode, detect, align and embed; the calling
// thread is the single catalog writer and commits each photo in its own transaction, in input
// order. Only a photo's largest face is enrolled, so detection stops looking for small faces
// once a big one is found (FaceSearch::kLargestFace). Running the same enroll again — after
// success, after a failure or after kill -9 — adds nothing twice and resumes where the
// previous run stopped, cheaply:
//   - a file the catalog has seen (Catalog::SeenFile) with the same path, size and
//     modification time is skipped without being read: resuming a million-photo folder at 60 %
//     costs a lookup per done file, not a read and a hash;
//   - any other file is read and hashed; one whose SHA-256 is catalogued (a copy, a moved or
//     touched file) is skipped before decoding.
// Photos with no face are remembered too, so a resumed run does not detect them again; failed
// files are not, so they are tried again.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pipeline/enroll_sources.h"
#include "pipeline/face_pipeline.h"
#include "pipeline/gallery.h"

namespace facetrace {

enum class EnrollStatus {
  kEnrolled,        // committed with its main face
  kAlreadyPresent,  // same bytes already in the catalog: nothing written
  kNoFace,          // decoded, but no face found
  kFailed,          // unreadable, corrupt, too large, ...
};

struct EnrollOutcome {
  EnrollStatus status = EnrollStatus::kFailed;
  std::string error;       // for kNoFace / kFailed
  bool unchanged = false;  // skipped unread: an earlier enroll saw this very file
};

struct EnrollProgress {
  size_t done = 0;
  size_t total = 0;
  double elapsed_seconds = 0;
};

struct EnrollSummary {
  size_t enrolled = 0;
  size_t already_present = 0;
  size_t no_face = 0;
  size_t failed = 0;
  size_t unchanged = 0;  // of already_present and no_face: skipped without reading the file
  double seconds = 0;
  StageTimings stages;  // summed over workers
  size_t total() const { return enrolled + already_present + no_face + failed; }
};

struct EnrollOptions {
  int threads = 0;  // 0: one per core
  PipelineOptions pipeline;
  std::function<void(const EnrollItem&, const EnrollOutcome&)> on_item;  // calling thread
  std::function<void(const EnrollProgress&)> on_progress;                // calling thread
  double index_save_interval_seconds = 60;  // checkpoint the index during long runs
};

// The catalog row of a face found by the pipeline, made by the embedder `model_id` names.
FaceRecord ToFaceRecord(const Face& face, int64_t identity_id, const std::string& model_id);

// `gallery` must be open for the pipeline's embedder (Gallery::Open(db, embedder)); another
// model is Error(kInvalidArgument) before anything is read.
EnrollSummary Enroll(Gallery& gallery, const std::vector<EnrollItem>& items,
                     const EnrollOptions& options);

}  // namespace facetrace
