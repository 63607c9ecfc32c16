#include "detect/scaled_view.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace facetrace {

namespace {

cv::Mat Resized(const cv::Mat& bgr, double scale) {
  if (std::abs(scale - 1.0) < 1e-9) return bgr;
  const cv::Size size(std::max(1, static_cast<int>(std::lround(bgr.cols * scale))),
                      std::max(1, static_cast<int>(std::lround(bgr.rows * scale))));
  cv::Mat out;
  cv::resize(bgr, out, size, 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

cv::Mat EqualizedLuminance(const cv::Mat& bgr) {
  cv::Mat ycrcb;
  cv::cvtColor(bgr, ycrcb, cv::COLOR_BGR2YCrCb);
  std::vector<cv::Mat> channels;
  cv::split(ycrcb, channels);
  // A 4x4 grid: a face crop's halves (lit and shadowed) get their own mapping.
  cv::createCLAHE(2.0, cv::Size(4, 4))->apply(channels[0], channels[0]);
  cv::merge(channels, ycrcb);
  cv::Mat out;
  cv::cvtColor(ycrcb, out, cv::COLOR_YCrCb2BGR);
  return out;
}

}  // namespace

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
  view.image = Resized(bgr, scale);
  view.scale = scale;
  return view;
}

double CropViewScale(cv::Size image, int view_side) {
  return view_side / (std::max({image.width, image.height, 1}) * (1 + 2 * kCropPadding));
}

ScaledView MakeCropView(const cv::Mat& bgr, double scale, Contrast contrast) {
  // Resize first and pad after: cheaper, and the equalisation sees only the image.
  ScaledView view = MakeScaledView(bgr, scale);
  if (contrast == Contrast::kEqualized) view.image = EqualizedLuminance(view.image);
  const int px = static_cast<int>(std::lround(view.image.cols * kCropPadding));
  const int py = static_cast<int>(std::lround(view.image.rows * kCropPadding));
  cv::copyMakeBorder(view.image, view.image, py, py, px, px, cv::BORDER_CONSTANT,
                     cv::Scalar::all(0));
  view.pad_x = px / view.scale;
  view.pad_y = py / view.scale;
  return view;
}

}  // namespace facetrace
