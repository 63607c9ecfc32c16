#include "io/image_header.h"

#include <algorithm>
#include <climits>
#include <random>

#include <gtest/gtest.h>

#include "io/test_inputs.h"

namespace facetrace {
namespace {

using testing::DatasetBytes;
using testing::Encode;
using testing::Prefix;
using testing::SamplePhoto;
using testing::ThrownError;
using testing::ToBytes;
using testing::headers::BmpHeader;
using testing::headers::GifHeader;
using testing::headers::JpegHeader;
using testing::headers::Le16;
using testing::headers::Le32;
using testing::headers::PngHeader;
using testing::headers::TiffHeader;
using testing::headers::VP8XHeader;

ImageHeader Header(const std::vector<uint8_t>& bytes) { return ReadImageHeader(bytes, "x.img"); }

void ExpectHeader(const std::vector<uint8_t>& bytes, ImageFormat format, int64_t width,
                  int64_t height) {
  const ImageHeader header = Header(bytes);
  EXPECT_EQ(ImageFormatName(header.format), ImageFormatName(format));
  EXPECT_EQ(header.width, width);
  EXPECT_EQ(header.height, height);
  EXPECT_EQ(header.pixels(), width * height);
}

ErrorCode CodeOf(const std::vector<uint8_t>& bytes) {
  return ThrownError([&] { Header(bytes); }).code();
}

cv::Mat SampleGrey() {
  cv::Mat grey;
  cv::cvtColor(SamplePhoto(), grey, cv::COLOR_BGR2GRAY);
  return grey;
}

TEST(ImageHeaderTest, ReadsEveryFormatOpenCvWrites) {
  const cv::Mat& photo = SamplePhoto();
  ExpectHeader(Encode(photo, ".jpg"), ImageFormat::kJpeg, 301, 403);
  ExpectHeader(Encode(photo, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1}), ImageFormat::kJpeg, 301,
               403);
  ExpectHeader(Encode(photo, ".png"), ImageFormat::kPng, 301, 403);
  ExpectHeader(Encode(photo, ".webp", {cv::IMWRITE_WEBP_QUALITY, 80}), ImageFormat::kWebp, 301,
               403);
  ExpectHeader(Encode(photo, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}), ImageFormat::kWebp, 301,
               403);  // lossless: a VP8L chunk
  ExpectHeader(Encode(photo, ".bmp"), ImageFormat::kBmp, 301, 403);
  ExpectHeader(Encode(photo, ".tiff"), ImageFormat::kTiff, 301, 403);
  ExpectHeader(Encode(photo, ".ppm"), ImageFormat::kPnm, 301, 403);
  ExpectHeader(Encode(SampleGrey(), ".pgm"), ImageFormat::kPnm, 301, 403);
  ExpectHeader(Encode(SampleGrey(), ".pbm"), ImageFormat::kPnm, 301, 403);
  ExpectHeader(Encode(SampleGrey(), ".pgm", {cv::IMWRITE_PXM_BINARY, 0}), ImageFormat::kPnm, 301,
               403);  // ASCII P2
}

TEST(ImageHeaderTest, ReadsRealDatasetFiles) {
  // Sizes as reported by file(1).
  ExpectHeader(DatasetBytes("face_recognition/alex_lacamoire/alex_lacamoire1.jpg"),
               ImageFormat::kJpeg, 1548, 1024);  // Exif APP1 before the frame header
  ExpectHeader(DatasetBytes("face_recognition/obama/obama1.jpg"), ImageFormat::kJpeg, 1480,
               832);  // progressive
  ExpectHeader(DatasetBytes("face_recognition/lin_manuel_miranda/lin-manuel-miranda.png"),
               ImageFormat::kPng, 704, 612);
  ExpectHeader(DatasetBytes("faceapijs_bbt/amy/amy1.png"), ImageFormat::kPng, 150, 150);
  ExpectHeader(DatasetBytes("yalefaces/subject01/subject01.normal.gif"), ImageFormat::kGif, 320,
               243);
  ExpectHeader(DatasetBytes("orl_att/s1/1.pgm"), ImageFormat::kPnm, 92, 112);
}

TEST(ImageHeaderTest, ReadsHandBuiltHeaders) {
  ExpectHeader(ToBytes(PngHeader(30000, 20000)), ImageFormat::kPng, 30000, 20000);
  ExpectHeader(ToBytes(GifHeader(65535, 2)), ImageFormat::kGif, 65535, 2);
  ExpectHeader(ToBytes(JpegHeader(1234, 567)), ImageFormat::kJpeg, 1234, 567);
  ExpectHeader(ToBytes(VP8XHeader(16384 * 3, 7)), ImageFormat::kWebp, 16384 * 3, 7);
  ExpectHeader(ToBytes(BmpHeader(640, -480)), ImageFormat::kBmp, 640, 480);  // top-down rows
  ExpectHeader(
      ToBytes("BM" + std::string(12, '\0') + Le32(12) + Le16(320) + Le16(200) + Le16(1) + Le16(24)),
      ImageFormat::kBmp, 320, 200);  // OS/2 BITMAPCOREHEADER
}

TEST(ImageHeaderTest, ReadsTiffShortAndLongTagsInBothByteOrders) {
  ExpectHeader(ToBytes(TiffHeader(false, 640, 3, 480, 4)), ImageFormat::kTiff, 640, 480);
  ExpectHeader(ToBytes(TiffHeader(true, 640, 3, 480, 4)), ImageFormat::kTiff, 640, 480);
  ExpectHeader(ToBytes(TiffHeader(true, 70000, 4, 9, 3)), ImageFormat::kTiff, 70000, 9);
  EXPECT_EQ(CodeOf(ToBytes(TiffHeader(false, 640, 2, 480, 4))), ErrorCode::kCorruptImage)
      << "ASCII is not a valid type for ImageWidth";
}

TEST(ImageHeaderTest, ReadsPnmHeadersWithComments) {
  ExpectHeader(ToBytes("P6\n# written by hand\n# twice\n 640\t# inline comment\n480\n255\n"),
               ImageFormat::kPnm, 640, 480);
  ExpectHeader(ToBytes("P1 3 2\n0 1 0\n1 0 1\n"), ImageFormat::kPnm, 3, 2);
  ExpectHeader(ToBytes("P5\r\n12\r\n34\r\n255\r\n"), ImageFormat::kPnm, 12, 34);
  EXPECT_EQ(CodeOf(ToBytes("P6 640 480")), ErrorCode::kCorruptImage) << "the height may be cut off";
  EXPECT_EQ(CodeOf(ToBytes("P6 640 x80\n")), ErrorCode::kCorruptImage);
  EXPECT_EQ(CodeOf(ToBytes("P6 99999999999 1\n")), ErrorCode::kCorruptImage);
  EXPECT_EQ(CodeOf(ToBytes("P6 # comment never ends")), ErrorCode::kCorruptImage);
}

// Every prefix shorter than the header must be refused as corrupt (not read out of bounds,
// not parsed as garbage); the complete header must parse.
void ExpectEveryShortPrefixCorrupt(const std::vector<uint8_t>& bytes, size_t magic_size,
                                   size_t header_size) {
  ASSERT_LE(header_size, bytes.size());
  for (size_t size = 1; size < header_size; ++size) {
    const ErrorCode expected =
        size < magic_size ? ErrorCode::kUnsupportedFormat : ErrorCode::kCorruptImage;
    EXPECT_EQ(CodeOf(Prefix(bytes, size)), expected) << "prefix of " << size << " bytes";
  }
  EXPECT_NO_THROW(Header(Prefix(bytes, header_size)));
}

TEST(ImageHeaderTest, TruncatedHeadersAreCorrupt) {
  const cv::Mat& photo = SamplePhoto();
  ExpectEveryShortPrefixCorrupt(ToBytes(PngHeader(10, 10)), 8, 24);
  ExpectEveryShortPrefixCorrupt(ToBytes(GifHeader(10, 10)), 6, 10);
  ExpectEveryShortPrefixCorrupt(ToBytes(BmpHeader(10, 10)), 2, 26);
  ExpectEveryShortPrefixCorrupt(ToBytes(TiffHeader(true, 10, 3, 10, 4)), 4, 46);
  ExpectEveryShortPrefixCorrupt(ToBytes(VP8XHeader(10, 10)), 12, 30);
  ExpectEveryShortPrefixCorrupt(ToBytes("P5 10 10\n255\n"), 2, 9);
  ExpectEveryShortPrefixCorrupt(Encode(photo, ".webp", {cv::IMWRITE_WEBP_QUALITY, 80}), 12, 30);
  ExpectEveryShortPrefixCorrupt(Encode(photo, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}), 12, 25);

  // A JPEG's header ends with its frame header, after however many segments precede it. In this
  // file that is SOF0 at offset 21296 (length 17), after 21 KB of Exif, IPTC and ICC segments;
  // the Exif thumbnail has its own SOF0 at 1432, which must not be taken for the image's.
  const std::vector<uint8_t> jpeg =
      DatasetBytes("face_recognition/alex_lacamoire/alex_lacamoire1.jpg");
  const size_t jpeg_header = 21296 + 2 + 17;
  ASSERT_EQ(jpeg[1432 + 1], 0xC0);
  ASSERT_EQ(jpeg[21296 + 1], 0xC0);
  ExpectEveryShortPrefixCorrupt(jpeg, 3, jpeg_header);
}

TEST(ImageHeaderTest, ZeroOrImpossibleSizesAreCorrupt) {
  EXPECT_EQ(CodeOf(ToBytes(PngHeader(0, 10))), ErrorCode::kCorruptImage);
  EXPECT_EQ(CodeOf(ToBytes(PngHeader(10, 0x80000000))), ErrorCode::kCorruptImage);
  EXPECT_EQ(CodeOf(ToBytes(GifHeader(10, 0))), ErrorCode::kCorruptImage);
  EXPECT_EQ(CodeOf(ToBytes(BmpHeader(0, 10))), ErrorCode::kCorruptImage);
  EXPECT_EQ(CodeOf(ToBytes(BmpHeader(-5, 10))), ErrorCode::kCorruptImage);
  EXPECT_EQ(CodeOf(ToBytes(JpegHeader(10, 0))), ErrorCode::kCorruptImage);
  EXPECT_EQ(CodeOf(ToBytes("P6 0 10\n255\n")), ErrorCode::kCorruptImage);
  // 2^32-1 squared overflows int64: must be refused, not wrapped into a small pixel count.
  EXPECT_EQ(CodeOf(ToBytes(TiffHeader(false, 0xFFFFFFFF, 4, 0xFFFFFFFF, 4))),
            ErrorCode::kCorruptImage);
  const Error error = ThrownError([] { Header(ToBytes(GifHeader(0, 7))); });
  EXPECT_NE(std::string(error.what()).find("x.img"), std::string::npos) << error.what();
  EXPECT_NE(std::string(error.what()).find("GIF"), std::string::npos) << error.what();
}

TEST(ImageHeaderTest, JpegWithoutFrameHeaderIsCorrupt) {
  // SOI then straight to a scan: no size anywhere.
  EXPECT_EQ(CodeOf(ToBytes(std::string("\xFF\xD8\xFF\xDA\x00\x02\x12\x34\xFF\xD9", 10))),
            ErrorCode::kCorruptImage);
  // A segment length pointing past the end.
  EXPECT_EQ(CodeOf(ToBytes(std::string("\xFF\xD8\xFF\xE1\xFF\xFF"
                                       "abc",
                                       9))),
            ErrorCode::kCorruptImage);
  // Something other than a marker where one must be.
  EXPECT_EQ(CodeOf(ToBytes(std::string("\xFF\xD8\xFF\xE0\x00\x02"
                                       "junk",
                                       10))),
            ErrorCode::kCorruptImage);
}

TEST(ImageHeaderTest, UnknownBytesAreUnsupported) {
  std::mt19937 random(42);
  std::string noise(4096, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  noise[0] = 'Z';  // no magic starts with Z
  EXPECT_EQ(CodeOf(ToBytes(noise)), ErrorCode::kUnsupportedFormat);
  EXPECT_EQ(CodeOf(ToBytes("this is a text file, not a photo\n")), ErrorCode::kUnsupportedFormat);
  EXPECT_EQ(CodeOf(ToBytes("RIFF\x10\0\0\0WAVEfmt ")), ErrorCode::kUnsupportedFormat);
  EXPECT_EQ(CodeOf(ToBytes("P7\nWIDTH 4\n")), ErrorCode::kUnsupportedFormat);  // PAM
  const Error error = ThrownError([] { Header(ToBytes("hello")); });
  EXPECT_EQ(error.code(), ErrorCode::kUnsupportedFormat);
  EXPECT_NE(std::string(error.what()).find("x.img"), std::string::npos) << error.what();
}

TEST(ImageHeaderTest, EmptyInputIsEmptyFile) {
  const Error error = ThrownError([] { Header({}); });
  EXPECT_EQ(error.code(), ErrorCode::kEmptyFile);
  EXPECT_NE(std::string(error.what()).find("x.img"), std::string::npos);
  EXPECT_NE(std::string(error.what()).find("empty"), std::string::npos);
}

// Random corruption of valid headers: the parser must either return a sane size or throw
// facetrace::Error, never crash or read out of bounds (run under ASan to see the latter).
TEST(ImageHeaderTest, MutatedHeadersNeverCrash) {
  const cv::Mat& photo = SamplePhoto();
  const std::vector<std::vector<uint8_t>> seeds = {
      Prefix(Encode(photo, ".jpg"), 700),
      ToBytes(PngHeader(10, 10)),
      ToBytes(GifHeader(10, 10)),
      ToBytes(BmpHeader(10, 10)),
      ToBytes(TiffHeader(true, 10, 3, 10, 4)),
      ToBytes(TiffHeader(false, 10, 4, 10, 3)),
      ToBytes(VP8XHeader(10, 10)),
      Prefix(Encode(photo, ".webp", {cv::IMWRITE_WEBP_QUALITY, 80}), 64),
      Prefix(Encode(photo, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}), 64),
      ToBytes("P6\n# c\n640 480\n255\n")};
  std::mt19937 random(7);
  int parsed = 0;
  for (const auto& seed : seeds) {
    for (int round = 0; round < 2000; ++round) {
      std::vector<uint8_t> bytes = seed;
      const int flips = 1 + static_cast<int>(random() % 4);
      for (int i = 0; i < flips; ++i) {
        // Keep the magic intact half the time so the format parsers get exercised.
        const size_t lowest = round % 2 == 0 ? std::min<size_t>(12, bytes.size() - 1) : 0;
        const size_t at = lowest + random() % (bytes.size() - lowest);
        bytes[at] = static_cast<uint8_t>(random());
      }
      if (random() % 3 == 0) bytes.resize(random() % bytes.size());
      try {
        const ImageHeader header = Header(bytes);
        EXPECT_GT(header.width, 0);
        EXPECT_GT(header.height, 0);
        EXPECT_LE(header.width, int64_t{INT32_MAX});
        EXPECT_LE(header.height, int64_t{INT32_MAX});
        ++parsed;
      } catch (const Error&) {
      }
    }
  }
  EXPECT_GT(parsed, 1000) << "mutations should often leave a parseable header";
}

TEST(ImageHeaderTest, FormatNames) {
  EXPECT_EQ(ImageFormatName(ImageFormat::kJpeg), "JPEG");
  EXPECT_EQ(ImageFormatName(ImageFormat::kWebp), "WebP");
  EXPECT_EQ(ImageFormatName(ImageFormat::kPnm), "PNM");
  EXPECT_EQ(ImageFormatName(ImageFormat::kUnknown), "unknown");
}

}  // namespace
}  // namespace facetrace
