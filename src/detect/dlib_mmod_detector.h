// dlib's CNN face detector (max-margin object detection, mmod_human_face_detector.dat). More
// robust to pose and lighting than HOG, but slow on a CPU (~1 s per megapixel of view on one
// core), so its view has a budget of kMaxViewPixels: large photos are shrunk to it, and small
// faces are reached by enlarging only as far as it allows (see dlib_detection.h). Scores: the
// MMOD margin through MarginToScore. No landmarks: the aligner's shape predictor supplies them.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "detect/face_detector.h"

namespace facetrace {

class DlibMmodDetector : public FaceDetector {
 public:
  DlibMmodDetector(const std::filesystem::path& model, const DetectorOptions& options);
  ~DlibMmodDetector() override;
  std::vector<Detection> Detect(const cv::Mat& bgr) override;
  std::string name() const override { return "mmod"; }

 private:
  struct Net;  // dlib's network type is a page of templates: kept out of this header

  std::vector<Detection> DetectInView(const cv::Mat& view);

  std::unique_ptr<Net> net_;
  DetectorOptions options_;
};

}  // namespace facetrace
