// Turns a file (or bytes) into an 8-bit BGR cv::Mat ready for detection.
//
// Accepts JPEG, PNG, WebP, BMP, TIFF, PGM/PPM (via OpenCV) and GIF (first frame, via giflib:
// OpenCV 4.6 has no GIF decoder). EXIF orientation is applied; grey, alpha and 16-bit inputs are
// converted. The pixel limit is checked from the header before decoding.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "io/image_header.h"

namespace facetrace {

struct ImageLoadOptions {
  int64_t max_pixels = 100'000'000;      // refuse larger images (from the header)
  int64_t max_file_bytes = 512LL << 20;  // refuse larger files before reading them
};

struct LoadedImage {
  cv::Mat bgr;            // CV_8UC3, orientation applied
  ImageHeader header;     // as read from the file (before orientation)
  std::string sha256;     // hex digest of the file bytes (identity of the photo)
  bool was_grey = false;  // the source had a single channel
};

// Reads the whole file; throws Error naming `path` on any failure (kNotFound, kIo, kEmptyFile,
// kUnsupportedFormat, kCorruptImage, kImageTooLarge).
std::vector<uint8_t> ReadFileBytes(const std::filesystem::path& path, int64_t max_bytes);

// Decodes `bytes`; `name` appears in error messages.
LoadedImage DecodeImage(std::span<const uint8_t> bytes, const std::string& name,
                        const ImageLoadOptions& options = {});

// ReadFileBytes + DecodeImage.
LoadedImage LoadImage(const std::filesystem::path& path, const ImageLoadOptions& options = {});

// True for file names whose extension is one of the accepted image formats (case-insensitive).
bool HasImageExtension(const std::filesystem::path& path);

}  // namespace facetrace
