// YuNet (libfacedetection, Apache-2.0) through OpenCV DNN, with our own decoding of its raw
// outputs: OpenCV 4.6's cv::FaceDetectorYN expects an older output layout, and 4.6 cannot load
// the dynamic-shape export, so the fixed 640x640 network is run on letterboxed tiles.
//
// Coverage: a pyramid whose coarsest level sees the whole photo in one 640 px view and whose
// finer levels (x2 each) are cut into overlapping 640 px tiles, down to the scale at which a
// face of DetectorOptions::min_face_size pixels is big enough for YuNet (~20 px). Tight face
// crops are padded and upscaled first (see scaled_view.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/dnn.hpp>

#include "detect/face_detector.h"

namespace facetrace {

class YunetDetector : public FaceDetector {
 public:
  YunetDetector(const std::filesystem::path& model, const DetectorOptions& options);
  std::vector<Detection> Detect(const cv::Mat& bgr) override;
  std::string name() const override { return "yunet"; }

  static constexpr int kInputSide = 640;  // the network's fixed input

 private:
  // Detections (in `view` coordinates) of one view, tiled when larger than the input.
  std::vector<Detection> DetectInView(const cv::Mat& view);
  // One network pass over a region of at most kInputSide x kInputSide.
  std::vector<Detection> RunTile(const cv::Mat& tile);

  cv::dnn::Net net_;
  DetectorOptions options_;
  std::vector<std::string> output_names_;
};

}  // namespace facetrace
