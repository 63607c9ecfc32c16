#include "io/truncation.h"

#include <gtest/gtest.h>

#include "io/jpeg_segments.h"
#include "io/test_inputs.h"

namespace facetrace {
namespace {

using testing::DatasetBytes;
using testing::Encode;
using testing::Prefix;
using testing::SamplePhoto;

std::vector<uint8_t> Concat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(TruncationTest, CompleteRealFilesAreNotTruncated) {
  for (const char* file : {"deepface/id_img1/img1.jpg", "face_recognition/obama/obama1.jpg",
                           "face_recognition/alex_lacamoire/alex_lacamoire1.jpg",
                           "face_recognition/obama/obama2.jpg"}) {
    EXPECT_FALSE(IsTruncated(DatasetBytes(file), ImageFormat::kJpeg)) << file;
  }
  for (const char* file : {"faceapijs_bbt/amy/amy1.png",
                           "face_recognition/lin_manuel_miranda/lin-manuel-miranda.png"}) {
    EXPECT_FALSE(IsTruncated(DatasetBytes(file), ImageFormat::kPng)) << file;
  }
}

TEST(TruncationTest, EveryCutOfAJpegIsTruncated) {
  cv::Mat small;
  cv::resize(SamplePhoto(), small, cv::Size(40, 30));
  for (const bool progressive : {false, true}) {
    const std::vector<uint8_t> jpeg =
        Encode(small, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, progressive ? 1 : 0});
    ASSERT_FALSE(IsTruncated(jpeg, ImageFormat::kJpeg));
    for (size_t size = 0; size < jpeg.size(); ++size) {
      EXPECT_TRUE(IsTruncated(Prefix(jpeg, size), ImageFormat::kJpeg))
          << "cut at " << size << " of " << jpeg.size() << (progressive ? " (progressive)" : "");
    }
  }
}

TEST(TruncationTest, EveryCutOfAPngIsTruncated) {
  cv::Mat small;
  cv::resize(SamplePhoto(), small, cv::Size(40, 30));
  const std::vector<uint8_t> png = Encode(small, ".png");
  ASSERT_FALSE(IsTruncated(png, ImageFormat::kPng));
  for (size_t size = 0; size < png.size(); ++size) {
    EXPECT_TRUE(IsTruncated(Prefix(png, size), ImageFormat::kPng)) << "cut at " << size;
  }
}

TEST(TruncationTest, DataAfterTheEndMarkerIsAllowed) {
  // Phones append trailers (and whole videos) after EOI; encoders sometimes pad PNGs.
  const std::vector<uint8_t> trailer(5000, 0x42);
  EXPECT_FALSE(IsTruncated(Concat(Encode(SamplePhoto(), ".jpg"), trailer), ImageFormat::kJpeg));
  EXPECT_FALSE(IsTruncated(Concat(Encode(SamplePhoto(), ".png"), trailer), ImageFormat::kPng));
}

TEST(TruncationTest, AnEndMarkerInsideAMetadataSegmentDoesNotCount) {
  // An Exif thumbnail is a whole JPEG, EOI included, inside APP1: a naive search for FF D9
  // would call a half file complete.
  const std::vector<uint8_t> jpeg = Encode(SamplePhoto(), ".jpg");
  const std::vector<uint8_t> thumbnail = Encode(SamplePhoto()(cv::Rect(0, 0, 16, 16)), ".jpg");
  std::vector<uint8_t> app1 = {0xFF, 0xE1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
  app1.insert(app1.end(), thumbnail.begin(), thumbnail.end());
  app1[2] = static_cast<uint8_t>((app1.size() - 2) >> 8);
  app1[3] = static_cast<uint8_t>(app1.size() - 2);
  std::vector<uint8_t> with_thumbnail = Concat(Prefix(jpeg, 2), app1);
  with_thumbnail.insert(with_thumbnail.end(), jpeg.begin() + 2, jpeg.end());
  ASSERT_FALSE(IsTruncated(with_thumbnail, ImageFormat::kJpeg));
  EXPECT_TRUE(IsTruncated(Prefix(with_thumbnail, with_thumbnail.size() / 2), ImageFormat::kJpeg));
}

TEST(TruncationTest, OtherFormatsAreLeftToTheirDecoders) {
  const std::vector<uint8_t> bmp = Encode(SamplePhoto(), ".bmp");
  EXPECT_FALSE(IsTruncated(Prefix(bmp, bmp.size() / 2), ImageFormat::kBmp));
}

TEST(JpegSegmentReaderTest, WalksSegmentsInOrderAndSkipsScanData) {
  const std::vector<uint8_t> jpeg = Encode(SamplePhoto(), ".jpg");
  JpegSegmentReader reader(jpeg);
  std::vector<uint8_t> markers;
  while (const auto segment = reader.Next()) markers.push_back(segment->marker);
  // OpenCV's baseline JPEG: APP0 (JFIF), DQT x2, SOF0, DHT x4, SOS, EOI.
  const std::vector<uint8_t> expected = {0xE0, 0xDB, 0xDB, 0xC0, 0xC4,
                                         0xC4, 0xC4, 0xC4, 0xDA, 0xD9};
  EXPECT_EQ(markers, expected);
}

TEST(JpegSegmentReaderTest, FrameMarkers) {
  EXPECT_TRUE(IsJpegFrameMarker(0xC0));
  EXPECT_TRUE(IsJpegFrameMarker(0xC2));  // progressive
  EXPECT_TRUE(IsJpegFrameMarker(0xCF));
  EXPECT_FALSE(IsJpegFrameMarker(0xC4));  // DHT
  EXPECT_FALSE(IsJpegFrameMarker(0xC8));  // JPG
  EXPECT_FALSE(IsJpegFrameMarker(0xCC));  // DAC
  EXPECT_FALSE(IsJpegFrameMarker(0xDA));
}

}  // namespace
}  // namespace facetrace
