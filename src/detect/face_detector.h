// FaceDetector: one interface, several implementations chosen by name.
//
//   auto detector = CreateFaceDetector("yunet", ModelPaths::Resolve());
//   std::vector<Detection> faces = detector->Detect(bgr);
//
// Names: "yunet" (default; OpenCV DNN, 5 landmarks), "hog" (dlib HOG+SVM), "mmod" (dlib CNN).
// Every implementation finds faces from DetectorOptions::min_face_size (YuNet: in photos of any
// size, by a pyramid of tiled views; HOG and MMOD: as far as their pixel budget allows) up to
// tight face crops that fill the whole image (by padding and upscaling), and returns boxes in
// the input image's coordinates, clipped to it, best score first. Only YuNet gives landmarks.
// Design and measurements: pyramid_plan.h, scaled_view.h, view_runner.h, yunet_detector.h.
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

// Which faces a caller wants. Enrolling a gallery photo keeps only its largest face, so the fine
// pyramid levels that look for small faces (most of the work on a large photo) can be skipped
// once a face bigger than anything they may report has been found.
enum class FaceSearch {
  kAllFaces,     // every face from min_face_size up (identify, cluster, video)
  kLargestFace,  // at least the largest face; smaller ones may be missed (enroll)
};

struct DetectorOptions {
  float min_score = 0.6f;  // YuNet detections below are dropped
  int min_face_size = 20;  // smallest face side, in input pixels, that must be found;
                           // smaller faces are dropped: too few pixels to recognise
  float nms_iou = 0.3f;    // non-maximum suppression threshold
  FaceSearch search = FaceSearch::kAllFaces;
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
// non-maximum suppression, then boxes lying kFragmentInside inside a better one; best score
// first.
std::vector<Detection> FinishDetections(std::vector<Detection> detections,
                                        const DetectorOptions& options);

// Greedy non-maximum suppression: keeps the highest-scoring box of each overlapping group
// (boxes overlapping a kept one at IoU > `iou` are dropped).
std::vector<Detection> NonMaximumSuppression(std::vector<Detection> detections, float iou);

// Greedy suppression of boxes of which at least `fraction` of the area lies inside a
// better-scoring kept box. Faces do not contain faces: such a box is a fragment of a face (an
// eye and brow of a close-up) that the network took for one, which IoU misses (a box inside one
// of 4x its area has IoU 0.25).
std::vector<Detection> SuppressContained(std::vector<Detection> detections, float fraction);
constexpr float kFragmentInside = 0.8f;

}  // namespace facetrace
