// FaceEmbedder: dlib's ResNet (dlib_face_recognition_resnet_model_v1, 128-D) over aligned chips,
// in batches. Two faces are the same person when the Euclidean distance of their embeddings
// is below ~0.6 (dlib's published operating point; see docs/ACCURACY.md for ours).
//
// Not thread-safe: dlib networks keep per-forward state. One instance per worker thread.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "align/face_aligner.h"
#include "core/face.h"

namespace facetrace {

struct EmbedderOptions {
  // Average the embeddings of the chip and its mirror image: two forward passes per face, for
  // fewer misses on hard photos (docs/ACCURACY.md, "Better than the model alone").
  bool flip_fusion = true;
  int batch_size = 16;  // chips per forward pass
};

class FaceEmbedder {
 public:
  FaceEmbedder(const std::filesystem::path& resnet_path, const EmbedderOptions& options = {});
  ~FaceEmbedder();
  FaceEmbedder(FaceEmbedder&&) noexcept;
  FaceEmbedder& operator=(FaceEmbedder&&) noexcept;

  // One embedding (kEmbeddingDim floats) per chip, in order.
  std::vector<Embedding> Embed(const std::vector<FaceChip>& chips);

  // Identifier stored with every embedding, so a catalog knows which model made it.
  static constexpr const char* kModelId = "dlib_resnet_v1";

 private:
  struct Net;
  std::unique_ptr<Net> net_;
  EmbedderOptions options_;
};

// Euclidean distance between two embeddings of equal length.
float EmbeddingDistance(const Embedding& a, const Embedding& b);

}  // namespace facetrace
