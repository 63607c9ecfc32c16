#include "detect/dlib_detection.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"

namespace facetrace {

namespace {

constexpr double kCropPadding = 0.3;  // of a tight crop's size, on every side
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

void RequireBgr(const cv::Mat& bgr, const char* detector) {
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    throw Error(ErrorCode::kInvalidArgument,
                std::string(detector) + " expects a non-empty 8-bit BGR image");
  }
}

ScaledView DlibDetectorView(const cv::Mat& bgr, int min_face, double native_min,
                            double max_view_pixels) {
  if (LooksLikeFaceCrop(bgr)) return MakePaddedView(bgr, kCropPadding, kCropViewSide);
  return MakeScaledView(bgr, ScaleForMinFace(bgr, min_face, native_min, max_view_pixels));
}

std::vector<Detection> DetectionsFromDlib(const std::vector<DlibRect>& found,
                                          const ScaledView& view, const cv::Mat& bgr,
                                          const DetectorOptions& options) {
  std::vector<Detection> detections;
  for (const DlibRect& r : found) {
    Detection d;
    d.box = {static_cast<float>(r.rect.left()), static_cast<float>(r.rect.top()),
             static_cast<float>(r.rect.width()), static_cast<float>(r.rect.height())};
    d.score = MarginToScore(r.margin);
    const Detection mapped = view.ToOriginal(d, bgr.cols, bgr.rows);
    if (mapped.box.area() > 0) detections.push_back(mapped);
  }
  return FinishDetections(std::move(detections), options);
}

}  // namespace facetrace
