// What dlib's two detectors (HOG and MMOD) share: the view they run on and the mapping of
// their rectangles back to the photo. Each has a smallest face it can see (its window), so the
// photo is enlarged until DetectorOptions::min_face_size reaches it, within a pixel budget
// (HOG on a 16 MP upscale would take minutes); tight crops are padded and upscaled.
#pragma once

#include <vector>

#include <dlib/geometry/rectangle.h>
#include <opencv2/core.hpp>

#include "detect/face_detector.h"
#include "detect/scaled_view.h"

namespace facetrace {

struct DlibRect {
  dlib::rectangle rect;
  double margin;  // the detector's confidence: 0 at its decision boundary
};

// The view for a detector whose smallest face is `native_min` px, kept under
// `max_view_pixels`.
ScaledView DlibDetectorView(const cv::Mat& bgr, int min_face, double native_min,
                            double max_view_pixels);

// Detections in `bgr` coordinates from rectangles found in `view`, finished as every
// detector's are (see FinishDetections).
std::vector<Detection> DetectionsFromDlib(const std::vector<DlibRect>& found,
                                          const ScaledView& view, const cv::Mat& bgr,
                                          const DetectorOptions& options);

// The view scale at which faces of `min_face` px become `native_min` px, limited so the view
// stays under `max_view_pixels` (and never shrinks a photo that fits the budget).
double ScaleForMinFace(const cv::Mat& bgr, int min_face, double native_min, double max_view_pixels);

// Maps a margin to (0,1), 0.5 at the decision boundary.
float MarginToScore(double margin);

// Throws Error(kInvalidArgument) unless `bgr` is a non-empty 8-bit BGR image.
void RequireBgr(const cv::Mat& bgr, const char* detector);

}  // namespace facetrace
