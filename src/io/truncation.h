// Detects JPEG and PNG files that stop before their end marker (module-internal).
//
// Why: libjpeg treats a premature end of data as a warning, so OpenCV returns a "successfully"
// decoded image whose lower part is flat grey. A half-copied gallery photo must not be enrolled
// silently, so the structure is walked first: markers up to EOI for JPEG, chunks up to IEND for
// PNG. Data after the end marker (camera trailers, motion-photo videos) is allowed.
#pragma once

#include <cstdint>
#include <span>

#include "io/image_header.h"

namespace facetrace {

// True when `bytes` (a JPEG or PNG, per `format`) end before the format's end marker or the
// structure before it is broken. Always false for other formats, whose decoders fail on their
// own when data is missing.
bool IsTruncated(std::span<const uint8_t> bytes, ImageFormat format);

}  // namespace facetrace
