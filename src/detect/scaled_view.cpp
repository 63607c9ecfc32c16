#include "detect/scaled_view.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace facetrace {

Detection ScaledView::ToOriginal(const Detection& d, int width, int height) const {
  auto x_of = [&](float v) { return static_cast<float>(v / scale - pad_x); };
  auto y_of = [&](float v) { return static_cast<float>(v / scale - pad_y); };
  Detection out = d;
  const float x0 = std::clamp(x_of(d.box.x), 0.0f, static_cast<float>(width));
  const float y0 = std::clamp(y_of(d.box.y), 0.0f, static_cast<float>(height));
  const float x1 = std::clamp(x_of(d.box.right()), 0.0f, static_cast<float>(width));
  const float y1 = std::clamp(y_of(d.box.bottom()), 0.0f, static_cast<float>(height));
  out.box = {x0, y0, x1 - x0, y1 - y0};
  for (size_t i = 0; i < d.landmarks.size(); ++i) {
    out.landmarks[i] = {x_of(d.landmarks[i].x), y_of(d.landmarks[i].y)};
  }
  return out;
}

ScaledView MakeScaledView(const cv::Mat& bgr, double scale) {
  ScaledView view;
  view.scale = scale;
  if (std::abs(scale - 1.0) < 1e-9) {
    view.image = bgr;
    return view;
  }
  cv::resize(bgr, view.image, cv::Size(), scale, scale,
             scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  return view;
}

ScaledView MakePaddedView(const cv::Mat& bgr, double pad_fraction, int target_side) {
  const int px = static_cast<int>(std::lround(bgr.cols * pad_fraction));
  const int py = static_cast<int>(std::lround(bgr.rows * pad_fraction));
  cv::Mat padded;
  cv::copyMakeBorder(bgr, padded, py, py, px, px, cv::BORDER_REPLICATE);
  ScaledView view =
      MakeScaledView(padded, static_cast<double>(target_side) / std::max(padded.cols, padded.rows));
  view.pad_x = px;
  view.pad_y = py;
  return view;
}

bool LooksLikeFaceCrop(const cv::Mat& bgr) { return std::max(bgr.cols, bgr.rows) <= 256; }

}  // namespace facetrace
