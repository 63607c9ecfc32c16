#include "quality/face_quality.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace facetrace {

namespace {

float Clamp01(float v) { return std::clamp(v, 0.0f, 1.0f); }

float Distance(const Point2f& a, const Point2f& b) { return std::hypot(a.x - b.x, a.y - b.y); }

// Inter-ocular distance: ~15 px is the least dlib's ResNet can work with (a ~40 px face),
// ~60 px (a ~150 px face, the chip's native size) is as good as it gets.
float SizeFactor(const Landmarks& lm) {
  const float iod = Distance(lm[0], lm[1]);
  return Clamp01((iod - 8.0f) / (60.0f - 8.0f));
}

// Variance of the Laplacian of the grey chip: the classic focus measure. On 150 px chips,
// sharp photos score several hundred, visibly blurred ones below ~30.
float SharpnessFactor(const cv::Mat& chip) {
  cv::Mat grey;
  if (chip.channels() == 3) {
    cv::cvtColor(chip, grey, cv::COLOR_BGR2GRAY);
  } else {
    grey = chip;
  }
  cv::Mat lap;
  cv::Laplacian(grey, lap, CV_32F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(lap, mean, stddev);
  const float variance = static_cast<float>(stddev[0] * stddev[0]);
  return Clamp01(std::log1p(variance / 10.0f) / std::log1p(300.0f / 10.0f));
}

// Frontalness: in a frontal face the nose lies midway between the eyes (yaw) and the eyes are
// level (roll). Both are scale-free ratios of the landmark geometry.
float PoseFactor(const Landmarks& lm) {
  const float iod = Distance(lm[0], lm[1]);
  if (iod <= 0) return 0;
  const float dx = lm[1].x - lm[0].x, dy = lm[1].y - lm[0].y;
  // Signed position of the nose along the eye axis, 0 at the midpoint, +-0.5 at an eye.
  const float along = ((lm[2].x - lm[0].x) * dx + (lm[2].y - lm[0].y) * dy) / (iod * iod) - 0.5f;
  const float yaw = Clamp01(1.0f - std::abs(along) / 0.5f);
  const float roll_degrees = std::abs(std::atan2(dy, dx)) * 180.0f / static_cast<float>(M_PI);
  const float roll = Clamp01(1.0f - std::max(0.0f, roll_degrees - 10.0f) / 50.0f);
  return yaw * roll;
}

}  // namespace

QualityFactors AssessFaceQuality(const cv::Mat& chip, const Landmarks& landmarks,
                                 float detector_score) {
  QualityFactors q;
  q.size = SizeFactor(landmarks);
  q.detector = Clamp01(detector_score);
  q.sharpness = chip.empty() ? 0.0f : SharpnessFactor(chip);
  q.pose = PoseFactor(landmarks);
  // Geometric mean with a small floor per factor, so a zero in one factor does not erase the
  // ordering information the others carry.
  const float floor = 0.05f;
  q.overall =
      std::pow((floor + q.size) * (floor + q.detector) * (floor + q.sharpness) * (floor + q.pose),
               0.25f) /
      (1.0f + floor);
  q.overall = Clamp01(q.overall);
  return q;
}

}  // namespace facetrace
