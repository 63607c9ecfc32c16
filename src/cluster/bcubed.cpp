#include "cluster/bcubed.h"

#include <map>
#include <utility>

#include "core/error.h"

namespace facetrace {

BCubedScore ScoreBCubed(const std::vector<int>& predicted, const std::vector<int>& truth) {
  if (predicted.size() != truth.size()) {
    throw Error(ErrorCode::kInvalidArgument, "BCubed needs one true label per clustered item");
  }
  BCubedScore score;
  if (predicted.empty()) return score;
  std::map<int, double> cluster_size;
  std::map<int, double> class_size;
  std::map<std::pair<int, int>, double> overlap;  // (cluster, class) -> items in both
  for (size_t i = 0; i < predicted.size(); ++i) {
    cluster_size[predicted[i]] += 1;
    class_size[truth[i]] += 1;
    overlap[{predicted[i], truth[i]}] += 1;
  }
  // Every item of a (cluster, class) cell has the same precision and recall, so sum per cell.
  for (const auto& [cell, count] : overlap) {
    score.precision += count * count / cluster_size[cell.first];
    score.recall += count * count / class_size[cell.second];
  }
  const double n = static_cast<double>(predicted.size());
  score.precision /= n;
  score.recall /= n;
  score.f = 2 * score.precision * score.recall / (score.precision + score.recall);
  return score;
}

}  // namespace facetrace
