// FusedEmbedder: score-level fusion of several models as one embedder. Each model's
// embedding is divided by that model's match distance and the results are concatenated, so
// the Euclidean distance of two fused embeddings is
//
//   d = sqrt( sum over models of (d_m / t_m)^2 )
//
// where d_m is model m's own distance and t_m its match distance: every model's distance
// counts in units of its own operating point, and none dominates by scale. Because the fusion
// lives in the embedding, everything downstream (the vector index, templates, calibration,
// evaluation) works on fused scores unchanged. Measured in docs/ACCURACY.md.
#pragma once

#include <memory>
#include <vector>

#include "embed/face_embedder.h"

namespace facetrace {

class FusedEmbedder : public FaceEmbedder {
 public:
  // Throws Error(kInvalidArgument) for fewer than two parts.
  explicit FusedEmbedder(std::vector<std::unique_ptr<FaceEmbedder>> parts);

  // The fused info of parts described by `infos`: ids joined by '+', dims summed, and the
  // match distance sqrt(parts) (every part exactly at its own match distance).
  static EmbedderInfo Describe(const std::vector<EmbedderInfo>& infos);

  const EmbedderInfo& info() const override { return info_; }
  std::vector<Embedding> Embed(const cv::Mat& bgr, const std::vector<FaceToEmbed>& faces) override;

 private:
  std::vector<std::unique_ptr<FaceEmbedder>> parts_;
  EmbedderInfo info_;
};

}  // namespace facetrace
