// A JPEG of one face cut from a photo: the square crop the review screens show side by side
// (render/contact_sheet.h's FaceTile, a quarter of the box as margin).
#pragma once

#include <span>
#include <string>

#include "core/face.h"
#include "io/image_loader.h"

namespace facetrace {

constexpr int kReviewChipSize = 160;

// Decodes `photo` under `load` (the pixel limit), crops `box` and encodes a JPEG.
// Throws the loader's errors, or Error(kInvalidArgument) for an empty box.
std::string FaceChipJpeg(std::span<const uint8_t> photo, const Box& box,
                         const ImageLoadOptions& load);

}  // namespace facetrace
