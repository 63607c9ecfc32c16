#include "eval/calibration_fit.h"

#include <algorithm>
#include <optional>

#include "core/error.h"
#include "embed/face_embedder.h"
#include "embed/fused_template.h"

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

// Every photo against its identity's other photos' template (genuine) and against each
// other identity's template (impostor).
PairDistances TemplatePairDistances(const LabelledSet& set) {
  std::vector<std::vector<const LabelledFace*>> members(set.identities.size());
  for (const LabelledFace& f : set.faces) {
    if (f.embedding) members[static_cast<size_t>(f.identity)].push_back(&f);
  }
  std::vector<std::optional<Embedding>> templates(members.size());
  for (size_t i = 0; i < members.size(); ++i) {
    std::vector<Embedding> embeddings;
    for (const LabelledFace* f : members[i]) embeddings.push_back(*f->embedding);
    if (!embeddings.empty()) templates[i] = FusedTemplate(embeddings);
  }
  PairDistances d;
  for (const LabelledFace& f : set.faces) {
    if (!f.embedding) continue;
    std::vector<Embedding> rest;
    for (const LabelledFace* other : members[static_cast<size_t>(f.identity)]) {
      if (other != &f && FaceDistance(f, *other) >= kDuplicateDistance) {
        rest.push_back(*other->embedding);
      }
    }
    if (!rest.empty()) d.genuine.push_back(EmbeddingDistance(*f.embedding, FusedTemplate(rest)));
    for (size_t i = 0; i < templates.size(); ++i) {
      if (static_cast<int>(i) != f.identity && templates[i]) {
        d.impostor.push_back(EmbeddingDistance(*f.embedding, *templates[i]));
      }
    }
  }
  return d;
}

}  // namespace

PairDistances SetPairDistances(const LabelledSet& set, Comparison comparison) {
  if (comparison == Comparison::kMeanTemplate) return TemplatePairDistances(set);
  PairDistances d;
  ForEachPair(set, [&](const LabelledFace& a, const LabelledFace& b) {
    const float distance = FaceDistance(a, b);
    if (a.identity != b.identity) {
      d.impostor.push_back(distance);
    } else if (distance >= kDuplicateDistance) {
      d.genuine.push_back(distance);
    }
  });
  return d;
}

Calibration FitCalibration(const std::vector<LabelledSet>& sets, const std::string& model_id,
                           Comparison comparison) {
  std::vector<float> genuine, impostor;
  CalibrationProvenance provenance;
  provenance.model_id = model_id;
  provenance.comparison = comparison;
  for (const LabelledSet& set : sets) {
    const PairDistances d = SetPairDistances(set, comparison);
    genuine.insert(genuine.end(), d.genuine.begin(), d.genuine.end());
    impostor.insert(impostor.end(), d.impostor.begin(), d.impostor.end());
    provenance.data += (provenance.data.empty() ? "" : ", ") + set.name;
    provenance.identities += static_cast<int>(set.identities.size());
    provenance.images += static_cast<int>(set.faces.size()) - set.Missing();
  }
  return Calibration::Fit(std::move(genuine), std::move(impostor), std::move(provenance));
}

std::vector<HeldOutCheck> CheckCalibrationOnHeldOutSets(const std::vector<LabelledSet>& sets,
                                                        const std::vector<double>& rates,
                                                        Comparison comparison) {
  std::vector<HeldOutCheck> checks;
  if (sets.size() < 2) return checks;
  for (size_t held = 0; held < sets.size(); ++held) {
    std::vector<LabelledSet> others;
    for (size_t i = 0; i < sets.size(); ++i) {
      if (i != held) others.push_back(sets[i]);
    }
    std::optional<Calibration> fitted;
    try {
      fitted = FitCalibration(others, "held-out check", comparison);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kInvalidArgument) throw;
      continue;  // the other folders alone hold no genuine or no impostor pair
    }
    auto impostor = SetPairDistances(sets[held], comparison).impostor;
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
