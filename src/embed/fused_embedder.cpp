#include "embed/fused_embedder.h"

#include <cmath>

#include "core/error.h"

namespace facetrace {

EmbedderInfo FusedEmbedder::Describe(const std::vector<EmbedderInfo>& infos) {
  if (infos.size() < 2) {
    throw Error(ErrorCode::kInvalidArgument, "a fused embedder needs at least two models");
  }
  EmbedderInfo fused;
  for (const EmbedderInfo& part : infos) {
    fused.model_id += (fused.model_id.empty() ? "" : "+") + part.model_id;
    fused.dim += part.dim;
  }
  fused.match_distance = static_cast<float>(std::sqrt(static_cast<double>(infos.size())));
  return fused;
}

namespace {

std::vector<EmbedderInfo> InfosOf(const std::vector<std::unique_ptr<FaceEmbedder>>& parts) {
  std::vector<EmbedderInfo> infos;
  for (const auto& p : parts) infos.push_back(p->info());
  return infos;
}

}  // namespace

FusedEmbedder::FusedEmbedder(std::vector<std::unique_ptr<FaceEmbedder>> parts)
    : parts_(std::move(parts)), info_(Describe(InfosOf(parts_))) {}

std::vector<Embedding> FusedEmbedder::Embed(const cv::Mat& bgr,
                                            const std::vector<FaceToEmbed>& faces) {
  std::vector<Embedding> out(faces.size());
  for (Embedding& e : out) e.reserve(static_cast<size_t>(info_.dim));
  for (const auto& part : parts_) {
    const float scale = 1.0f / part->info().match_distance;
    const std::vector<Embedding> embeddings = part->Embed(bgr, faces);
    for (size_t i = 0; i < faces.size(); ++i) {
      for (const float v : embeddings[i]) out[i].push_back(v * scale);
    }
  }
  return out;
}

}  // namespace facetrace
