// From an embedding distance to a score an analyst can read.
//
// dlib's ResNet separates same-person from different-person pairs around a Euclidean
// distance of 0.6 (its published operating point, 99.38% on LFW). The score is a logistic of
// the distance centred there: 0.5 at the threshold, ~0.99 at 0.42, ~0.01 at 0.78. It orders
// candidates exactly as the distance does; it is not a probability. Other models pass their
// own match distance (EmbedderInfo::match_distance) and the curve scales with it.
#pragma once

namespace facetrace {

constexpr float kDefaultMatchThreshold = 0.6f;

float MatchScore(float distance, float threshold = kDefaultMatchThreshold);

}  // namespace facetrace
