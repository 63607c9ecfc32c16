#include "pipeline/match_score.h"

#include <cmath>

namespace facetrace {

float MatchScore(float distance, float threshold) {
  // Distance units per e-fold of the odds: 0.04 at dlib's 0.6, and in proportion for models
  // whose distances run on another scale (an ArcFace model's match distance is ~1.2).
  const float width = threshold / 15.0f;
  return 1.0f / (1.0f + std::exp((distance - threshold) / width));
}

}  // namespace facetrace
