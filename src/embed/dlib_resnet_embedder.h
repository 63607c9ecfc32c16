// DlibResnetEmbedder: dlib's ResNet (dlib_face_recognition_resnet_model_v1, 128-D, not unit
// length) over dlib's aligned 150x150 chips, in batches. Two faces are the same person when
// the Euclidean distance of their embeddings is below ~0.6 (dlib's published operating point;
// see docs/ACCURACY.md for ours). The default embedder.
#pragma once

#include <filesystem>
#include <memory>

#include "embed/face_embedder.h"

namespace facetrace {

class DlibResnetEmbedder : public FaceEmbedder {
 public:
  static constexpr const char* kBaseModelId = "dlib_resnet_v1";
  static constexpr int kDim = 128;

  // Throws Error(kModelInvalid) for an unreadable model, Error(kInvalidArgument) for a batch
  // size below 1 or negative jitters.
  DlibResnetEmbedder(const std::filesystem::path& resnet_path, const EmbedderOptions& options = {});
  ~DlibResnetEmbedder() override;

  // The info an embedder with `options` reports, without loading the network.
  static EmbedderInfo Describe(const EmbedderOptions& options);

  const EmbedderInfo& info() const override { return info_; }
  std::vector<Embedding> Embed(const cv::Mat& bgr, const std::vector<FaceToEmbed>& faces) override;
  // The same, straight from dlib chips (the image is not needed by this model).
  std::vector<Embedding> EmbedChips(const std::vector<FaceChip>& chips);

 private:
  struct Net;
  std::unique_ptr<Net> net_;
  EmbedderOptions options_;
  EmbedderInfo info_;
};

}  // namespace facetrace
