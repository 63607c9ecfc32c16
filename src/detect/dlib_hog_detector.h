// dlib's HOG + linear SVM frontal face detector. It finds frontal faces of >= ~80 px, so the
// photo is enlarged enough to reach DetectorOptions::min_face_size (within a pixel budget:
// HOG on a 16 MP upscale would take minutes). Tight crops are padded and upscaled. It gives no
// landmarks: the aligner's shape predictor supplies them.
#pragma once

#include <string>
#include <vector>

#include <dlib/image_processing/frontal_face_detector.h>

#include "detect/face_detector.h"

namespace facetrace {

class DlibHogDetector : public FaceDetector {
 public:
  explicit DlibHogDetector(const DetectorOptions& options);
  std::vector<Detection> Detect(const cv::Mat& bgr) override;
  std::string name() const override { return "hog"; }

 private:
  dlib::frontal_face_detector detector_;
  DetectorOptions options_;
};

// The view scale at which a detector whose smallest face is `native_min` px finds faces of
// `min_face` px, limited so the view stays under `max_view_pixels`.
double ScaleForMinFace(const cv::Mat& bgr, int min_face, double native_min, double max_view_pixels);

// Maps an SVM / MMOD margin (0 at the decision boundary) to (0,1), 0.5 at the boundary.
float MarginToScore(double margin);

}  // namespace facetrace
