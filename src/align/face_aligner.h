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
  FaceChip chip;                         // kChipSize x kChipSize RGB
  std::array<Point2f, 5> shape_points{};  // dlib's 5 points: eye corners x4, nose base
  Landmarks landmarks{};                 // derived YuNet-order landmarks (eyes, nose, mouth)
};

class FaceAligner {
 public:
  // Throws Error(kModelMissing / kModelInvalid).
  explicit FaceAligner(const std::filesystem::path& shape_predictor_path);

  // `bgr` is the whole image (CV_8UC3); `box` a detection in its coordinates.
  AlignedFace Align(const cv::Mat& bgr, const Box& box) const;

 private:
  dlib::shape_predictor predictor_;
};

}  // namespace facetrace
