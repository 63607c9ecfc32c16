// ScaledView: an image resized (and optionally padded) for a detector, with the mapping of
// detections back to the original image's coordinates.
//
// Why padding: tight face crops (64x64 thumbnails, 92x112 ORL) put the face edge-to-edge,
// where detectors trained on whole photos see no context and miss. Padding with the
// replicated border and upscaling makes the crop look like a face in a photo.
#pragma once

#include <opencv2/core.hpp>

#include "core/face.h"

namespace facetrace {

struct ScaledView {
  cv::Mat image;     // what the detector sees
  double scale = 1;  // view pixels per original pixel
  double pad_x = 0;  // original-image offset of the padding, in original pixels
  double pad_y = 0;

  // Maps a detection from view coordinates back to the original image, clipping its box to
  // the original image bounds (`width` x `height`).
  Detection ToOriginal(const Detection& d, int width, int height) const;
};

// Resizes `bgr` by `scale` (INTER_AREA when shrinking, INTER_LINEAR when enlarging).
ScaledView MakeScaledView(const cv::Mat& bgr, double scale);

// Pads `bgr` by `pad_fraction` of its size on every side (replicated border), then scales the
// result so its longer side is `target_side` pixels.
ScaledView MakePaddedView(const cv::Mat& bgr, double pad_fraction, int target_side);

// True when the image is small enough to be a tight face crop rather than a photo.
bool LooksLikeFaceCrop(const cv::Mat& bgr);

}  // namespace facetrace
