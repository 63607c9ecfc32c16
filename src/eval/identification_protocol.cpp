#include "eval/identification_protocol.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "embed/face_embedder.h"
#include "embed/fused_template.h"
#include "eval/svg_chart.h"

namespace facetrace {

namespace {

// The gallery side of one identity: its photos, or one template standing for them.
struct GalleryIdentity {
  int identity = 0;  // global id (unique across sets)
  std::vector<const LabelledFace*> photos;
  Embedding template_embedding;  // for the mean modes
};

// The identity's photos fused into one template, optionally weighted by face quality.
Embedding WeightedMean(const std::vector<const LabelledFace*>& photos, bool by_quality) {
  std::vector<Embedding> embeddings;
  std::vector<float> weights;
  for (const LabelledFace* f : photos) {
    embeddings.push_back(*f->embedding);
    weights.push_back(by_quality ? std::max(f->quality, 0.05f) : 1.0f);
  }
  return FusedTemplate(embeddings, weights);
}

float IdentityDistance(const Embedding& probe, const GalleryIdentity& g, TemplateMode mode) {
  if (mode != TemplateMode::kBestPhoto) return EmbeddingDistance(probe, g.template_embedding);
  float best = std::numeric_limits<float>::infinity();
  for (const LabelledFace* f : g.photos)
    best = std::min(best, EmbeddingDistance(probe, *f->embedding));
  return best;
}

RankedSearch Search(const LabelledFace& probe, int true_identity,
                    const std::vector<GalleryIdentity>& gallery, TemplateMode mode) {
  RankedSearch s;
  s.true_identity = true_identity;
  if (!probe.embedding) return s;  // no face: nothing to rank, counts as a miss
  for (const GalleryIdentity& g : gallery) {
    s.ranked.emplace_back(g.identity, IdentityDistance(*probe.embedding, g, mode));
  }
  std::sort(s.ranked.begin(), s.ranked.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  return s;
}

// Gallery of one set: even-position photos with a face of the identities `enrolled` admits.
template <typename Admit>
std::vector<GalleryIdentity> BuildGallery(const LabelledSet& set, int id_offset, TemplateMode mode,
                                          Admit enrolled) {
  std::map<int, GalleryIdentity> by_identity;
  for (const LabelledFace& f : set.faces) {
    if (f.position % 2 != 0 || !f.embedding || !enrolled(f.identity)) continue;
    GalleryIdentity& g = by_identity[f.identity];
    g.identity = id_offset + f.identity;
    g.photos.push_back(&f);
  }
  std::vector<GalleryIdentity> gallery;
  for (auto& [id, g] : by_identity) {
    if (mode != TemplateMode::kBestPhoto) {
      g.template_embedding = WeightedMean(g.photos, mode == TemplateMode::kQualityWeightedMean);
    }
    gallery.push_back(std::move(g));
  }
  return gallery;
}

bool InGallery(const std::vector<GalleryIdentity>& gallery, int identity) {
  return std::any_of(gallery.begin(), gallery.end(),
                     [&](const GalleryIdentity& g) { return g.identity == identity; });
}

bool HeldOut(int identity, double holdout) {
  return std::floor((identity + 1) * holdout) - std::floor(identity * holdout) >= 1;
}

// Rank-1 per subset label, over the closed-set searches.
struct SubsetTally {
  int probes = 0;
  int hits = 0;
};

void Tally(std::map<std::string, SubsetTally>& subsets, const std::string& label, bool hit) {
  SubsetTally& t = subsets[label];
  ++t.probes;
  t.hits += hit ? 1 : 0;
}

nlohmann::json OpenSetJson(const std::vector<RankedSearch>& mated,
                           const std::vector<RankedSearch>& non_mated) {
  nlohmann::json dir = nlohmann::json::object();
  for (const double fpir : {1e-1, 1e-2, 1e-3}) {
    const auto point = DirAtFpir(mated, non_mated, fpir);
    dir[fmt::format("{:g}", fpir)] = point ? nlohmann::json{{"dir", point->dir},
                                                            {"fpir", point->fpir},
                                                            {"threshold", point->threshold}}
                                           : nlohmann::json(nullptr);
  }
  return dir;
}

}  // namespace

TemplateMode ParseTemplateMode(const std::string& name) {
  if (name == "best") return TemplateMode::kBestPhoto;
  if (name == "mean") return TemplateMode::kMean;
  if (name == "quality-mean") return TemplateMode::kQualityWeightedMean;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown template mode '" + name + "' (best, mean, quality-mean)");
}

std::string TemplateModeName(TemplateMode mode) {
  switch (mode) {
    case TemplateMode::kBestPhoto:
      return "best";
    case TemplateMode::kMean:
      return "mean";
    case TemplateMode::kQualityWeightedMean:
      return "quality-mean";
  }
  return "?";
}

IdentificationResult EvaluateIdentification(const std::vector<LabelledSet>& sets,
                                            const IdentificationOptions& options) {
  std::vector<RankedSearch> closed, mated, non_mated;
  std::map<std::string, SubsetTally> subsets;
  int id_offset = 0, no_face_probes = 0, enrolled_ids = 0, held_out_ids = 0, not_enrolled = 0;
  for (const LabelledSet& set : sets) {
    const auto all = BuildGallery(set, id_offset, options.mode, [](int) { return true; });
    const auto open = BuildGallery(set, id_offset, options.mode,
                                   [&](int id) { return !HeldOut(id, options.holdout); });
    for (size_t id = 0; id < set.identities.size(); ++id) {
      (HeldOut(static_cast<int>(id), options.holdout) ? held_out_ids : enrolled_ids) += 1;
    }
    for (const LabelledFace& f : set.faces) {
      const int truth = id_offset + f.identity;
      const bool held_out = HeldOut(f.identity, options.holdout);
      // A non-mated photo without a face is a search that returns no one: a correct answer.
      if (held_out) non_mated.push_back(Search(f, truth, open, options.mode));
      if (f.position % 2 == 0) continue;
      if (!InGallery(all, truth)) {  // none of the identity's gallery photos has a face
        ++not_enrolled;
        continue;
      }
      if (!held_out) mated.push_back(Search(f, truth, open, options.mode));
      closed.push_back(Search(f, truth, all, options.mode));
      const RankedSearch& s = closed.back();
      const bool hit = !s.ranked.empty() && s.ranked.front().first == truth;
      no_face_probes += f.embedding ? 0 : 1;
      Tally(subsets, "set:" + set.name, hit);
      Tally(subsets, f.grey ? "grey" : "colour", hit);
      if (f.embedding) {
        Tally(subsets,
              f.face_width < options.small_face ? fmt::format("face<{:g}px", options.small_face)
                                                : fmt::format("face>={:g}px", options.small_face),
              hit);
      }
    }
    id_offset += static_cast<int>(set.identities.size());
  }
  if (closed.empty()) {
    throw Error(ErrorCode::kInvalidArgument,
                "identification needs identities with at least two photos (gallery and probe)");
  }
  IdentificationResult result;
  result.cmc = CumulativeMatchCurve(closed, options.max_rank);
  result.open_curve = OpenSetCurve(mated, non_mated);
  nlohmann::json breakdown = nlohmann::json::object();
  for (const auto& [label, t] : subsets) {
    breakdown[label] = {{"probes", t.probes}, {"rank1", static_cast<double>(t.hits) / t.probes}};
  }
  auto rank = [&](int k) {  // null beyond --max-rank: not measured, not zero
    return result.cmc.size() >= static_cast<size_t>(k) ? nlohmann::json(result.cmc[k - 1])
                                                       : nlohmann::json(nullptr);
  };
  result.report = {{"template", TemplateModeName(options.mode)},
                   {"closed_set",
                    {{"probes", closed.size()},
                     {"probes_without_face", no_face_probes},
                     {"probes_not_enrolled", not_enrolled},
                     {"rank1", rank(1)},
                     {"rank5", rank(5)},
                     {"rank10", rank(10)},
                     {"cmc", result.cmc},
                     {"by_subset", breakdown}}},
                   {"open_set",
                    {{"holdout", options.holdout},
                     {"enrolled_identities", enrolled_ids},
                     {"held_out_identities", held_out_ids},
                     {"mated_probes", mated.size()},
                     {"non_mated_probes", non_mated.size()},
                     {"dir_at_fpir", OpenSetJson(mated, non_mated)}}}};
  return result;
}

void WriteIdentificationCharts(const IdentificationResult& result,
                               const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  SvgChart cmc;
  cmc.title = "Closed-set identification (CMC)";
  cmc.x_label = "rank";
  cmc.y_label = "identification rate";
  cmc.x_min = 1;
  cmc.x_max = static_cast<double>(std::max<size_t>(result.cmc.size(), 2));
  cmc.y_min = result.cmc.empty() ? 0.0 : std::min(0.5, std::floor(result.cmc.front() * 10) / 10);
  ChartSeries s{"rank-k rate", {}};
  for (size_t k = 0; k < result.cmc.size(); ++k) s.points.emplace_back(k + 1.0, result.cmc[k]);
  cmc.series.push_back(std::move(s));
  SvgChart det;
  det.title = "Open-set identification (DET)";
  det.x_label = "FPIR (non-mated searches returning someone)";
  det.y_label = "FNIR (mated searches missed)";
  det.x_min = 1e-3;
  det.log_x = true;
  ChartSeries d{"FNIR vs FPIR", {}};
  for (const OpenSetPoint& p : result.open_curve) d.points.emplace_back(p.fpir, 1 - p.dir);
  det.series.push_back(std::move(d));
  for (const auto& [name, chart] : {std::pair{"cmc.svg", &cmc}, std::pair{"det.svg", &det}}) {
    WriteTextFileAtomically(dir / name, chart->Render());
  }
}

}  // namespace facetrace
