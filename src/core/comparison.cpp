#include "core/comparison.h"

#include "core/error.h"

namespace facetrace {

std::string ComparisonName(Comparison comparison) {
  return comparison == Comparison::kMeanTemplate ? "template" : "photo";
}

Comparison ParseComparison(const std::string& name) {
  if (name == "photo") return Comparison::kPhoto;
  if (name == "template") return Comparison::kMeanTemplate;
  throw Error(ErrorCode::kInvalidArgument, "unknown comparison '" + name +
                                               "' (photo: each gallery photo; template: each "
                                               "identity's mean template)");
}

}  // namespace facetrace
