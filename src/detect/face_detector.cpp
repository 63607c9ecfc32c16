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
  throw Error(ErrorCode::kInvalidArgument,
              "unknown face detector '" + name + "' (choose yunet, hog or mmod)");
}

std::vector<std::string> FaceDetectorNames() { return {"yunet", "hog", "mmod"}; }

std::vector<Detection> FinishDetections(std::vector<Detection> detections,
                                        const DetectorOptions& options) {
  const auto min_side = static_cast<float>(options.min_face_size);
  std::erase_if(detections,
                [&](const Detection& d) { return std::max(d.box.width, d.box.height) < min_side; });
  return NonMaximumSuppression(std::move(detections), options.nms_iou);
}

std::vector<Detection> NonMaximumSuppression(std::vector<Detection> detections, float iou) {
  std::stable_sort(detections.begin(), detections.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  std::vector<Detection> kept;
  for (const Detection& d : detections) {
    const bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const Detection& k) {
      return IntersectionOverUnion(k.box, d.box) > iou;
    });
    if (!overlaps) kept.push_back(d);
  }
  return kept;
}

}  // namespace facetrace
