// The fused template of several faces of one person (a cluster, a video track, an identity's
// gallery photos): the mean of their embeddings, rescaled to their mean length. dlib's
// embeddings are not unit length and distances are measured in that space; a plain mean is
// shorter than its members, which would pull it towards every probe.
#pragma once

#include <vector>

#include "core/face.h"

namespace facetrace {

// `weights` (e.g. face quality) are optional: empty means equal weights; otherwise one
// positive weight per embedding. Throws Error(kInvalidArgument) for no embeddings, embeddings
// of different lengths, or weights that do not match.
Embedding FusedTemplate(const std::vector<Embedding>& embeddings,
                        const std::vector<float>& weights = {});

}  // namespace facetrace
