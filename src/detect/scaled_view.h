// ScaledView: the image a detector actually sees (resized, optionally padded, optionally
// contrast-equalised), with the mapping of its detections back to the original image.
//
// Why padding: tight face crops (64x64 thumbnails, 92x112 ORL, 150x150 chips) put the face
// edge-to-edge, where detectors trained on whole photos see no context. A black border of
// kCropPadding on every side makes the crop look like a face in front of a dark background.
// Measured with YuNet on 2,000 crops (cs131, ORL, Extended Yale B, 150 px chips), the black
// border beat the replicated one: Extended Yale B 0.90 vs 0.78 at a 224 px view, and no set
// was worse; mirrored borders were within a crop or two of black.
#pragma once

#include <opencv2/core.hpp>

#include "core/face.h"

namespace facetrace {

constexpr double kCropPadding = 0.3;  // of the crop's width (height) on the left/right (top/bottom)

struct ScaledView {
  cv::Mat image;     // what the detector sees
  double scale = 1;  // view pixels per original pixel
  double pad_x = 0;  // width of the padding added on the left, in original pixels
  double pad_y = 0;  // height of the padding added on the top, in original pixels

  bool padded() const { return pad_x > 0 || pad_y > 0; }

  // Maps a detection from view coordinates back to the original image (`width` x `height`),
  // clipping its box to the image; landmarks are mapped but not clipped.
  Detection ToOriginal(const Detection& d, int width, int height) const;
};

// `bgr` resized by `scale` (INTER_AREA when shrinking, INTER_LINEAR when enlarging; no copy at
// scale 1). The view is at least 1x1.
ScaledView MakeScaledView(const cv::Mat& bgr, double scale);

// How a crop view treats the image's contrast.
enum class Contrast {
  kAsIs,
  // Luminance equalised (CLAHE), colours kept: the last try on a face that was not found, for
  // faces lit from one side (Extended Yale B with YuNet: 0.91 -> 0.99 of crops found).
  kEqualized,
};

// The scale at which an `image`, with a black border of kCropPadding on every side, has a
// longer side of `view_side` pixels.
double CropViewScale(cv::Size image, int view_side);

// `bgr` resized by `scale`, then given a black border of kCropPadding on every side: a possible
// tight face crop, as a detector likes to see it.
ScaledView MakeCropView(const cv::Mat& bgr, double scale, Contrast contrast = Contrast::kAsIs);

}  // namespace facetrace
