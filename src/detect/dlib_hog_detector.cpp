#include "detect/dlib_hog_detector.h"

#include <algorithm>
#include <cmath>

#include <dlib/opencv/cv_image.h>

#include "core/error.h"
#include "detect/scaled_view.h"

namespace facetrace {

namespace {

constexpr double kHogMinFace = 80;      // dlib's HOG window
constexpr double kMaxViewPixels = 8e6;  // ~1 s of HOG on one core
constexpr double kCropPadding = 0.3;
constexpr int kCropViewSide = 320;

}  // namespace

double ScaleForMinFace(const cv::Mat& bgr, int min_face, double native_min,
                       double max_view_pixels) {
  const double wanted = native_min / std::max(1, min_face);
  const double budget = std::sqrt(max_view_pixels / (static_cast<double>(bgr.cols) * bgr.rows));
  return std::max(std::min(wanted, budget), std::min(1.0, budget));
}

float MarginToScore(double margin) {
  return static_cast<float>(1.0 / (1.0 + std::exp(-2.0 * margin)));
}

DlibHogDetector::DlibHogDetector(const DetectorOptions& options)
    : detector_(dlib::get_frontal_face_detector()), options_(options) {}

std::vector<Detection> DlibHogDetector::Detect(const cv::Mat& bgr) {
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    throw Error(ErrorCode::kInvalidArgument, "HOG expects a non-empty 8-bit BGR image");
  }
  const ScaledView view = LooksLikeFaceCrop(bgr)
                              ? MakePaddedView(bgr, kCropPadding, kCropViewSide)
                              : MakeScaledView(bgr, ScaleForMinFace(bgr, options_.min_face_size,
                                                                    kHogMinFace, kMaxViewPixels));
  const dlib::cv_image<dlib::bgr_pixel> image(view.image);
  std::vector<dlib::rect_detection> raw;
  detector_(image, raw, 0.0);
  std::vector<Detection> found;
  for (const auto& r : raw) {
    Detection d;
    d.box = {static_cast<float>(r.rect.left()), static_cast<float>(r.rect.top()),
             static_cast<float>(r.rect.width()), static_cast<float>(r.rect.height())};
    d.score = MarginToScore(r.detection_confidence);
    const Detection mapped = view.ToOriginal(d, bgr.cols, bgr.rows);
    if (mapped.box.area() > 0) found.push_back(mapped);
  }
  return FinishDetections(std::move(found), options_);
}

}  // namespace facetrace
