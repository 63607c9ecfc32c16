#include "detect/dlib_hog_detector.h"

#include <dlib/opencv/cv_image.h>

#include "detect/dlib_detection.h"

namespace facetrace {

namespace {

constexpr double kHogMinFace = 80;      // dlib's HOG window
constexpr double kMaxViewPixels = 8e6;  // ~1 s of HOG on one core

}  // namespace

DlibHogDetector::DlibHogDetector(const DetectorOptions& options)
    : detector_(dlib::get_frontal_face_detector()), options_(options) {}

std::vector<Detection> DlibHogDetector::Detect(const cv::Mat& bgr) {
  RequireBgr(bgr, "HOG");
  const ScaledView view =
      DlibDetectorView(bgr, options_.min_face_size, kHogMinFace, kMaxViewPixels);
  const dlib::cv_image<dlib::bgr_pixel> image(view.image);
  std::vector<dlib::rect_detection> raw;
  detector_(image, raw, 0.0);
  std::vector<DlibRect> found;
  for (const auto& r : raw) found.push_back({r.rect, r.detection_confidence});
  return DetectionsFromDlib(found, view, bgr, options_);
}

}  // namespace facetrace
