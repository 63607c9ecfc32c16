// A labelled photo set (one folder per identity, as `facetrace enroll DIR` takes) with the main
// face of every photo embedded once, so that every protocol (pairs, CMC, open set, calibration)
// reuses the same embeddings instead of running the network again.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/face.h"
#include "pipeline/image_batch.h"

namespace facetrace {

struct LabelledFace {
  std::filesystem::path path;
  int identity = 0;                    // index into LabelledSet::identities
  int position = 0;                    // rank of the file among its identity's files, by name
  std::optional<Embedding> embedding;  // empty when no face was found or the file failed
  float face_width = 0;                // pixels, in the photo
  float quality = 0;
  bool grey = false;
};

struct LabelledSet {
  std::string name;                     // the folder's name
  std::vector<std::string> identities;  // sorted
  std::vector<LabelledFace> faces;      // grouped by identity, files sorted by name
  int Missing() const;                  // photos without an embedding
};

// Embeds the largest face of every photo under `dir`/<identity>/. Throws Error(kNotFound) for
// a missing folder and Error(kInvalidArgument) for one without identity sub-folders; a photo
// that fails is kept without an embedding (protocols count it as a miss). `progress`, when
// set, is called after each photo with (photos done, photos in all).
LabelledSet EmbedLabelledSet(const std::filesystem::path& dir, const BatchOptions& options,
                             const std::function<void(size_t, size_t)>& progress = {});

// Euclidean distance between the embeddings of two faces that have one.
float FaceDistance(const LabelledFace& a, const LabelledFace& b);

}  // namespace facetrace
