#include "detect/face_detector.h"

#include <algorithm>

#include "core/error.h"
#include "detect/dlib_hog_detector.h"
#include "detect/dlib_mmod_detector.h"
#include "detect/yunet_detector.h"

namespace facetrace {

std::unique_ptr<FaceDetector> CreateFaceDetector(const std::string& name, const ModelPaths& models,
                                                 const DetectorOptions& options) {
  if (name == "yunet")
    return std::make_unique<YunetDetector>(models.Require(ModelFiles::kYunet), options);
  if (name == "hog") return std::make_unique<DlibHogDetector>(options);
  if (name == "mmod")
    return std::make_unique<DlibMmodDetector>(models.Require(ModelFiles::kMmodDetector), options);
  std::string known;
  for (const std::string& n : FaceDetectorNames()) known += (known.empty() ? "" : ", ") + n;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown face detector '" + name + "' (known: " + known + ")");
}

std::vector<std::string> FaceDetectorNames() { return {"yunet", "hog", "mmod"}; }

namespace {

// Keeps detections best score first (ties in input order), dropping each that `overlaps` one
// already kept.
template <typename Overlaps>
std::vector<Detection> KeepBest(std::vector<Detection> detections, Overlaps overlaps) {
  std::stable_sort(detections.begin(), detections.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  std::vector<Detection> kept;
  for (const Detection& d : detections) {
    if (std::none_of(kept.begin(), kept.end(), [&](const Detection& k) { return overlaps(k, d); }))
      kept.push_back(d);
  }
  return kept;
}

// The fraction of `inner`'s area that lies inside `outer`.
float FractionInside(const Box& inner, const Box& outer) {
  const float w = std::min(inner.right(), outer.right()) - std::max(inner.x, outer.x);
  const float h = std::min(inner.bottom(), outer.bottom()) - std::max(inner.y, outer.y);
  return w > 0 && h > 0 && inner.area() > 0 ? w * h / inner.area() : 0.0f;
}

}  // namespace

std::vector<Detection> FinishDetections(std::vector<Detection> detections,
                                        const DetectorOptions& options) {
  const auto min_side = static_cast<float>(options.min_face_size);
  std::erase_if(detections,
                [&](const Detection& d) { return std::max(d.box.width, d.box.height) < min_side; });
  return SuppressContained(NonMaximumSuppression(std::move(detections), options.nms_iou),
                           kFragmentInside);
}

std::vector<Detection> NonMaximumSuppression(std::vector<Detection> detections, float iou) {
  return KeepBest(std::move(detections), [iou](const Detection& kept, const Detection& d) {
    return IntersectionOverUnion(kept.box, d.box) > iou;
  });
}

std::vector<Detection> SuppressContained(std::vector<Detection> detections, float fraction) {
  return KeepBest(std::move(detections), [fraction](const Detection& kept, const Detection& d) {
    return FractionInside(d.box, kept.box) >= fraction;
  });
}

}  // namespace facetrace
