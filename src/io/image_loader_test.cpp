#include "io/image_loader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <random>

#include <gtest/gtest.h>

#include "io/sha256.h"
#include "io/test_inputs.h"

namespace facetrace {
namespace {

namespace fs = std::filesystem;
using testing::DatasetBytes;
using testing::DatasetFile;
using testing::Encode;
using testing::Prefix;
using testing::SamplePhoto;
using testing::ScratchDir;
using testing::ThrownError;
using testing::ToBytes;
using testing::WriteFile;
using testing::headers::BmpHeader;
using testing::headers::GifHeader;
using testing::headers::JpegHeader;
using testing::headers::PngHeader;
using testing::headers::TiffHeader;
using testing::headers::VP8XHeader;

LoadedImage Decode(const std::vector<uint8_t>& bytes, const ImageLoadOptions& options = {}) {
  return DecodeImage(bytes, "photo.img", options);
}

bool Contains(const Error& error, const std::string& text) {
  return std::string(error.what()).find(text) != std::string::npos;
}

double MeanAbsDiff(const cv::Mat& a, const cv::Mat& b) {
  return cv::norm(a, b, cv::NORM_L1) / static_cast<double>(a.total() * a.channels());
}

cv::Mat Grey(const cv::Mat& bgr) {
  cv::Mat grey;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  return grey;
}

cv::Mat GreyAsBgr(const cv::Mat& grey) {
  cv::Mat bgr;
  cv::cvtColor(grey, bgr, cv::COLOR_GRAY2BGR);
  return bgr;
}

void ExpectDecodedLike(const std::vector<uint8_t>& bytes, ImageFormat format, const cv::Mat& want,
                       double max_mean_diff, bool grey) {
  SCOPED_TRACE(ImageFormatName(format));
  const LoadedImage image = Decode(bytes);
  EXPECT_EQ(ImageFormatName(image.header.format), ImageFormatName(format));
  ASSERT_EQ(image.bgr.type(), CV_8UC3);
  EXPECT_EQ(image.bgr.cols, image.header.width);
  EXPECT_EQ(image.bgr.rows, image.header.height);
  ASSERT_EQ(image.bgr.size(), want.size());
  EXPECT_LE(MeanAbsDiff(image.bgr, want), max_mean_diff);
  EXPECT_EQ(image.was_grey, grey);
  EXPECT_EQ(image.sha256, Sha256Hex(bytes));
}

TEST(ImageLoaderTest, DecodesColourFormats) {
  const cv::Mat& photo = SamplePhoto();
  // Lossless formats round-trip exactly; lossy ones stay close.
  ExpectDecodedLike(Encode(photo, ".png"), ImageFormat::kPng, photo, 0, false);
  ExpectDecodedLike(Encode(photo, ".bmp"), ImageFormat::kBmp, photo, 0, false);
  ExpectDecodedLike(Encode(photo, ".tiff"), ImageFormat::kTiff, photo, 0, false);
  ExpectDecodedLike(Encode(photo, ".ppm"), ImageFormat::kPnm, photo, 0, false);
  ExpectDecodedLike(Encode(photo, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}), ImageFormat::kWebp,
                    photo, 0, false);
  ExpectDecodedLike(Encode(photo, ".webp", {cv::IMWRITE_WEBP_QUALITY, 90}), ImageFormat::kWebp,
                    photo, 4, false);
  ExpectDecodedLike(Encode(photo, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95}), ImageFormat::kJpeg,
                    photo, 3, false);
  ExpectDecodedLike(Encode(photo, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1}), ImageFormat::kJpeg,
                    photo, 4, false);
}

TEST(ImageLoaderTest, GreyInputsBecomeBgrAndAreFlagged) {
  const cv::Mat grey = Grey(SamplePhoto());
  const cv::Mat want = GreyAsBgr(grey);
  ExpectDecodedLike(Encode(grey, ".png"), ImageFormat::kPng, want, 0, true);
  ExpectDecodedLike(Encode(grey, ".pgm"), ImageFormat::kPnm, want, 0, true);
  ExpectDecodedLike(Encode(grey, ".pgm", {cv::IMWRITE_PXM_BINARY, 0}), ImageFormat::kPnm, want, 0,
                    true);
  ExpectDecodedLike(Encode(grey, ".tiff"), ImageFormat::kTiff, want, 0, true);
  ExpectDecodedLike(Encode(grey, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95}), ImageFormat::kJpeg, want,
                    3, true);
}

TEST(ImageLoaderTest, SixteenBitInputsAreScaledTo8Bit) {
  cv::Mat photo16;
  SamplePhoto().convertTo(photo16, CV_16U, 257.0);  // 255 -> 65535
  ExpectDecodedLike(Encode(photo16, ".png"), ImageFormat::kPng, SamplePhoto(), 0, false);
  ExpectDecodedLike(Encode(photo16, ".tiff"), ImageFormat::kTiff, SamplePhoto(), 0, false);
  cv::Mat grey16;
  Grey(SamplePhoto()).convertTo(grey16, CV_16U, 257.0);
  ExpectDecodedLike(Encode(grey16, ".pgm"), ImageFormat::kPnm, GreyAsBgr(Grey(SamplePhoto())), 0,
                    true);
}

TEST(ImageLoaderTest, FloatTiffIsStretchedTo8Bit) {
  cv::Mat ramp(4, 256, CV_32FC1);
  for (int x = 0; x < 256; ++x) ramp.col(x).setTo(x / 1000.0f);  // values far below 1.0
  const LoadedImage image = Decode(Encode(ramp, ".tiff"));
  ASSERT_EQ(image.bgr.type(), CV_8UC3);
  EXPECT_EQ(image.bgr.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 0));
  EXPECT_EQ(image.bgr.at<cv::Vec3b>(3, 255), cv::Vec3b(255, 255, 255));
  EXPECT_EQ(image.bgr.at<cv::Vec3b>(1, 128)[0], 128);
}

TEST(ImageLoaderTest, AlphaIsDropped) {
  cv::Mat bgra;
  cv::cvtColor(SamplePhoto(), bgra, cv::COLOR_BGR2BGRA);
  // Alpha varies but is never 0: lossless WebP may rewrite the colour of invisible pixels.
  for (int y = 0; y < bgra.rows; ++y) {
    for (int x = 0; x < bgra.cols; ++x) bgra.at<cv::Vec4b>(y, x)[3] = 1 + (x + y) % 255;
  }
  ExpectDecodedLike(Encode(bgra, ".png"), ImageFormat::kPng, SamplePhoto(), 0, false);
  ExpectDecodedLike(Encode(bgra, ".tiff"), ImageFormat::kTiff, SamplePhoto(), 0, false);
  ExpectDecodedLike(Encode(bgra, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}), ImageFormat::kWebp,
                    SamplePhoto(), 0, false);
}

TEST(ImageLoaderTest, DecodesRealDatasetFiles) {
  struct Case {
    const char* file;
    int width;
    int height;
    bool grey;
  };
  for (const Case& c :
       {Case{"deepface/id_img1/img1.jpg", 1382, 1868, false},
        Case{"face_recognition/obama/obama1.jpg", 1480, 832, false},
        Case{"face_recognition/lin_manuel_miranda/lin-manuel-miranda.png", 704, 612, false},
        Case{"faceapijs_bbt/amy/amy1.png", 150, 150, true}, Case{"orl_att/s1/1.pgm", 92, 112, true},
        Case{"yalefaces/subject01/subject01.normal.gif", 320, 243, true}}) {
    const fs::path path = DatasetFile(c.file);
    const LoadedImage image = LoadImage(path);
    EXPECT_EQ(image.bgr.type(), CV_8UC3) << c.file;
    EXPECT_EQ(image.bgr.size(), cv::Size(c.width, c.height)) << c.file;
    EXPECT_EQ(image.header.width, c.width) << c.file;
    EXPECT_EQ(image.header.height, c.height) << c.file;
    EXPECT_EQ(image.was_grey, c.grey) << c.file;
    EXPECT_EQ(image.sha256, Sha256Hex(testing::ReadBytes(path))) << c.file;
    EXPECT_EQ(image.sha256.size(), 64u);
    cv::Scalar mean, stddev;
    cv::meanStdDev(image.bgr, mean, stddev);
    EXPECT_GT(stddev[0], 20) << c.file << " decoded to a nearly flat image";
  }
}

// The JPEG with an APP1 Exif segment inserted after SOI: a little-endian TIFF structure whose
// single IFD entry is Orientation (0x0112, SHORT, count 1).
std::vector<uint8_t> WithExifOrientation(const std::vector<uint8_t>& jpeg, uint16_t orientation) {
  const std::vector<uint8_t> tiff = {'I',
                                     'I',
                                     0x2A,
                                     0,
                                     8,
                                     0,
                                     0,
                                     0,  // header, IFD at 8
                                     1,
                                     0,  // one entry
                                     0x12,
                                     0x01,
                                     3,
                                     0,
                                     1,
                                     0,
                                     0,
                                     0,  // Orientation, SHORT, 1
                                     static_cast<uint8_t>(orientation),
                                     0,
                                     0,
                                     0,
                                     0,
                                     0,
                                     0,
                                     0};  // no next IFD
  std::vector<uint8_t> app1 = {0xFF, 0xE1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
  app1.insert(app1.end(), tiff.begin(), tiff.end());
  const size_t length = app1.size() - 2;
  app1[2] = static_cast<uint8_t>(length >> 8);
  app1[3] = static_cast<uint8_t>(length);
  std::vector<uint8_t> out(jpeg.begin(), jpeg.begin() + 2);
  out.insert(out.end(), app1.begin(), app1.end());
  out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
  return out;
}

TEST(ImageLoaderTest, AppliesExifOrientation) {
  const std::vector<uint8_t> jpeg = Encode(SamplePhoto(), ".jpg");
  const cv::Mat upright = Decode(jpeg).bgr;
  ASSERT_EQ(upright.size(), cv::Size(301, 403));
  struct Case {
    uint16_t orientation;
    int rotation;  // cv::RotateFlags, or -1 for none
  };
  for (const Case& c : {Case{1, -1}, Case{3, cv::ROTATE_180}, Case{6, cv::ROTATE_90_CLOCKWISE},
                        Case{8, cv::ROTATE_90_COUNTERCLOCKWISE}}) {
    const LoadedImage image = Decode(WithExifOrientation(jpeg, c.orientation));
    cv::Mat want;  // not a shallow copy of `upright`: rotating into it would overwrite `upright`
    if (c.rotation >= 0) {
      cv::rotate(upright, want, c.rotation);
    } else {
      want = upright;
    }
    ASSERT_EQ(image.bgr.size(), want.size()) << "orientation " << c.orientation;
    EXPECT_LE(MeanAbsDiff(image.bgr, want), 0.5) << "orientation " << c.orientation;
    // The header describes the file as stored, before orientation.
    EXPECT_EQ(image.header.width, 301);
    EXPECT_EQ(image.header.height, 403);
  }
}

TEST(ImageLoaderTest, TruncatedFilesAreCorrupt) {
  ScratchDir dir;
  for (const char* file : {"deepface/id_img1/img1.jpg", "face_recognition/obama/obama1.jpg",
                           "face_recognition/lin_manuel_miranda/lin-manuel-miranda.png"}) {
    const std::vector<uint8_t> bytes = DatasetBytes(file);
    const fs::path cut = dir / ("half-" + DatasetFile(file).filename().string());
    WriteFile(cut, std::string(bytes.begin(), bytes.begin() + bytes.size() / 2));
    const Error error = ThrownError([&] { LoadImage(cut); });
    EXPECT_EQ(error.code(), ErrorCode::kCorruptImage) << file;
    EXPECT_TRUE(Contains(error, cut.filename().string())) << error.what();
    EXPECT_TRUE(Contains(error, "truncated")) << error.what();
  }
  // Formats without an end marker are caught by their decoders.
  for (const char* extension : {".webp", ".bmp", ".tiff", ".ppm"}) {
    const std::vector<uint8_t> bytes = Encode(SamplePhoto(), extension);
    const Error error = ThrownError([&] { Decode(Prefix(bytes, bytes.size() / 2)); });
    EXPECT_EQ(error.code(), ErrorCode::kCorruptImage) << extension;
    EXPECT_TRUE(Contains(error, "photo.img")) << error.what();
  }
  const std::vector<uint8_t> gif = DatasetBytes("yalefaces/subject02/subject02.normal.gif");
  EXPECT_EQ(ThrownError([&] { Decode(Prefix(gif, gif.size() / 2)); }).code(),
            ErrorCode::kCorruptImage);
}

TEST(ImageLoaderTest, DamagedDataWithIntactStructureIsCorrupt) {
  // Valid signature, IHDR and IEND, but the compressed data is noise.
  std::vector<uint8_t> png = Encode(SamplePhoto(), ".png");
  std::mt19937 random(3);
  for (size_t i = 100; i < png.size() - 100; ++i) png[i] = static_cast<uint8_t>(random());
  const Error error = ThrownError([&] { Decode(png); });
  EXPECT_EQ(error.code(), ErrorCode::kCorruptImage);
  EXPECT_TRUE(Contains(error, "photo.img")) << error.what();
}

TEST(ImageLoaderTest, NonImagesAreUnsupported) {
  std::mt19937 random(11);
  std::vector<uint8_t> noise(10000);
  for (uint8_t& b : noise) b = static_cast<uint8_t>(random());
  noise[0] = 0x00;
  EXPECT_EQ(ThrownError([&] { Decode(noise); }).code(), ErrorCode::kUnsupportedFormat);
  ScratchDir dir;
  WriteFile(dir / "notes.jpg", "this is a text file, not a photo\n");
  const Error error = ThrownError([&] { LoadImage(dir / "notes.jpg"); });
  EXPECT_EQ(error.code(), ErrorCode::kUnsupportedFormat);
  EXPECT_TRUE(Contains(error, "notes.jpg")) << error.what();
}

// Headers that claim 30000x30000 with no pixel data behind them: refused from the header, in
// well under the time (and memory) an attempt to decode would take.
TEST(ImageLoaderTest, HugeImagesAreRefusedFromTheHeader) {
  for (const std::string& bytes :
       {PngHeader(30000, 30000), JpegHeader(30000, 30000), GifHeader(30000, 30000),
        BmpHeader(30000, 30000), TiffHeader(false, 30000, 4, 30000, 3), VP8XHeader(30000, 30000),
        std::string("P6\n30000 30000\n255\n")}) {
    const auto start = std::chrono::steady_clock::now();
    const Error error = ThrownError([&] { Decode(ToBytes(bytes)); });
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(error.code(), ErrorCode::kImageTooLarge) << error.what();
    EXPECT_TRUE(Contains(error, "photo.img")) << error.what();
    EXPECT_TRUE(Contains(error, "30000x30000")) << error.what();
    EXPECT_TRUE(Contains(error, "900000000")) << error.what();
    EXPECT_TRUE(Contains(error, "100000000")) << error.what();
    EXPECT_LT(elapsed, std::chrono::milliseconds(50)) << error.what();
  }
}

TEST(ImageLoaderTest, HonoursACustomPixelLimit) {
  const std::vector<uint8_t> png = DatasetBytes("faceapijs_bbt/amy/amy1.png");  // 150x150
  ImageLoadOptions options;
  options.max_pixels = 150 * 150;
  EXPECT_EQ(Decode(png, options).bgr.size(), cv::Size(150, 150));
  options.max_pixels = 150 * 150 - 1;
  const Error error = ThrownError([&] { Decode(png, options); });
  EXPECT_EQ(error.code(), ErrorCode::kImageTooLarge);
  EXPECT_TRUE(Contains(error, "150x150")) << error.what();
  EXPECT_TRUE(Contains(error, "22499")) << error.what();

  const std::vector<uint8_t> gif = DatasetBytes("yalefaces/subject01/subject01.normal.gif");
  options.max_pixels = 320 * 243 - 1;
  EXPECT_EQ(ThrownError([&] { Decode(gif, options); }).code(), ErrorCode::kImageTooLarge);
}

TEST(ImageLoaderTest, ReadFileBytesReportsEachFailure) {
  ScratchDir dir;
  const Error missing = ThrownError([&] { ReadFileBytes(dir / "missing.jpg", 1000); });
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound);
  EXPECT_TRUE(Contains(missing, "missing.jpg")) << missing.what();

  const Error under_file = ThrownError([&] {
    WriteFile(dir / "plain", "x");
    ReadFileBytes(dir / "plain" / "a.jpg", 1000);
  });
  EXPECT_EQ(under_file.code(), ErrorCode::kNotFound);

  fs::create_directory(dir / "album.jpg");
  const Error directory = ThrownError([&] { ReadFileBytes(dir / "album.jpg", 1000); });
  EXPECT_EQ(directory.code(), ErrorCode::kIo);
  EXPECT_TRUE(Contains(directory, "album.jpg")) << directory.what();

  WriteFile(dir / "empty.jpg", "");
  const Error empty = ThrownError([&] { ReadFileBytes(dir / "empty.jpg", 1000); });
  EXPECT_EQ(empty.code(), ErrorCode::kEmptyFile);
  EXPECT_TRUE(Contains(empty, "empty.jpg")) << empty.what();
  EXPECT_TRUE(Contains(empty, "empty")) << empty.what();

  WriteFile(dir / "big.jpg", std::string(1001, 'x'));
  const Error big = ThrownError([&] { ReadFileBytes(dir / "big.jpg", 1000); });
  EXPECT_EQ(big.code(), ErrorCode::kImageTooLarge);
  EXPECT_TRUE(Contains(big, "big.jpg")) << big.what();
  EXPECT_EQ(ReadFileBytes(dir / "big.jpg", 1001).size(), 1001u);

  ASSERT_EQ(mkfifo((dir / "pipe.jpg").c_str(), 0600), 0);
  EXPECT_EQ(ThrownError([&] { ReadFileBytes(dir / "pipe.jpg", 1000); }).code(), ErrorCode::kIo);
}

TEST(ImageLoaderTest, ReadFileBytesReturnsTheWholeFile) {
  const fs::path path = DatasetFile("deepface/id_img1/img1.jpg");
  const std::vector<uint8_t> bytes = ReadFileBytes(path, ImageLoadOptions{}.max_file_bytes);
  EXPECT_EQ(bytes.size(), fs::file_size(path));
  EXPECT_EQ(bytes, testing::ReadBytes(path));
}

TEST(ImageLoaderTest, UnreadableFileIsAnIoError) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads files regardless of permissions";
  ScratchDir dir;
  WriteFile(dir / "secret.jpg", "x");
  fs::permissions(dir / "secret.jpg", fs::perms::none);
  const Error error = ThrownError([&] { ReadFileBytes(dir / "secret.jpg", 1000); });
  EXPECT_EQ(error.code(), ErrorCode::kIo);
  EXPECT_TRUE(Contains(error, "secret.jpg")) << error.what();
}

TEST(ImageLoaderTest, LoadImageAppliesTheFileSizeLimit) {
  ImageLoadOptions options;
  options.max_file_bytes = 1000;
  const Error error =
      ThrownError([&] { LoadImage(DatasetFile("deepface/id_img1/img1.jpg"), options); });
  EXPECT_EQ(error.code(), ErrorCode::kImageTooLarge);
  EXPECT_TRUE(Contains(error, "img1.jpg")) << error.what();
}

TEST(ImageLoaderTest, RecognisesImageExtensions) {
  for (const char* name : {"a.jpg", "a.JPG", "b.jpeg", "c.Png", "d.webp", "e.bmp", "f.tif",
                           "g.TIFF", "h.pgm", "i.ppm", "j.pnm", "k.pbm", "l.GIF", "dir.x/m.jpg"}) {
    EXPECT_TRUE(HasImageExtension(name)) << name;
  }
  for (const char* name : {"a.txt", "jpg", ".jpg.txt", "a.jpg.bak", "a", "a.", "a.heic", "a.svg",
                           "photo.jpgx", "dir.jpg/readme"}) {
    EXPECT_FALSE(HasImageExtension(name)) << name;
  }
}

// Damaged files of every format: decoding either succeeds or throws facetrace::Error. No
// cv::Exception, bad_alloc or crash gets out (run under ASan to see memory errors too).
TEST(ImageLoaderTest, MutatedFilesOnlyEverThrowError) {
  cv::Mat small;
  cv::resize(SamplePhoto(), small, cv::Size(24, 32));
  const std::vector<std::vector<uint8_t>> seeds = {
      Encode(small, ".jpg"),
      Encode(small, ".png"),
      Encode(small, ".webp"),
      Encode(small, ".bmp"),
      Encode(small, ".tiff"),
      Encode(small, ".ppm"),
      Encode(Grey(small), ".pgm", {cv::IMWRITE_PXM_BINARY, 0}),
      DatasetBytes("yalefaces/subject03/subject03.happy.gif")};
  std::mt19937 random(5);
  for (const auto& seed : seeds) {
    for (int round = 0; round < 150; ++round) {
      std::vector<uint8_t> bytes = seed;
      const int flips = 1 + static_cast<int>(random() % 8);
      for (int i = 0; i < flips; ++i) {
        bytes[random() % bytes.size()] = static_cast<uint8_t>(random());
      }
      ImageLoadOptions options;
      options.max_pixels = 1'000'000;  // mutated sizes must not make the test slow
      try {
        const LoadedImage image = Decode(bytes, options);
        EXPECT_EQ(image.bgr.type(), CV_8UC3);
        EXPECT_FALSE(image.bgr.empty());
      } catch (const Error&) {
      }
    }
  }
}

}  // namespace
}  // namespace facetrace
