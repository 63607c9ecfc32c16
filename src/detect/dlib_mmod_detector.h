// dlib's CNN face detector (max-margin object detection, mmod_human_face_detector.dat). More
// robust to pose than HOG but slow on a CPU, so large photos are shrunk to a pixel budget and
// small faces are reached by enlarging only as far as that budget allows.
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
  struct Net;
  std::unique_ptr<Net> net_;
  DetectorOptions options_;
};

}  // namespace facetrace
