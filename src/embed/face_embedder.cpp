#include "embed/face_embedder.h"

#include <cmath>

#include "core/error.h"

namespace facetrace {

std::string EmbeddingModelId(const std::string& base_id, const EmbedderOptions& options) {
  std::string id = base_id;
  if (!options.flip_fusion) id += "-noflip";
  if (options.jitters > 0) id += "-jitter" + std::to_string(options.jitters);
  return id;
}

float EmbeddingDistance(const Embedding& a, const Embedding& b) {
  if (a.size() != b.size()) {
    throw Error(ErrorCode::kInvalidArgument, "embeddings of different lengths cannot be compared");
  }
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    sum += d * d;
  }
  return static_cast<float>(std::sqrt(sum));
}

void NormalizeL2(Embedding& e) {
  double sum = 0;
  for (const float v : e) sum += static_cast<double>(v) * v;
  if (sum <= 0) return;
  const auto scale = static_cast<float>(1.0 / std::sqrt(sum));
  for (float& v : e) v *= scale;
}

}  // namespace facetrace
