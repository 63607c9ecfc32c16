#include "io/image_header.h"

#include <cstring>
#include <limits>

#include "core/error.h"
#include "io/jpeg_segments.h"

namespace facetrace {
namespace {

// OpenCV and cv::Mat index with int, and width * height must not overflow int64.
constexpr int64_t kMaxDimension = std::numeric_limits<int32_t>::max();

// Bounds-checked reads of one header. Any read past the end means the header is truncated,
// which for a format already identified by its magic is a corrupt image.
class HeaderBytes {
 public:
  HeaderBytes(std::span<const uint8_t> bytes, ImageFormat format, std::string_view name)
      : bytes_(bytes), format_(format), name_(name) {}

  size_t size() const { return bytes_.size(); }
  std::span<const uint8_t> span() const { return bytes_; }

  uint8_t U8(size_t offset) const { return Require(offset, 1)[0]; }
  uint32_t U16(size_t offset, bool big_endian) const { return Read(offset, 2, big_endian); }
  uint32_t U24Le(size_t offset) const { return Read(offset, 3, false); }
  uint32_t U32(size_t offset, bool big_endian) const { return Read(offset, 4, big_endian); }
  bool Matches(size_t offset, std::string_view text) const {
    const uint8_t* p = Require(offset, text.size());
    return std::memcmp(p, text.data(), text.size()) == 0;
  }

  [[noreturn]] void Fail(const std::string& what) const {
    throw Error(ErrorCode::kCorruptImage, std::string(name_) + ": corrupt " +
                                              std::string(ImageFormatName(format_)) +
                                              " header: " + what);
  }

  // Checks the dimensions every format must satisfy and builds the result.
  ImageHeader Result(int64_t width, int64_t height) const {
    if (width <= 0 || height <= 0) {
      Fail("invalid size " + std::to_string(width) + "x" + std::to_string(height));
    }
    if (width > kMaxDimension || height > kMaxDimension) {
      Fail("impossible size " + std::to_string(width) + "x" + std::to_string(height));
    }
    return ImageHeader{format_, width, height};
  }

 private:
  const uint8_t* Require(size_t offset, size_t count) const {
    if (offset > bytes_.size() || count > bytes_.size() - offset) Fail("truncated");
    return bytes_.data() + offset;
  }

  uint32_t Read(size_t offset, size_t count, bool big_endian) const {
    const uint8_t* p = Require(offset, count);
    uint32_t value = 0;
    for (size_t i = 0; i < count; ++i) {
      const uint32_t byte = p[big_endian ? i : count - 1 - i];
      value = (value << 8) | byte;
    }
    return value;
  }

  std::span<const uint8_t> bytes_;
  ImageFormat format_;
  std::string_view name_;
};

bool IsAsciiSpace(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool StartsWith(std::span<const uint8_t> bytes, size_t offset, std::string_view magic) {
  return bytes.size() >= offset + magic.size() &&
         std::memcmp(bytes.data() + offset, magic.data(), magic.size()) == 0;
}

ImageFormat DetectFormat(std::span<const uint8_t> bytes) {
  using std::string_view_literals::operator""sv;
  if (StartsWith(bytes, 0, "\xFF\xD8\xFF"sv)) return ImageFormat::kJpeg;
  if (StartsWith(bytes, 0, "\x89PNG\r\n\x1A\n"sv)) return ImageFormat::kPng;
  if (StartsWith(bytes, 0, "GIF87a"sv) || StartsWith(bytes, 0, "GIF89a"sv)) {
    return ImageFormat::kGif;
  }
  if (StartsWith(bytes, 0, "RIFF"sv) && StartsWith(bytes, 8, "WEBP"sv)) return ImageFormat::kWebp;
  if (StartsWith(bytes, 0, "BM"sv)) return ImageFormat::kBmp;
  if (StartsWith(bytes, 0, "II*\0"sv) || StartsWith(bytes, 0, "MM\0*"sv)) {
    return ImageFormat::kTiff;
  }
  if (bytes.size() >= 2 && bytes[0] == 'P' && bytes[1] >= '1' && bytes[1] <= '6') {
    return ImageFormat::kPnm;
  }
  return ImageFormat::kUnknown;
}

ImageHeader ReadJpeg(const HeaderBytes& in) {
  JpegSegmentReader reader(in.span());
  for (;;) {
    const std::optional<JpegSegment> segment = reader.Next();
    if (!segment) in.Fail("truncated or malformed before the frame header");
    if (segment->marker == kJpegSos || segment->marker == kJpegEoi) {
      in.Fail("no frame header before the image data");
    }
    if (!IsJpegFrameMarker(segment->marker)) continue;
    // Frame header: precision (1), height (2), width (2), component count (1), ...
    const std::span<const uint8_t> frame = segment->payload;
    if (frame.size() < 5) in.Fail("short frame header");
    return in.Result((frame[3] << 8) | frame[4], (frame[1] << 8) | frame[2]);
  }
}

ImageHeader ReadPng(const HeaderBytes& in) {
  // The first chunk must be IHDR: length (4), type (4), width (4), height (4), ...
  if (!in.Matches(12, "IHDR")) in.Fail("first chunk is not IHDR");
  const uint32_t width = in.U32(16, true);
  const uint32_t height = in.U32(20, true);
  return in.Result(width, height);
}

ImageHeader ReadGif(const HeaderBytes& in) {
  // Logical screen descriptor right after the 6-byte signature: the canvas every frame is
  // composited onto, so it is what the decoder allocates.
  return in.Result(in.U16(6, false), in.U16(8, false));
}

ImageHeader ReadWebp(const HeaderBytes& in) {
  // RIFF header (12 bytes), then the first chunk: fourcc (4), size (4), data.
  constexpr size_t kData = 20;
  if (in.Matches(12, "VP8 ")) {
    // Lossy: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height.
    if (in.U8(kData + 3) != 0x9D || in.U8(kData + 4) != 0x01 || in.U8(kData + 5) != 0x2A) {
      in.Fail("bad VP8 start code");
    }
    return in.Result(in.U16(kData + 6, false) & 0x3FFF, in.U16(kData + 8, false) & 0x3FFF);
  }
  if (in.Matches(12, "VP8L")) {
    // Lossless: signature 0x2F, then width-1 and height-1 packed in 14 bits each.
    if (in.U8(kData) != 0x2F) in.Fail("bad VP8L signature");
    const uint32_t bits = in.U32(kData + 1, false);
    return in.Result((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
  }
  if (in.Matches(12, "VP8X")) {
    // Extended: flags (1), reserved (3), canvas width-1 and height-1 in 24 bits each.
    return in.Result(int64_t{in.U24Le(kData + 4)} + 1, int64_t{in.U24Le(kData + 7)} + 1);
  }
  in.Fail("unknown first chunk");
}

ImageHeader ReadBmp(const HeaderBytes& in) {
  // 14-byte file header, then the DIB header whose size tells its layout.
  const uint32_t dib_size = in.U32(14, false);
  if (dib_size == 12) {  // BITMAPCOREHEADER: 16-bit unsigned sizes
    return in.Result(in.U16(18, false), in.U16(20, false));
  }
  if (dib_size < 16) in.Fail("unknown DIB header size " + std::to_string(dib_size));
  // BITMAPINFOHEADER and later: signed 32-bit sizes; a negative height means top-down rows.
  const int32_t width = static_cast<int32_t>(in.U32(18, false));
  const int32_t height = static_cast<int32_t>(in.U32(22, false));
  return in.Result(width, height < 0 ? -int64_t{height} : height);
}

ImageHeader ReadTiff(const HeaderBytes& in) {
  constexpr uint32_t kImageWidth = 256;
  constexpr uint32_t kImageLength = 257;
  constexpr uint32_t kShort = 3;
  constexpr uint32_t kLong = 4;
  const bool big_endian = in.U8(0) == 'M';
  const size_t ifd = in.U32(4, big_endian);
  const uint32_t entries = in.U16(ifd, big_endian);
  int64_t width = 0;
  int64_t height = 0;
  // Each 12-byte entry: tag (2), type (2), count (4), value (4, left-justified).
  for (uint32_t i = 0; i < entries && (width == 0 || height == 0); ++i) {
    const size_t entry = ifd + 2 + size_t{i} * 12;
    const uint32_t tag = in.U16(entry, big_endian);
    if (tag != kImageWidth && tag != kImageLength) continue;
    const uint32_t type = in.U16(entry + 2, big_endian);
    if ((type != kShort && type != kLong) || in.U32(entry + 4, big_endian) == 0) {
      in.Fail("bad type for tag " + std::to_string(tag));
    }
    const int64_t value =
        type == kShort ? in.U16(entry + 8, big_endian) : in.U32(entry + 8, big_endian);
    (tag == kImageWidth ? width : height) = value;
  }
  return in.Result(width, height);
}

// PNM headers are ASCII: magic, then whitespace- and comment-separated decimal fields.
class PnmFields {
 public:
  explicit PnmFields(const HeaderBytes& in) : in_(in) {}

  int64_t NextNumber() {
    SkipSpaceAndComments();
    int64_t value = 0;
    int digits = 0;
    while (IsDigit(in_.U8(pos_))) {
      if (++digits > 10) in_.Fail("number too long");
      value = value * 10 + (in_.U8(pos_++) - '0');
    }
    if (digits == 0) in_.Fail("expected a number");
    // The number must be delimited: data ending right after it may be a cut-off number.
    if (!IsAsciiSpace(in_.U8(pos_)) && in_.U8(pos_) != '#') in_.Fail("bad delimiter");
    return value;
  }

 private:
  static bool IsDigit(uint8_t c) { return c >= '0' && c <= '9'; }

  void SkipSpaceAndComments() {
    for (;;) {
      const uint8_t c = in_.U8(pos_);
      if (c == '#') {
        while (in_.U8(pos_) != '\n' && in_.U8(pos_) != '\r') ++pos_;
      } else if (IsAsciiSpace(c)) {
        ++pos_;
      } else {
        return;
      }
    }
  }

  const HeaderBytes& in_;
  size_t pos_ = 2;  // after "Pn"
};

ImageHeader ReadPnm(const HeaderBytes& in) {
  const uint8_t after_magic = in.U8(2);
  if (after_magic != '#' && !IsAsciiSpace(after_magic)) in.Fail("no space after the magic");
  PnmFields fields(in);
  const int64_t width = fields.NextNumber();
  const int64_t height = fields.NextNumber();
  return in.Result(width, height);
}

}  // namespace

std::string_view ImageFormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return "JPEG";
    case ImageFormat::kPng:
      return "PNG";
    case ImageFormat::kWebp:
      return "WebP";
    case ImageFormat::kBmp:
      return "BMP";
    case ImageFormat::kTiff:
      return "TIFF";
    case ImageFormat::kPnm:
      return "PNM";
    case ImageFormat::kGif:
      return "GIF";
    case ImageFormat::kUnknown:
      break;
  }
  return "unknown";
}

ImageHeader ReadImageHeader(std::span<const uint8_t> bytes, const std::string& name) {
  if (bytes.empty()) throw Error(ErrorCode::kEmptyFile, name + ": empty file (0 bytes)");
  const ImageFormat format = DetectFormat(bytes);
  const HeaderBytes in(bytes, format, name);
  switch (format) {
    case ImageFormat::kJpeg:
      return ReadJpeg(in);
    case ImageFormat::kPng:
      return ReadPng(in);
    case ImageFormat::kGif:
      return ReadGif(in);
    case ImageFormat::kWebp:
      return ReadWebp(in);
    case ImageFormat::kBmp:
      return ReadBmp(in);
    case ImageFormat::kTiff:
      return ReadTiff(in);
    case ImageFormat::kPnm:
      return ReadPnm(in);
    case ImageFormat::kUnknown:
      break;
  }
  throw Error(ErrorCode::kUnsupportedFormat,
              name + ": not a supported image format (JPEG, PNG, WebP, BMP, TIFF, PNM or GIF)");
}

}  // namespace facetrace
