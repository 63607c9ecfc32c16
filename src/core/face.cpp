#include "core/face.h"

#include <algorithm>

namespace facetrace {

float IntersectionOverUnion(const Box& a, const Box& b) {
  const float ix = std::max(0.0f, std::min(a.right(), b.right()) - std::max(a.x, b.x));
  const float iy = std::max(0.0f, std::min(a.bottom(), b.bottom()) - std::max(a.y, b.y));
  const float inter = ix * iy;
  const float uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

}  // namespace facetrace
