// Draws detected faces on a copy of an image: box, five landmarks, and a label per face.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/face.h"

namespace facetrace {

// `labels[i]` (optional; may be shorter than `faces`) is written above faces[i]'s box.
cv::Mat DrawFaces(const cv::Mat& bgr, const std::vector<Face>& faces,
                  const std::vector<std::string>& labels = {});

}  // namespace facetrace
