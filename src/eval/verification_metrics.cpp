#include "eval/verification_metrics.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.h"

namespace facetrace {

namespace {

// Distances of one kind, sorted ascending.
std::vector<float> SortedDistances(const std::vector<ScoredPair>& pairs, bool genuine,
                                   int skip_fold = -1) {
  std::vector<float> d;
  for (const ScoredPair& p : pairs) {
    if (p.genuine == genuine && p.fold != skip_fold) d.push_back(p.distance);
  }
  std::sort(d.begin(), d.end());
  return d;
}

// Pairs of `sorted` at or below `t`.
int CountAtMost(const std::vector<float>& sorted, float t) {
  return static_cast<int>(std::upper_bound(sorted.begin(), sorted.end(), t) - sorted.begin());
}

// Accepted genuine + rejected impostor pairs at threshold t.
int CorrectAt(const std::vector<float>& genuine, const std::vector<float>& impostor, float t) {
  return CountAtMost(genuine, t) + static_cast<int>(impostor.size()) - CountAtMost(impostor, t);
}

// The threshold maximising accuracy. Candidates lie midway between consecutive measured
// distances (plus "accept nothing" and "accept all"), so a threshold learnt on some folds does
// not sit exactly on one of their pairs and wrongly reject a slightly further one elsewhere.
float BestThreshold(const std::vector<float>& genuine, const std::vector<float>& impostor) {
  std::vector<float> all = genuine;
  all.insert(all.end(), impostor.begin(), impostor.end());
  std::sort(all.begin(), all.end());
  float best = -1;
  int best_correct = CorrectAt(genuine, impostor, best);
  for (size_t i = 0; i < all.size(); ++i) {
    const float t = i + 1 < all.size() ? (all[i] + all[i + 1]) / 2 : all[i];
    const int correct = CorrectAt(genuine, impostor, t);
    if (correct > best_correct) best_correct = correct, best = t;
  }
  return best;
}

void KFoldAccuracy(const std::vector<ScoredPair>& pairs, VerificationMetrics& m) {
  std::set<int> folds;
  for (const ScoredPair& p : pairs) folds.insert(p.fold);
  m.folds = static_cast<int>(folds.size());
  std::vector<double> accuracy;
  for (const int fold : folds) {
    float t = 0;
    if (folds.size() == 1) {  // nothing to train on: the best threshold over all pairs
      t = BestThreshold(SortedDistances(pairs, true), SortedDistances(pairs, false));
    } else {
      t = BestThreshold(SortedDistances(pairs, true, fold), SortedDistances(pairs, false, fold));
    }
    int correct = 0, total = 0;
    for (const ScoredPair& p : pairs) {
      if (p.fold != fold) continue;
      correct += (p.distance <= t) == p.genuine ? 1 : 0;
      ++total;
    }
    accuracy.push_back(static_cast<double>(correct) / total);
  }
  double sum = 0, sq = 0;
  for (const double a : accuracy) sum += a;
  m.accuracy_mean = sum / static_cast<double>(accuracy.size());
  for (const double a : accuracy) sq += (a - m.accuracy_mean) * (a - m.accuracy_mean);
  m.accuracy_std = std::sqrt(sq / static_cast<double>(accuracy.size()));
}

void RocAndEer(const std::vector<float>& genuine, const std::vector<float>& impostor,
               VerificationMetrics& m) {
  std::vector<float> thresholds = genuine;
  thresholds.insert(thresholds.end(), impostor.begin(), impostor.end());
  std::sort(thresholds.begin(), thresholds.end());
  const size_t stride = std::max<size_t>(1, (thresholds.size() + kRocPoints - 1) / kRocPoints);
  double best_gap = 2;
  for (size_t i = 0; i < thresholds.size(); ++i) {
    const float t = thresholds[i];
    const double far = static_cast<double>(CountAtMost(impostor, t)) / impostor.size();
    const double tar = static_cast<double>(CountAtMost(genuine, t)) / genuine.size();
    if (i % stride == 0 || i + 1 == thresholds.size()) m.roc.push_back({t, far, tar});
    const double gap = std::abs(far - (1 - tar));
    if (gap < best_gap) {
      best_gap = gap;
      m.eer = (far + 1 - tar) / 2;
      m.eer_threshold = t;
    }
  }
}

}  // namespace

std::optional<double> TarAtFar(const std::vector<ScoredPair>& pairs, double far) {
  const auto genuine = SortedDistances(pairs, true);
  const auto impostor = SortedDistances(pairs, false);
  if (genuine.empty() || static_cast<double>(impostor.size()) * far < 1) return std::nullopt;
  // Accept at most floor(far * n) impostors: everything strictly closer than the next one.
  const auto allowed = static_cast<size_t>(std::floor(far * static_cast<double>(impostor.size())));
  if (allowed >= impostor.size()) return 1.0;
  const float limit = impostor[allowed];
  const auto accepted = std::lower_bound(genuine.begin(), genuine.end(), limit) - genuine.begin();
  return static_cast<double>(accepted) / static_cast<double>(genuine.size());
}

VerificationMetrics EvaluateVerification(const std::vector<ScoredPair>& pairs) {
  VerificationMetrics m;
  const auto genuine = SortedDistances(pairs, true);
  const auto impostor = SortedDistances(pairs, false);
  if (genuine.empty() || impostor.empty()) {
    throw Error(ErrorCode::kInvalidArgument,
                "verification needs both genuine and impostor pairs with a face in each photo");
  }
  m.genuine_pairs = static_cast<int>(genuine.size());
  m.impostor_pairs = static_cast<int>(impostor.size());
  KFoldAccuracy(pairs, m);
  m.tar_at_far_1e2 = TarAtFar(pairs, 1e-2);
  m.tar_at_far_1e3 = TarAtFar(pairs, 1e-3);
  RocAndEer(genuine, impostor, m);
  return m;
}

}  // namespace facetrace
