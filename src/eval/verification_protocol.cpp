#include "eval/verification_protocol.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/atomic_file.h"
#include "embed/face_embedder.h"
#include "eval/svg_chart.h"

namespace facetrace {

PairsEvaluation EvaluatePairs(const std::vector<LfwPair>& pairs, const std::filesystem::path& root,
                              const BatchOptions& options,
                              const std::function<void(size_t, size_t)>& progress) {
  std::map<std::filesystem::path, std::optional<Embedding>> embeddings;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> resolved;
  for (const LfwPair& p : pairs) {
    resolved.emplace_back(ResolvePairImage(root, p.name_a, p.index_a),
                          ResolvePairImage(root, p.name_b, p.index_b));
    embeddings[resolved.back().first];
    embeddings[resolved.back().second];
  }
  std::vector<std::filesystem::path> paths;
  for (const auto& [path, unused] : embeddings) paths.push_back(path);
  size_t done = 0;
  std::vector<std::string> failed;
  ProcessImages(paths, options, [&](ImageResult&& result) {
    if (!result.ok()) failed.push_back(result.error);
    const int main = MainFaceIndex(result.faces);
    if (main >= 0) embeddings[result.path] = result.faces[static_cast<size_t>(main)].embedding;
    if (progress) progress(++done, paths.size());
  });
  PairsEvaluation e;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const auto& a = embeddings[resolved[i].first];
    const auto& b = embeddings[resolved[i].second];
    const bool both = a && b;
    e.pairs_without_face += both ? 0 : 1;
    e.scored.push_back({.distance = both ? EmbeddingDistance(*a, *b) : kNoFaceDistance,
                        .genuine = pairs[i].genuine,
                        .fold = pairs[i].fold});
  }
  e.metrics = EvaluateVerification(e.scored);
  const VerificationMetrics& m = e.metrics;
  auto optional = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  e.report = {{"pairs", pairs.size()},
              {"genuine_pairs", m.genuine_pairs},
              {"impostor_pairs", m.impostor_pairs},
              {"pairs_without_face", e.pairs_without_face},
              {"unreadable_images", failed},
              {"accuracy_tuned_on_test", m.folds == 1},
              {"folds", m.folds},
              {"accuracy", m.accuracy_mean},
              {"accuracy_std", m.accuracy_std},
              {"tar_at_far_1e-2", optional(m.tar_at_far_1e2)},
              {"tar_at_far_1e-3", optional(m.tar_at_far_1e3)},
              {"eer", m.eer},
              {"eer_threshold", m.eer_threshold}};
  return e;
}

void WriteVerificationCharts(const VerificationMetrics& metrics, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  SvgChart roc;
  roc.title = "Verification (ROC)";
  roc.x_label = "FAR (impostor pairs accepted)";
  roc.y_label = "TAR (genuine pairs accepted)";
  roc.x_min = 1e-4;
  double lowest = 1;
  for (const RocPoint& p : metrics.roc) {
    if (p.far >= roc.x_min) lowest = std::min(lowest, p.tar);
  }
  roc.y_min = std::min(0.5, std::floor(lowest * 10) / 10);
  roc.log_x = true;
  ChartSeries s{"TAR vs FAR", {}};
  for (const RocPoint& p : metrics.roc) s.points.emplace_back(p.far, p.tar);
  roc.series.push_back(std::move(s));
  WriteTextFileAtomically(dir / "roc.svg", roc.Render());
}

}  // namespace facetrace
