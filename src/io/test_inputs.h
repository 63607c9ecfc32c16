// Inputs shared by the io tests (header-only, included by *_test.cpp only): a real photo, its
// re-encodings in other formats, file bytes, and capture of the facetrace::Error a call throws.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "support/test_support.h"

namespace facetrace::testing {

inline std::vector<uint8_t> ToBytes(const std::string& text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

inline std::vector<uint8_t> ReadBytes(const std::filesystem::path& path) {
  return ToBytes(ReadFile(path));
}

inline std::vector<uint8_t> DatasetBytes(const std::string& relative) {
  return ReadBytes(DatasetFile(relative));
}

// A real colour face photo scaled to 301x403: odd, non-square sizes catch swapped or rounded
// dimensions, and it is small enough to re-encode in every format quickly.
inline const cv::Mat& SamplePhoto() {
  static const cv::Mat photo = [] {
    const cv::Mat full = cv::imread(DatasetFile("deepface/id_img1/img1.jpg").string());
    cv::Mat small;
    cv::resize(full, small, cv::Size(301, 403), 0, 0, cv::INTER_AREA);
    return small;
  }();
  return photo;
}

inline std::vector<uint8_t> Encode(const cv::Mat& image, const std::string& extension,
                                   const std::vector<int>& params = {}) {
  std::vector<uint8_t> bytes;
  if (!cv::imencode(extension, image, bytes, params)) ADD_FAILURE() << "imencode " << extension;
  return bytes;
}

inline std::vector<uint8_t> Prefix(const std::vector<uint8_t>& bytes, size_t count) {
  return std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(count));
}

// Hand-built headers: just enough bytes for ReadImageHeader, with any size, including sizes no
// encoder would produce.
namespace headers {

// Big-endian / little-endian integers as byte strings.
inline std::string Be16(uint32_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v)}; }
inline std::string Be32(uint32_t v) { return Be16(v >> 16) + Be16(v & 0xFFFF); }
inline std::string Le16(uint32_t v) { return {static_cast<char>(v), static_cast<char>(v >> 8)}; }
inline std::string Le32(uint32_t v) { return Le16(v & 0xFFFF) + Le16(v >> 16); }

inline std::string PngHeader(uint32_t width, uint32_t height) {
  return std::string("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16) + Be32(width) + Be32(height) +
         std::string("\x08\x02\0\0\0\0\0\0\0", 9);
}

inline std::string GifHeader(uint32_t width, uint32_t height) {
  return "GIF89a" + Le16(width) + Le16(height) + std::string("\0\0\0", 3);
}

inline std::string BmpHeader(int32_t width, int32_t height) {
  return "BM" + std::string(12, '\0') + Le32(40) + Le32(static_cast<uint32_t>(width)) +
         Le32(static_cast<uint32_t>(height)) + Le16(1) + Le16(24) + std::string(24, '\0');
}

// SOI, a JFIF APP0, then a baseline frame header (SOF0) with three components.
inline std::string JpegHeader(uint32_t width, uint32_t height) {
  return std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 20) + "\xFF\xC0" +
         Be16(17) + "\x08" + Be16(height) + Be16(width) +
         std::string("\x03\x01\x22\0\x02\x11\x01\x03\x11\x01", 10);
}

// A TIFF with one IFD: an unrelated tag first, then width and height with the given types.
inline std::string TiffHeader(bool big_endian, uint32_t width, uint16_t width_type, uint32_t height,
                              uint16_t height_type) {
  auto u16 = [&](uint32_t v) { return big_endian ? Be16(v) : Le16(v); };
  auto u32 = [&](uint32_t v) { return big_endian ? Be32(v) : Le32(v); };
  // A SHORT value is left-justified in the 4-byte field.
  auto value = [&](uint32_t v, uint16_t type) { return type == 3 ? u16(v) + u16(0) : u32(v); };
  return std::string(big_endian ? "MM\0*" : "II*\0", 4) + u32(8) + u16(3) + u16(254) + u16(4) +
         u32(1) + u32(0) +  // NewSubfileType
         u16(256) + u16(width_type) + u32(1) + value(width, width_type) + u16(257) +
         u16(height_type) + u32(1) + value(height, height_type) + u32(0);
}

// Extended WebP: only the VP8X chunk, whose canvas size is what decoders allocate.
inline std::string VP8XHeader(uint32_t width, uint32_t height) {
  const std::string canvas =
      Le16((width - 1) & 0xFFFF) + std::string(1, static_cast<char>((width - 1) >> 16)) +
      Le16((height - 1) & 0xFFFF) + std::string(1, static_cast<char>((height - 1) >> 16));
  return "RIFF" + Le32(100) + "WEBPVP8X" + Le32(10) + std::string(4, '\0') + canvas;
}

}  // namespace headers
}  // namespace facetrace::testing
