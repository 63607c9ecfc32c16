// dlib's HOG + linear SVM frontal face detector (get_frontal_face_detector). Its window finds
// frontal faces of ~80 px and up, so the view enlarges the photo until
// DetectorOptions::min_face_size reaches 80 px (within a pixel budget; see dlib_detection.h).
// Scores: the SVM margin through MarginToScore; every detection has margin >= 0 (score >= 0.5).
// It gives no landmarks: the aligner's shape predictor supplies them.
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
  std::vector<Detection> DetectInView(const cv::Mat& view);

  dlib::frontal_face_detector detector_;
  DetectorOptions options_;
};

}  // namespace facetrace
