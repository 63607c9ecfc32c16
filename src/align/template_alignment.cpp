#include "align/template_alignment.h"

#include <cmath>
#include <vector>

#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace facetrace {

LandmarkTemplate ArcFaceTemplate112() {
  return {cv::Size(112, 112),
          {Point2f{38.2946f, 51.6963f}, Point2f{73.5318f, 51.5014f}, Point2f{56.0252f, 71.7366f},
           Point2f{41.5493f, 92.3655f}, Point2f{70.7299f, 92.2041f}}};
}

cv::Mat SimilarityToTemplate(const Landmarks& landmarks, const LandmarkTemplate& tmpl) {
  std::vector<cv::Point2f> from, to;
  float spread = 0;
  for (size_t i = 0; i < landmarks.size(); ++i) {
    from.emplace_back(landmarks[i].x, landmarks[i].y);
    to.emplace_back(tmpl.points[i].x, tmpl.points[i].y);
    spread += std::abs(landmarks[i].x - landmarks[0].x) + std::abs(landmarks[i].y - landmarks[0].y);
  }
  if (!(spread > 1e-3f)) {  // also catches NaN
    throw Error(ErrorCode::kInvalidArgument, "cannot align a face whose landmarks coincide");
  }
  // A least-squares fit over all 5 points, as insightface's alignment does: with a threshold no
  // residual reaches, RANSAC keeps every point as an inlier and its Levenberg-Marquardt
  // refinement then minimises the squared error over all of them.
  constexpr double kEveryPointIsAnInlier = 1e9;
  cv::Mat transform = cv::estimateAffinePartial2D(from, to, cv::noArray(), cv::RANSAC,
                                                  kEveryPointIsAnInlier, 2000, 0.99, 10);
  if (transform.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "no similarity transform fits the face's landmarks");
  }
  return transform;
}

cv::Mat WarpToTemplate(const cv::Mat& image, const Landmarks& landmarks,
                       const LandmarkTemplate& tmpl) {
  cv::Mat chip;
  cv::warpAffine(image, chip, SimilarityToTemplate(landmarks, tmpl), tmpl.size, cv::INTER_LINEAR,
                 cv::BORDER_REPLICATE);
  return chip;
}

}  // namespace facetrace
