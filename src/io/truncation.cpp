#include "io/truncation.h"

#include <cstring>
#include <optional>

#include "io/jpeg_segments.h"

namespace facetrace {
namespace {

bool JpegReachesEoi(std::span<const uint8_t> bytes) {
  JpegSegmentReader reader(bytes);
  while (const std::optional<JpegSegment> segment = reader.Next()) {
    if (segment->marker == kJpegEoi) return true;
  }
  return false;
}

// Chunks after the 8-byte signature: length (4, big-endian), type (4), data, CRC (4).
bool PngReachesIend(std::span<const uint8_t> bytes) {
  constexpr size_t kChunkOverhead = 12;
  constexpr uint32_t kMaxChunkLength = 0x7FFFFFFF;  // the PNG spec's limit
  size_t pos = 8;
  while (bytes.size() >= pos && bytes.size() - pos >= kChunkOverhead) {
    const uint8_t* chunk = bytes.data() + pos;
    const uint32_t length = (uint32_t{chunk[0]} << 24) | (uint32_t{chunk[1]} << 16) |
                            (uint32_t{chunk[2]} << 8) | chunk[3];
    if (length > kMaxChunkLength || length > bytes.size() - pos - kChunkOverhead) return false;
    if (std::memcmp(chunk + 4, "IEND", 4) == 0) return true;
    pos += kChunkOverhead + length;
  }
  return false;
}

}  // namespace

bool IsTruncated(std::span<const uint8_t> bytes, ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return !JpegReachesEoi(bytes);
    case ImageFormat::kPng:
      return !PngReachesIend(bytes);
    default:
      return false;
  }
}

}  // namespace facetrace
