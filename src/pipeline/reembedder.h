// Reembed: moves a catalog to another recognition model without losing identities.
//
// Every gallery photo is read again from its stored path, checked against its stored SHA-256
// (a file replaced since enrollment is not the photo that was enrolled, and is skipped), and
// embedded with the new model; each stored face of the active model is matched to the new
// detection that overlaps it most, and the new face keeps that face's identity. The new
// embeddings are added beside the old ones (one transaction per photo), so:
//
//   - resumable: a photo that already has faces of the new model is skipped, and a run that
//     was interrupted (kill -9 included) continues where it stopped;
//   - idempotent: running it again after success adds nothing;
//   - nothing is lost: the old embeddings stay, and search keeps using the old model until
//     every photo has been re-embedded. Only then is the new model made active (and the index
//     rebuilt for it), unless the caller allows an incomplete switch.
//
// Missing or unreadable files are reported one by one and counted; re-running after restoring
// them completes the move.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "catalog/catalog.h"
#include "pipeline/face_pipeline.h"

namespace facetrace {

enum class ReembedStatus {
  kReembedded,   // new faces committed
  kAlreadyDone,  // the photo already had faces of the new model
  kMissing,      // the stored path no longer exists
  kChanged,      // the file's bytes differ from what was enrolled
  kNoFace,       // no new detection overlaps a stored face
  kFailed,       // unreadable, corrupt, ...
};
const char* ReembedStatusName(ReembedStatus status);

struct ReembedSummary {
  std::string from_model;  // the active model before the run
  std::string to_model;
  size_t reembedded = 0;
  size_t already_done = 0;
  size_t missing = 0;
  size_t changed = 0;
  size_t no_face = 0;
  size_t failed = 0;
  bool switched = false;   // the new model is now the active one
  size_t index_faces = 0;  // faces in the active model's index afterwards
  double seconds = 0;
  size_t total() const { return reembedded + already_done + missing + changed + no_face + failed; }
  size_t incomplete() const { return missing + changed + no_face + failed; }
};

struct ReembedOptions {
  int threads = 0;           // 0: one per core
  PipelineOptions pipeline;  // detector and the new embedder
  // Make the new model active even when some photos could not be re-embedded (their
  // identities then lose those photos from search; the old embeddings stay in the catalog).
  bool allow_incomplete = false;
  // Both called on the calling thread.
  std::function<void(const ImageRecord&, ReembedStatus, const std::string& error)> on_image;
  std::function<void(size_t done, size_t total)> on_progress;
};

// Throws Error(kInvalidArgument) when the catalog has no model yet (nothing to move), and the
// catalog's and models' errors.
ReembedSummary Reembed(const std::filesystem::path& db_path, const ReembedOptions& options);

}  // namespace facetrace
