// DetectInLevels: what every detector here does with an image, whatever its network: it runs
// the network on the view of each level of a plan (see pyramid_plan.h) whose condition holds,
// keeps the faces each level is trusted with, maps them back to the image and finishes them
// (FinishDetections).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "detect/face_detector.h"
#include "detect/pyramid_plan.h"

namespace facetrace {

// A network's detections in one view image, in that image's coordinates.
using ViewDetector = std::function<std::vector<Detection>(const cv::Mat& view)>;

// Runs `detect` on the `levels` of `bgr`; `detector` names it in messages. A level whose view
// was already run (a retry of a crop view that ran) is skipped. Throws Error(kInvalidArgument)
// unless `bgr` is a non-empty 8-bit BGR image, and Error(kInternal) for an OpenCV or dlib
// failure (never their own exceptions).
std::vector<Detection> DetectInLevels(const std::string& detector, const cv::Mat& bgr,
                                      const std::vector<PyramidLevel>& levels,
                                      const DetectorOptions& options, const ViewDetector& detect);

}  // namespace facetrace
