#include "detect/view_runner.h"

#include <algorithm>

#include <dlib/error.h>

#include "core/error.h"
#include "detect/scaled_view.h"

namespace facetrace {

namespace {

ScaledView MakeView(const cv::Mat& bgr, const PyramidLevel& level) {
  return level.crop_view ? MakeCropView(bgr, level.scale, level.contrast)
                         : MakeScaledView(bgr, level.scale);
}

// Appends the detections of `level`'s view up to its max_face, in `bgr`'s coordinates; returns
// whether it saw a face bigger than that.
bool CollectLevel(const cv::Mat& bgr, const PyramidLevel& level, const ViewDetector& detect,
                  std::vector<Detection>& found) {
  const ScaledView view = MakeView(bgr, level);
  bool too_big = false;
  for (const Detection& d : detect(view.image)) {
    if (std::max(d.box.width, d.box.height) > level.max_face) {
      too_big = true;
      continue;
    }
    const Detection mapped = view.ToOriginal(d, bgr.cols, bgr.rows);
    if (mapped.box.area() > 0) found.push_back(mapped);  // not wholly in the padding
  }
  return too_big;
}

bool ShouldRun(const PyramidLevel& level, bool previous_too_big,
               const std::vector<Detection>& found, const DetectorOptions& options) {
  switch (level.when) {
    case RunWhen::kAlways:
      return true;
    case RunWhen::kIfFacesTooBig:
      return previous_too_big;
    case RunWhen::kIfNoFace:
      return FinishDetections(found, options).empty();
    case RunWhen::kUnlessBiggerFaceFound:
      for (const Detection& d : FinishDetections(found, options)) {
        if (std::max(d.box.width, d.box.height) >= LargestFaceKept(level)) return false;
      }
      return true;
  }
  return true;
}

bool AlreadyRun(const std::vector<PyramidLevel>& done, const PyramidLevel& level) {
  return std::any_of(done.begin(), done.end(), [&](const PyramidLevel& d) {
    return d.scale == level.scale && d.crop_view == level.crop_view && d.contrast == level.contrast;
  });
}

std::vector<Detection> Run(const cv::Mat& bgr, const std::vector<PyramidLevel>& levels,
                           const DetectorOptions& options, const ViewDetector& detect) {
  std::vector<Detection> found;
  std::vector<PyramidLevel> done;
  bool previous_too_big = false;
  for (const PyramidLevel& level : levels) {
    if (!ShouldRun(level, previous_too_big, found, options) || AlreadyRun(done, level)) {
      previous_too_big = false;
      continue;
    }
    previous_too_big = CollectLevel(bgr, level, detect, found);
    done.push_back(level);
  }
  return FinishDetections(std::move(found), options);
}

}  // namespace

std::vector<Detection> DetectInLevels(const std::string& detector, const cv::Mat& bgr,
                                      const std::vector<PyramidLevel>& levels,
                                      const DetectorOptions& options, const ViewDetector& detect) {
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    throw Error(ErrorCode::kInvalidArgument, detector + " expects a non-empty 8-bit BGR image");
  }
  try {
    return Run(bgr, levels, options, detect);
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::kInternal, detector + " detection failed (OpenCV): " + e.what());
  } catch (const dlib::error& e) {
    throw Error(ErrorCode::kInternal, detector + " detection failed (dlib): " + e.what());
  }
}

}  // namespace facetrace
