// Synthetic embeddings for the clustering tests: people as points far apart in 128-D, their
// photos as small offsets around them.
#pragma once

#include <random>

#include "core/face.h"
#include "embed/dlib_resnet_embedder.h"

namespace facetrace::testing {

// An embedding with `value` on axis `axis` and 0 elsewhere, plus `noise` (uniform, per axis,
// seeded by `seed`) — people on different axes are sqrt(2)*value apart.
inline Embedding AxisEmbedding(int axis, float value, float noise = 0, unsigned seed = 0) {
  Embedding e(DlibResnetEmbedder::kDim, 0.0f);
  e[static_cast<size_t>(axis)] = value;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> jitter(-noise, noise);
  if (noise > 0)
    for (float& v : e) v += jitter(rng);
  return e;
}

}  // namespace facetrace::testing
