#include "eval/identification_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace facetrace {

namespace {

constexpr float kNoCandidate = std::numeric_limits<float>::infinity();

float BestDistance(const RankedSearch& s) {
  return s.ranked.empty() ? kNoCandidate : s.ranked.front().second;
}

// Distances at which mated searches are correctly identified at rank 1 (others: never).
std::vector<float> HitDistances(const std::vector<RankedSearch>& mated) {
  std::vector<float> d;
  for (const RankedSearch& s : mated) {
    const bool hit = !s.ranked.empty() && s.ranked.front().first == s.true_identity;
    d.push_back(hit ? s.ranked.front().second : kNoCandidate);
  }
  std::sort(d.begin(), d.end());
  return d;
}

std::vector<float> NonMatedBest(const std::vector<RankedSearch>& non_mated) {
  std::vector<float> d;
  for (const RankedSearch& s : non_mated) d.push_back(BestDistance(s));
  std::sort(d.begin(), d.end());
  return d;
}

double FractionAtMost(const std::vector<float>& sorted, float t) {
  if (sorted.empty()) return 0;
  const auto n = std::upper_bound(sorted.begin(), sorted.end(), t) - sorted.begin();
  return static_cast<double>(n) / static_cast<double>(sorted.size());
}

}  // namespace

std::vector<double> CumulativeMatchCurve(const std::vector<RankedSearch>& mated, int max_rank) {
  std::vector<double> cmc(static_cast<size_t>(std::max(max_rank, 0)), 0.0);
  if (mated.empty()) return cmc;
  for (const RankedSearch& s : mated) {
    for (size_t r = 0; r < s.ranked.size() && r < cmc.size(); ++r) {
      if (s.ranked[r].first != s.true_identity) continue;
      for (size_t k = r; k < cmc.size(); ++k) cmc[k] += 1;
      break;
    }
  }
  for (double& c : cmc) c /= static_cast<double>(mated.size());
  return cmc;
}

std::optional<OpenSetPoint> DirAtFpir(const std::vector<RankedSearch>& mated,
                                      const std::vector<RankedSearch>& non_mated, double fpir) {
  const auto impostor = NonMatedBest(non_mated);
  if (mated.empty() || static_cast<double>(impostor.size()) * fpir < 1) return std::nullopt;
  const auto allowed = static_cast<size_t>(std::floor(fpir * static_cast<double>(impostor.size())));
  // Accept everything strictly closer than the (allowed+1)-th closest non-mated search.
  const float limit = allowed < impostor.size() ? impostor[allowed] : kNoCandidate;
  // Just below the limit; at a limit of 0 (a stranger's identical photo) accept nothing.
  const float threshold = limit > 0 ? std::nextafter(limit, 0.0f) : -1.0f;
  return OpenSetPoint{.fpir = FractionAtMost(impostor, threshold),
                      .dir = FractionAtMost(HitDistances(mated), threshold),
                      .threshold = threshold};
}

std::vector<OpenSetPoint> OpenSetCurve(const std::vector<RankedSearch>& mated,
                                       const std::vector<RankedSearch>& non_mated) {
  const auto impostor = NonMatedBest(non_mated);
  const auto hits = HitDistances(mated);
  std::vector<float> thresholds;
  for (const float d : impostor) {
    if (d != kNoCandidate) thresholds.push_back(d);
  }
  for (const float d : hits) {
    if (d != kNoCandidate) thresholds.push_back(d);
  }
  std::sort(thresholds.begin(), thresholds.end());
  const size_t stride = std::max<size_t>(1, (thresholds.size() + 199) / 200);
  std::vector<OpenSetPoint> curve;
  for (size_t i = 0; i < thresholds.size(); i += stride) {
    const float t = thresholds[i];
    curve.push_back({FractionAtMost(impostor, t), FractionAtMost(hits, t), t});
  }
  if (!thresholds.empty() && (thresholds.size() - 1) % stride != 0) {  // always end at the end
    const float t = thresholds.back();
    curve.push_back({FractionAtMost(impostor, t), FractionAtMost(hits, t), t});
  }
  return curve;
}

}  // namespace facetrace
