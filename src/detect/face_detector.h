// FaceDetector: one interface, several implementations chosen by name.
//
//   auto detector = CreateFaceDetector("yunet", ModelPaths::Resolve());
//   std::vector<Detection> faces = detector->Detect(bgr);
//
// Names: "yunet" (default; OpenCV DNN, 5 landmarks), "hog" (dlib HOG+SVM), "mmod" (dlib CNN).
// Every implementation finds faces from ~20 px in multi-megapixel photos (by tiling or a
// pyramid) up to tight face crops that fill the whole image (by padding and upscaling), and
// returns boxes in the input image's coordinates, best score first.
//
// Instances are not thread-safe: give each worker thread its own.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/face.h"
#include "core/model_paths.h"

namespace facetrace {

struct DetectorOptions {
  float min_score = 0.6f;  // YuNet detections below are dropped
  int min_face_size = 20;  // smallest face side, in input pixels, that must be found;
                           // smaller faces are dropped: too few pixels to recognise
  float nms_iou = 0.3f;    // non-maximum suppression threshold
};

class FaceDetector {
 public:
  virtual ~FaceDetector() = default;
  // `bgr` is CV_8UC3. Returns detections sorted by descending score.
  virtual std::vector<Detection> Detect(const cv::Mat& bgr) = 0;
  virtual std::string name() const = 0;
};

// Throws Error(kInvalidArgument) for an unknown name, Error(kModelMissing) for missing models.
std::unique_ptr<FaceDetector> CreateFaceDetector(const std::string& name, const ModelPaths& models,
                                                 const DetectorOptions& options = {});

// Names accepted by CreateFaceDetector, for help texts.
std::vector<std::string> FaceDetectorNames();

// What every detector does last: drops faces smaller than options.min_face_size, then
// non-maximum suppression; best score first.
std::vector<Detection> FinishDetections(std::vector<Detection> detections,
                                        const DetectorOptions& options);

// Greedy non-maximum suppression: keeps the highest-scoring box of each overlapping group.
std::vector<Detection> NonMaximumSuppression(std::vector<Detection> detections, float iou);

}  // namespace facetrace
