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

}  // namespace facetrace
