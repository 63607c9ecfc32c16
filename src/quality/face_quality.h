// Face quality in [0, 1]: how useful a face is as evidence, from what the pipeline can see.
//
// Four factors, each mapped to [0, 1] and combined by a geometric mean so that one very bad
// factor (a 12 px face, a blurred chip, a profile view) pulls the whole score down:
//   size       — inter-ocular distance in source pixels (saturates at ~60 px);
//   detector   — the detector's confidence;
//   sharpness  — variance of the Laplacian of the aligned grey chip;
//   pose       — frontalness from the 5 landmarks (nose centred between the eyes, eyes level).
#pragma once

#include <opencv2/core.hpp>

#include "core/face.h"

namespace facetrace {

struct QualityFactors {
  float size = 0;
  float detector = 0;
  float sharpness = 0;
  float pose = 0;
  float overall = 0;
};

// `chip_bgr_or_rgb` is the aligned chip (any 3-channel or 1-channel 8-bit image);
// `landmarks` in source image coordinates (YuNet order, see core/face.h).
QualityFactors AssessFaceQuality(const cv::Mat& chip, const Landmarks& landmarks,
                                 float detector_score);

}  // namespace facetrace
