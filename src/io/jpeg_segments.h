// Walks the marker segments of a JPEG stream without decoding it (module-internal).
//
// Shared by the header reader (it needs the frame header) and the truncation check (it needs to
// know whether the end-of-image marker is ever reached). The bytes are untrusted: every read is
// bounds-checked, and a segment that would run past the end is reported as "no more segments".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace facetrace {

inline constexpr uint8_t kJpegSoi = 0xD8;  // start of image
inline constexpr uint8_t kJpegEoi = 0xD9;  // end of image
inline constexpr uint8_t kJpegSos = 0xDA;  // start of scan: entropy-coded data follows

struct JpegSegment {
  uint8_t marker = 0;                // the xx of the 0xFF xx marker
  std::span<const uint8_t> payload;  // bytes after the length field; empty for standalone markers
};

// True for the SOFn markers that carry the frame header (image size); C4, C8 and CC share the
// range but are DHT, JPG and DAC.
bool IsJpegFrameMarker(uint8_t marker);

class JpegSegmentReader {
 public:
  // `bytes` is the whole file; reading starts after the 2-byte SOI marker.
  explicit JpegSegmentReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  // The next segment in file order, or nullopt once the data ends before a complete segment or
  // stops looking like marker structure. The entropy-coded data after each SOS is skipped.
  std::optional<JpegSegment> Next();

 private:
  size_t SkipEntropyCodedData(size_t pos) const;

  std::span<const uint8_t> bytes_;
  size_t pos_ = 2;
  bool after_scan_header_ = false;
};

}  // namespace facetrace
