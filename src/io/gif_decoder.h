// First frame of a GIF, through giflib (OpenCV 4.6 cannot read GIF).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include <opencv2/core.hpp>

namespace facetrace {

// Returns the first frame as CV_8UC3 BGR, composited over the logical screen's background.
// Throws Error(kCorruptImage) naming `name` when giflib fails. Allocates the logical screen
// (up to 65535x65535): check ReadImageHeader's size against the pixel limit first.
cv::Mat DecodeGifFirstFrame(std::span<const uint8_t> bytes, const std::string& name);

}  // namespace facetrace
