// YuNet (libfacedetection, Apache-2.0) through OpenCV DNN, with our own decoding of its raw
// outputs: OpenCV 4.6's cv::FaceDetectorYN expects an older output layout.
//
// Which network file: OpenCV 4.6 cannot import yunet_n_dynamic.onnx (its Shape nodes have
// dynamic dimensions), but the fixed yunet_n_640_640.onnx runs at any input of multiples of 32:
// its reshapes follow the input. Its detections on a 640x448 input match those on the same
// photo letterboxed into 640x640 (boxes within 0.01 px), at 2/3 of the time (24 vs 36 ms), so
// every view runs at its own size rounded up to 32 px (and to at least 64: see the .cpp), never on
// a letterboxed 640x640 canvas (a 64x64 crop: one 288x288 pass, 5 ms, instead of 36 ms).
//
// Coverage: see pyramid_plan.h. Faces this net finds, by width in the view (faces pasted in a
// textured scene; 242 faces each): 14 px 0.85, 16 px 0.88, 20 px 0.92, 24 px 0.95, 32 px 0.98,
// 40-200 px 0.99-1.0, 300 px 0.98, 380 px 0.93. Hence the finest level puts min_face_size at
// 20 px, and views are at most 640 px.
//
// When nothing is found, the image may be a tight face crop (no context around the face) or a
// face lit from one side: it is retried as a padded crop view, then with equalised contrast
// (see scaled_view.h). Both are ordinary detections at the usual threshold.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/dnn.hpp>

#include "detect/face_detector.h"
#include "detect/pyramid_plan.h"

namespace facetrace {

class YunetDetector : public FaceDetector {
 public:
  YunetDetector(const std::filesystem::path& model, const DetectorOptions& options);
  std::vector<Detection> Detect(const cv::Mat& bgr) override;
  std::string name() const override { return "yunet"; }

  static const DetectorReach kReach;

  // The network input a region of this size is padded to: each side rounded up to the coarsest
  // stride (32 px), and at least 64 px, because OpenCV 4.6 reads unwritten memory on some
  // 32 px high inputs (see the .cpp).
  static cv::Size InputSize(cv::Size region);

 private:
  // Detections in one view (view coordinates), tiled when larger than kReach.view_side.
  std::vector<Detection> DetectTiled(const cv::Mat& view);
  // One network pass over `region`, padded to InputSize; region coordinates.
  std::vector<Detection> RunNetwork(const cv::Mat& region);

  cv::dnn::Net net_;
  DetectorOptions options_;
  std::vector<std::string> output_names_;
};

}  // namespace facetrace
