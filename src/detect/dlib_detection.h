// What dlib's two detectors (HOG and MMOD) share: the one view they run on, and their
// rectangles as Detections. dlib scans its own image pyramid inside that view, from the
// detector's window (its smallest face) up, so no tiling: the view only has to enlarge the photo
// until DetectorOptions::min_face_size reaches the window, within a pixel budget (both detectors
// are slow on a CPU: HOG on a 16 MP upscale would take a minute). Small images, possibly tight
// face crops, are padded crop views instead (see scaled_view.h).
#pragma once

#include <vector>

#include <dlib/geometry/rectangle.h>
#include <opencv2/core.hpp>

#include "core/face.h"
#include "detect/pyramid_plan.h"

namespace facetrace {

struct DlibReach {
  double window;           // the smallest face the detector finds, px
  double max_view_pixels;  // the view's pixel budget
  CropViewRule crop;
};

// The plan (see pyramid_plan.h) of a dlib detector for an `image`: one view, see above.
std::vector<PyramidLevel> PlanDlibView(cv::Size image, int min_face_size, const DlibReach& reach);

// The view scale at which faces of `min_face` px reach the `window`, limited so the view stays
// under `max_view_pixels`; a photo that fits the budget is never shrunk.
double ScaleForMinFace(cv::Size image, int min_face, double window, double max_view_pixels);

// Whether a face as small as the reach's window fits in `view` (dlib's networks fail on, and its
// scanners have nothing to find in, views narrower than their window).
bool FitsWindow(const cv::Mat& view, const DlibReach& reach);

// A detector margin (0 at the decision boundary, larger is surer) as a score in (0,1): the
// logistic 1 / (1 + exp(-2 margin)), so the boundary is 0.5, margin 1 is 0.88 and 2 is 0.98.
// HOG's and MMOD's margins for real faces lie mostly in 0..3, where this stays discriminative.
float MarginToScore(double margin);

// A dlib rectangle (inclusive corners) with its margin, as a Detection without landmarks.
Detection DetectionFromDlib(const dlib::rectangle& rect, double margin);

}  // namespace facetrace
