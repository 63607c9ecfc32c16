#include "io/jpeg_segments.h"

#include <algorithm>

namespace facetrace {
namespace {

// Markers with no length field: SOI, EOI, RST0-7 and TEM.
bool IsStandalone(uint8_t marker) {
  return marker == kJpegSoi || marker == kJpegEoi || marker == 0x01 ||
         (marker >= 0xD0 && marker <= 0xD7);
}

bool IsRestartMarker(uint8_t marker) { return marker >= 0xD0 && marker <= 0xD7; }

}  // namespace

bool IsJpegFrameMarker(uint8_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

std::optional<JpegSegment> JpegSegmentReader::Next() {
  if (after_scan_header_) {
    pos_ = SkipEntropyCodedData(pos_);
    after_scan_header_ = false;
  }
  const size_t size = bytes_.size();
  if (pos_ >= size || bytes_[pos_] != 0xFF) return std::nullopt;
  while (pos_ < size && bytes_[pos_] == 0xFF) ++pos_;  // any number of fill bytes
  if (pos_ >= size) return std::nullopt;
  const uint8_t marker = bytes_[pos_++];
  if (marker == 0x00) return std::nullopt;  // a stuffed byte is only valid inside scan data
  if (IsStandalone(marker)) return JpegSegment{marker, {}};

  // The length counts itself (2 bytes) but not the marker.
  if (size - pos_ < 2) return std::nullopt;
  const size_t length = (size_t{bytes_[pos_]} << 8) | bytes_[pos_ + 1];
  if (length < 2 || length > size - pos_) return std::nullopt;
  const JpegSegment segment{marker, bytes_.subspan(pos_ + 2, length - 2)};
  pos_ += length;
  after_scan_header_ = marker == kJpegSos;
  return segment;
}

// Returns the offset of the marker that ends the scan (or the data size if none does). Inside
// scan data 0xFF is followed by 0x00 (a stuffed byte) or a restart marker; anything else is a
// real marker.
size_t JpegSegmentReader::SkipEntropyCodedData(size_t pos) const {
  const auto end = bytes_.end();
  auto it = bytes_.begin() + static_cast<std::ptrdiff_t>(std::min(pos, bytes_.size()));
  while ((it = std::find(it, end, uint8_t{0xFF})) != end) {
    if (end - it < 2) break;
    const uint8_t next = it[1];
    if (next == 0x00 || IsRestartMarker(next)) {
      it += 2;
    } else if (next == 0xFF) {
      ++it;  // fill byte before a marker
    } else {
      return static_cast<size_t>(it - bytes_.begin());
    }
  }
  return bytes_.size();
}

}  // namespace facetrace
