#include "detect/dlib_hog_detector.h"

#include <dlib/opencv/cv_image.h>

#include "detect/dlib_detection.h"
#include "detect/view_runner.h"

namespace facetrace {

namespace {

constexpr DlibReach kReach = {
    .window = 80,
    .max_view_pixels = 8e6,  // HOG: ~0.1 s per megapixel of view
    // HOG's crop rates barely move with the view side (160-400 px): YuNet's choice.
    .crop = {.small_image_side = 320, .view_side = 288},
};

// get_frontal_face_detector() deserializes the model (~0.25 s); copies of it cost ~1 ms.
const dlib::frontal_face_detector& Prototype() {
  static const dlib::frontal_face_detector prototype = dlib::get_frontal_face_detector();
  return prototype;
}

}  // namespace

DlibHogDetector::DlibHogDetector(const DetectorOptions& options)
    : detector_(Prototype()), options_(options) {}

std::vector<Detection> DlibHogDetector::DetectInView(const cv::Mat& view) {
  if (!FitsWindow(view, kReach)) return {};
  std::vector<dlib::rect_detection> raw;
  detector_(dlib::cv_image<dlib::bgr_pixel>(view), raw, 0.0);  // no copy of the pixels
  std::vector<Detection> detections;
  for (const dlib::rect_detection& r : raw) {
    detections.push_back(DetectionFromDlib(r.rect, r.detection_confidence));
  }
  return detections;
}

std::vector<Detection> DlibHogDetector::Detect(const cv::Mat& bgr) {
  return DetectInLevels("HOG", bgr, PlanDlibView(bgr.size(), options_.min_face_size, kReach),
                        options_, [this](const cv::Mat& view) { return DetectInView(view); });
}

}  // namespace facetrace
