// Reads an image's format and dimensions from its first bytes, without decoding pixels.
//
// Why: a 60000x60000 PNG is a few hundred kilobytes on disk and 10 GB once decoded. The pixel
// limit must be enforced before any decoder allocates, so we parse the headers of the formats
// we accept (a few dozen bytes each) ourselves; decoding itself is always left to OpenCV or
// giflib.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace facetrace {

enum class ImageFormat { kUnknown, kJpeg, kPng, kWebp, kBmp, kTiff, kPnm, kGif };

std::string_view ImageFormatName(ImageFormat format);

struct ImageHeader {
  ImageFormat format = ImageFormat::kUnknown;
  int64_t width = 0;
  int64_t height = 0;
  int64_t pixels() const { return width * height; }
};

// Identifies the format from magic bytes and reads width/height. Throws Error with
// kEmptyFile (no bytes), kUnsupportedFormat (unknown magic) or kCorruptImage (known magic,
// header truncated or nonsensical). `name` is used in messages only.
ImageHeader ReadImageHeader(std::span<const uint8_t> bytes, const std::string& name);

}  // namespace facetrace
