#include "align/face_aligner.h"

#include <cmath>

#include <dlib/image_transforms/interpolation.h>
#include <dlib/opencv/cv_image.h>
#include <dlib/serialize.h>
#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace facetrace {

namespace {

Point2f ToPoint(const dlib::point& p) {
  return {static_cast<float>(p.x()), static_cast<float>(p.y())};
}

Point2f Midpoint(const Point2f& a, const Point2f& b) { return {(a.x + b.x) / 2, (a.y + b.y) / 2}; }

}  // namespace

Landmarks LandmarksFromShape(const std::array<Point2f, 5>& shape) {
  // dlib's 5-point model: points 0-1 are the corners of the eye on the image's right, 2-3 the
  // eye on the image's left, 4 the base of the nose. Mouth corners are not predicted, so they
  // are placed where they sit on an average face: below the nose by ~0.9x the eye-to-nose
  // drop, ~0.8x the inter-ocular distance apart.
  const Point2f image_left_eye = Midpoint(shape[2], shape[3]);
  const Point2f image_right_eye = Midpoint(shape[0], shape[1]);
  const Point2f nose = shape[4];
  const Point2f eyes_mid = Midpoint(image_left_eye, image_right_eye);
  const Point2f down{nose.x - eyes_mid.x, nose.y - eyes_mid.y};
  const Point2f across{(image_right_eye.x - image_left_eye.x) * 0.4f,
                       (image_right_eye.y - image_left_eye.y) * 0.4f};
  const Point2f mouth{nose.x + 0.9f * down.x, nose.y + 0.9f * down.y};
  return {image_left_eye, image_right_eye, nose, Point2f{mouth.x - across.x, mouth.y - across.y},
          Point2f{mouth.x + across.x, mouth.y + across.y}};
}

FaceAligner::FaceAligner(const std::filesystem::path& shape_predictor_path) {
  try {
    dlib::deserialize(shape_predictor_path.string()) >> predictor_;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kModelInvalid,
                "cannot load shape predictor " + shape_predictor_path.string() + ": " + e.what());
  }
  if (predictor_.num_parts() != 5) {
    throw Error(ErrorCode::kModelInvalid, "shape predictor " + shape_predictor_path.string() +
                                              " is not the 5-point model");
  }
}

Box ShapePredictorBox(const Detection& detection) { return detection.box; }

AlignedFace FaceAligner::Align(const cv::Mat& bgr, const Detection& detection) const {
  if (bgr.type() != CV_8UC3) {
    throw Error(ErrorCode::kInvalidArgument, "FaceAligner expects an 8-bit BGR image");
  }
  const dlib::cv_image<dlib::bgr_pixel> image(bgr);
  const Box box = ShapePredictorBox(detection);
  const dlib::rectangle rect(static_cast<long>(std::lround(box.x)),
                             static_cast<long>(std::lround(box.y)),
                             static_cast<long>(std::lround(box.right())) - 1,
                             static_cast<long>(std::lround(box.bottom())) - 1);
  const dlib::full_object_detection shape = predictor_(image, rect);

  AlignedFace aligned;
  for (unsigned long i = 0; i < shape.num_parts(); ++i) aligned.shape_points[i] = ToPoint(shape.part(i));
  aligned.landmarks = LandmarksFromShape(aligned.shape_points);
  dlib::extract_image_chip(image, dlib::get_face_chip_details(shape, kChipSize, kChipPadding),
                           aligned.chip);
  return aligned;
}

}  // namespace facetrace
