// FaceAligner: dlib's 5-point shape predictor on a detected box, then the 150x150 chip that
// dlib's ResNet expects (extract_image_chip with get_face_chip_details(shape, 150, 0.25)).
//
// Not thread-safe (dlib's shape predictor is, but keep one per worker for symmetry and cache).
#pragma once

#include <array>
#include <filesystem>

#include <dlib/image_processing/shape_predictor.h>
#include <dlib/matrix.h>
#include <dlib/pixel.h>
#include <opencv2/core.hpp>

#include "core/face.h"

namespace facetrace {

using FaceChip = dlib::matrix<dlib::rgb_pixel>;

constexpr int kChipSize = 150;
constexpr double kChipPadding = 0.25;

struct AlignedFace {
  FaceChip chip;                          // kChipSize x kChipSize RGB
  std::array<Point2f, 5> shape_points{};  // dlib's 5 points: eye corners x4, nose base
  Landmarks landmarks{};                  // derived YuNet-order landmarks (eyes, nose, mouth)
};

// YuNet-order landmarks (see core/face.h) derived from dlib's 5 shape points.
Landmarks LandmarksFromShape(const std::array<Point2f, 5>& shape);

// The box to give dlib's shape predictor for a detection. The predictor was trained on dlib's
// own detector boxes (square, eyebrows to lower lip); other detectors draw taller boxes, and
// the predictor's accuracy depends on the box matching its training convention.
Box ShapePredictorBox(const Detection& detection);

class FaceAligner {
 public:
  // Throws Error(kModelMissing / kModelInvalid).
  explicit FaceAligner(const std::filesystem::path& shape_predictor_path);

  // `bgr` is the whole image (CV_8UC3); `detection` a face in its coordinates.
  AlignedFace Align(const cv::Mat& bgr, const Detection& detection) const;

 private:
  dlib::shape_predictor predictor_;
};

}  // namespace facetrace
