#include "detect/dlib_detection.h"

#include <algorithm>
#include <cmath>

namespace facetrace {

std::vector<PyramidLevel> PlanDlibView(cv::Size image, int min_face_size, const DlibReach& reach) {
  return PlanSingleView(image,
                        ScaleForMinFace(image, min_face_size, reach.window, reach.max_view_pixels),
                        reach.crop);
}

double ScaleForMinFace(cv::Size image, int min_face, double window, double max_view_pixels) {
  const double wanted = window / std::max(1, min_face);
  const double budget = std::sqrt(max_view_pixels / std::max(1.0, image.area() * 1.0));
  return std::max(std::min(wanted, budget), std::min(1.0, budget));
}

bool FitsWindow(const cv::Mat& view, const DlibReach& reach) {
  return std::min(view.cols, view.rows) >= reach.window;
}

float MarginToScore(double margin) {
  return static_cast<float>(1.0 / (1.0 + std::exp(-2.0 * margin)));
}

Detection DetectionFromDlib(const dlib::rectangle& rect, double margin) {
  Detection d;
  d.box = {static_cast<float>(rect.left()), static_cast<float>(rect.top()),
           static_cast<float>(rect.width()), static_cast<float>(rect.height())};
  d.score = MarginToScore(margin);
  return d;  // no landmarks: the aligner's shape predictor supplies them
}

}  // namespace facetrace
