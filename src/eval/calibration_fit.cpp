#include "eval/calibration_fit.h"

#include <algorithm>
#include <optional>

#include "core/error.h"

namespace facetrace {

namespace {

// Calls visit(a, b) for every unordered pair of faces with embeddings in `set`.
template <typename Visit>
void ForEachPair(const LabelledSet& set, Visit visit) {
  for (size_t i = 0; i < set.faces.size(); ++i) {
    if (!set.faces[i].embedding) continue;
    for (size_t j = i + 1; j < set.faces.size(); ++j) {
      if (set.faces[j].embedding) visit(set.faces[i], set.faces[j]);
    }
  }
}

}  // namespace

std::vector<float> ImpostorDistances(const LabelledSet& set) {
  std::vector<float> d;
  ForEachPair(set, [&](const LabelledFace& a, const LabelledFace& b) {
    if (a.identity != b.identity) d.push_back(FaceDistance(a, b));
  });
  return d;
}

Calibration FitCalibration(const std::vector<LabelledSet>& sets, const std::string& model_id) {
  std::vector<float> genuine, impostor;
  CalibrationProvenance provenance;
  provenance.model_id = model_id;
  for (const LabelledSet& set : sets) {
    ForEachPair(set, [&](const LabelledFace& a, const LabelledFace& b) {
      const float d = FaceDistance(a, b);
      if (a.identity != b.identity) {
        impostor.push_back(d);
      } else if (d >= kDuplicateDistance) {
        genuine.push_back(d);
      }
    });
    provenance.data += (provenance.data.empty() ? "" : ", ") + set.name;
    provenance.identities += static_cast<int>(set.identities.size());
    provenance.images += static_cast<int>(set.faces.size()) - set.Missing();
  }
  return Calibration::Fit(std::move(genuine), std::move(impostor), std::move(provenance));
}

std::vector<HeldOutCheck> CheckCalibrationOnHeldOutSets(const std::vector<LabelledSet>& sets,
                                                        const std::vector<double>& rates) {
  std::vector<HeldOutCheck> checks;
  if (sets.size() < 2) return checks;
  for (size_t held = 0; held < sets.size(); ++held) {
    std::vector<LabelledSet> others;
    for (size_t i = 0; i < sets.size(); ++i) {
      if (i != held) others.push_back(sets[i]);
    }
    std::optional<Calibration> fitted;
    try {
      fitted = FitCalibration(others, "held-out check");
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kInvalidArgument) throw;
      continue;  // the other folders alone hold no genuine or no impostor pair
    }
    auto impostor = ImpostorDistances(sets[held]);
    if (impostor.empty()) continue;
    std::sort(impostor.begin(), impostor.end());
    for (const double rate : rates) {
      if (rate < fitted->ResolvableRate() || fitted->FalseMatchRate(0) > rate) continue;
      const float t = fitted->ThresholdFor(rate);
      const auto accepted =
          std::upper_bound(impostor.begin(), impostor.end(), t) - impostor.begin();
      checks.push_back({.set = sets[held].name,
                        .target_rate = rate,
                        .threshold = t,
                        .observed_rate = static_cast<double>(accepted) / impostor.size(),
                        .impostor_pairs = static_cast<int64_t>(impostor.size())});
    }
  }
  return checks;
}

}  // namespace facetrace
