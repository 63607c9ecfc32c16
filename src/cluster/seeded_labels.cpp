#include "cluster/seeded_labels.h"

#include <algorithm>
#include <map>

#include "core/error.h"

namespace facetrace {

std::vector<int> LabelsFromGroups(const std::vector<int>& group, const std::vector<int>& seeds) {
  if (group.size() != seeds.size()) {
    throw Error(ErrorCode::kInvalidArgument, "clustering needs one seed label per item");
  }
  std::map<int, int> label_of_group;
  int next = 0;
  for (size_t i = 0; i < group.size(); ++i) {
    next = std::max(next, seeds[i] + 1);
    if (seeds[i] < 0) continue;
    const auto [it, inserted] = label_of_group.emplace(group[i], seeds[i]);
    if (!inserted && it->second != seeds[i]) {
      throw Error(ErrorCode::kInternal, "two seeded clusters ended in one group");
    }
  }
  std::vector<int> labels(group.size());
  for (size_t i = 0; i < group.size(); ++i) {
    const auto [it, inserted] = label_of_group.emplace(group[i], next);
    if (inserted) ++next;
    labels[i] = it->second;
  }
  return labels;
}

}  // namespace facetrace
