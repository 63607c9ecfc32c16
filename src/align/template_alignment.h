// Alignment of a face to a landmark template: the similarity transform (rotation, uniform
// scale, translation) that best maps the face's 5 landmarks onto the template's, then a warp
// of the image into a chip of the template's size. This is how ArcFace-style models were
// trained (insightface's 112x112 template); dlib's ResNet has its own alignment (face_aligner.h).
#pragma once

#include <array>

#include <opencv2/core.hpp>

#include "core/face.h"

namespace facetrace {

// Where the 5 landmarks (core/face.h order) sit in a chip of `size` pixels.
struct LandmarkTemplate {
  cv::Size size;
  Landmarks points{};
};

// insightface's reference points for 112x112 ArcFace chips (also used by faceplugin).
LandmarkTemplate ArcFaceTemplate112();

// The 2x3 similarity transform from `landmarks` (image coordinates) to `tmpl.points`, by least
// squares over the 5 points (cv::estimateAffinePartial2D, no outlier rejection: all 5 are
// trusted). Throws Error(kInvalidArgument) for degenerate landmarks (all at one point).
cv::Mat SimilarityToTemplate(const Landmarks& landmarks, const LandmarkTemplate& tmpl);

// `image` warped by SimilarityToTemplate into a tmpl.size chip (bilinear, replicated border
// so faces at the image edge do not get black wedges the model never saw in training).
cv::Mat WarpToTemplate(const cv::Mat& image, const Landmarks& landmarks,
                       const LandmarkTemplate& tmpl);

}  // namespace facetrace
