#include "pipeline/match_score.h"

#include <cmath>

namespace facetrace {

float MatchScore(float distance, float threshold) {
  constexpr float kWidth = 0.04f;  // distance units per e-fold of the odds
  return 1.0f / (1.0f + std::exp((distance - threshold) / kWidth));
}

}  // namespace facetrace
