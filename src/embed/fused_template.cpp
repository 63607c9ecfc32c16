#include "embed/fused_template.h"

#include <cmath>

#include "core/error.h"

namespace facetrace {

namespace {

double Length(const Embedding& e) {
  double squared = 0;
  for (const float v : e) squared += static_cast<double>(v) * v;
  return std::sqrt(squared);
}

}  // namespace

Embedding FusedTemplate(const std::vector<Embedding>& embeddings,
                        const std::vector<float>& weights) {
  if (embeddings.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "a template needs at least one face");
  }
  if (!weights.empty() && weights.size() != embeddings.size()) {
    throw Error(ErrorCode::kInvalidArgument, "a template needs one weight per face");
  }
  Embedding mean(embeddings.front().size(), 0.0f);
  double mean_length = 0, total_weight = 0;
  for (size_t i = 0; i < embeddings.size(); ++i) {
    const Embedding& e = embeddings[i];
    if (e.size() != mean.size()) {
      throw Error(ErrorCode::kInvalidArgument, "embeddings of different lengths cannot be fused");
    }
    const float w = weights.empty() ? 1.0f : weights[i];
    if (!(w > 0)) throw Error(ErrorCode::kInvalidArgument, "template weights must be positive");
    for (size_t d = 0; d < e.size(); ++d) mean[d] += w * e[d];
    mean_length += w * Length(e);
    total_weight += w;
  }
  mean_length /= total_weight;
  const double length = Length(mean);
  if (length > 0) {
    for (float& v : mean) v = static_cast<float>(v / length * mean_length);
  }
  return mean;
}

}  // namespace facetrace
