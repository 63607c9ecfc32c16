#include "io/gif_decoder.h"

#include <gif_lib.h>

#include <gtest/gtest.h>

#include "io/test_inputs.h"

namespace facetrace {
namespace {

using testing::DatasetBytes;
using testing::Prefix;
using testing::ThrownError;

// A palette as BGR triples, the order cv::Vec3b uses.
using Palette = std::vector<cv::Vec3b>;

struct GifFrame {
  int left = 0;
  int top = 0;
  int width = 0;
  int height = 0;
  bool interlaced = false;
  Palette local_palette;  // empty: use the global one
  int transparent = NO_TRANSPARENT_COLOR;
  std::vector<uint8_t> indices;  // row-major, width * height, in display order
};

struct ColourMap {
  explicit ColourMap(const Palette& palette) {
    std::vector<GifColorType> colours;
    for (const cv::Vec3b& c : palette) colours.push_back({c[2], c[1], c[0]});
    map = GifMakeMapObject(static_cast<int>(colours.size()), colours.data());
  }
  ~ColourMap() { GifFreeMapObject(map); }
  ColourMap(const ColourMap&) = delete;
  ColourMap& operator=(const ColourMap&) = delete;
  ColorMapObject* map = nullptr;
};

int AppendToVector(GifFileType* gif, const GifByteType* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(gif->UserData);
  out->insert(out->end(), data, data + size);
  return size;
}

// Rows in the order an interlaced GIF transmits them (the GIF89a spec, appendix E).
std::vector<int> TransmissionOrder(int height, bool interlaced) {
  std::vector<int> rows;
  if (!interlaced) {
    for (int y = 0; y < height; ++y) rows.push_back(y);
    return rows;
  }
  for (const auto& [start, step] : {std::pair{0, 8}, {4, 8}, {2, 4}, {1, 2}}) {
    for (int y = start; y < height; y += step) rows.push_back(y);
  }
  return rows;
}

// Encodes a GIF with giflib's EGif API. Palettes must have a power-of-two size.
std::vector<uint8_t> WriteGif(int screen_width, int screen_height, const Palette& global_palette,
                              int background, const std::vector<GifFrame>& frames) {
  std::vector<uint8_t> out;
  int error = 0;
  GifFileType* gif = EGifOpen(&out, AppendToVector, &error);
  EXPECT_NE(gif, nullptr);
  EGifSetGifVersion(gif, true);
  std::optional<ColourMap> global;
  if (!global_palette.empty()) global.emplace(global_palette);
  EXPECT_EQ(EGifPutScreenDesc(gif, screen_width, screen_height, 8, background,
                              global ? global->map : nullptr),
            GIF_OK);
  for (const GifFrame& frame : frames) {
    if (frame.transparent != NO_TRANSPARENT_COLOR) {
      GraphicsControlBlock gcb{DISPOSAL_UNSPECIFIED, false, 0, frame.transparent};
      GifByteType extension[4];
      const size_t size = EGifGCBToExtension(&gcb, extension);
      EXPECT_EQ(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(size), extension),
                GIF_OK);
    }
    std::optional<ColourMap> local;
    if (!frame.local_palette.empty()) local.emplace(frame.local_palette);
    EXPECT_EQ(EGifPutImageDesc(gif, frame.left, frame.top, frame.width, frame.height,
                               frame.interlaced, local ? local->map : nullptr),
              GIF_OK);
    // EGifPutLine writes rows in the order given; interlacing them is the caller's job.
    for (const int y : TransmissionOrder(frame.height, frame.interlaced)) {
      std::vector<GifPixelType> row(frame.indices.begin() + y * frame.width,
                                    frame.indices.begin() + (y + 1) * frame.width);
      EXPECT_EQ(EGifPutLine(gif, row.data(), frame.width), GIF_OK);
    }
  }
  EXPECT_EQ(EGifCloseFile(gif, &error), GIF_OK);
  return out;
}

const Palette kPalette = {{0, 0, 0},     {255, 0, 0},   {0, 255, 0},   {0, 0, 255},
                          {255, 255, 0}, {0, 255, 255}, {255, 0, 255}, {255, 255, 255}};

cv::Mat Decode(const std::vector<uint8_t>& gif) { return DecodeGifFirstFrame(gif, "t.gif"); }

// The colour each pixel should have: frame indices through `palette`.
cv::Mat Expected(int width, int height, const std::vector<uint8_t>& indices,
                 const Palette& palette) {
  cv::Mat out(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) out.at<cv::Vec3b>(y, x) = palette[indices[y * width + x]];
  }
  return out;
}

bool SameImage(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

std::vector<uint8_t> Pattern(int width, int height) {
  std::vector<uint8_t> indices(static_cast<size_t>(width * height));
  for (int i = 0; i < width * height; ++i) indices[i] = static_cast<uint8_t>((i * 5 + i / 3) % 8);
  return indices;
}

TEST(GifDecoderTest, DecodesPixelsThroughTheGlobalPalette) {
  const std::vector<uint8_t> indices = Pattern(7, 5);
  const cv::Mat decoded =
      Decode(WriteGif(7, 5, kPalette, 0, {{0, 0, 7, 5, false, {}, -1, indices}}));
  EXPECT_EQ(decoded.type(), CV_8UC3);
  EXPECT_TRUE(SameImage(decoded, Expected(7, 5, indices, kPalette)));
}

TEST(GifDecoderTest, DeinterlacesInterlacedFrames) {
  // Each row gets its own colour, so a row out of place shows. Height 11 has rows in all four
  // interlace passes.
  constexpr int kWidth = 3;
  constexpr int kHeight = 11;
  Palette palette(16);
  for (int i = 0; i < 16; ++i) palette[i] = cv::Vec3b(i * 16, 255 - i * 16, i);
  std::vector<uint8_t> indices;
  for (int y = 0; y < kHeight; ++y) indices.insert(indices.end(), kWidth, static_cast<uint8_t>(y));
  const std::vector<uint8_t> gif =
      WriteGif(kWidth, kHeight, palette, 0, {{0, 0, kWidth, kHeight, true, {}, -1, indices}});
  EXPECT_TRUE(SameImage(Decode(gif), Expected(kWidth, kHeight, indices, palette)));
}

TEST(GifDecoderTest, TransparentPixelsShowTheBackground) {
  // Index 1 is transparent; the screen's background is palette entry 6.
  const std::vector<uint8_t> indices = {1, 2, 1, 3, 1, 4};
  const cv::Mat decoded =
      Decode(WriteGif(3, 2, kPalette, 6, {{0, 0, 3, 2, false, {}, 1, indices}}));
  const std::vector<uint8_t> shown = {6, 2, 6, 3, 6, 4};
  EXPECT_TRUE(SameImage(decoded, Expected(3, 2, shown, kPalette)));
}

TEST(GifDecoderTest, InterlacedAndTransparentTogether) {
  constexpr int kWidth = 4;
  constexpr int kHeight = 9;
  std::vector<uint8_t> indices = Pattern(kWidth, kHeight);
  for (size_t i = 0; i < indices.size(); i += 3) indices[i] = 5;  // transparent
  std::vector<uint8_t> shown = indices;
  std::replace(shown.begin(), shown.end(), uint8_t{5}, uint8_t{7});
  const std::vector<uint8_t> gif =
      WriteGif(kWidth, kHeight, kPalette, 7, {{0, 0, kWidth, kHeight, true, {}, 5, indices}});
  EXPECT_TRUE(SameImage(Decode(gif), Expected(kWidth, kHeight, shown, kPalette)));
}

TEST(GifDecoderTest, LocalPaletteOverridesTheGlobalOne) {
  Palette local(kPalette.rbegin(), kPalette.rend());
  const std::vector<uint8_t> indices = Pattern(4, 4);
  const cv::Mat decoded =
      Decode(WriteGif(4, 4, kPalette, 0, {{0, 0, 4, 4, false, local, -1, indices}}));
  EXPECT_TRUE(SameImage(decoded, Expected(4, 4, indices, local)));
}

TEST(GifDecoderTest, LocalPaletteWithoutGlobalOne) {
  const std::vector<uint8_t> indices = Pattern(4, 2);
  const cv::Mat decoded =
      Decode(WriteGif(4, 2, {}, 0, {{0, 0, 4, 2, false, kPalette, -1, indices}}));
  EXPECT_TRUE(SameImage(decoded, Expected(4, 2, indices, kPalette)));
}

TEST(GifDecoderTest, FrameIsPlacedAtItsOffsetOverTheBackground) {
  const std::vector<uint8_t> indices = {1, 2, 3, 4};
  const cv::Mat decoded =
      Decode(WriteGif(5, 4, kPalette, 7, {{2, 1, 2, 2, false, {}, -1, indices}}));
  std::vector<uint8_t> shown(20, 7);
  shown[1 * 5 + 2] = 1;
  shown[1 * 5 + 3] = 2;
  shown[2 * 5 + 2] = 3;
  shown[2 * 5 + 3] = 4;
  EXPECT_TRUE(SameImage(decoded, Expected(5, 4, shown, kPalette)));
}

TEST(GifDecoderTest, FramePartsOutsideTheScreenAreDropped) {
  const std::vector<uint8_t> indices = Pattern(6, 6);
  const cv::Mat decoded =
      Decode(WriteGif(4, 3, kPalette, 0, {{2, 1, 6, 6, false, {}, -1, indices}}));
  ASSERT_EQ(decoded.size(), cv::Size(4, 3));
  EXPECT_EQ(decoded.at<cv::Vec3b>(0, 0), kPalette[0]);
  EXPECT_EQ(decoded.at<cv::Vec3b>(1, 2), kPalette[indices[0]]);
  EXPECT_EQ(decoded.at<cv::Vec3b>(2, 3), kPalette[indices[1 * 6 + 1]]);
}

TEST(GifDecoderTest, OnlyTheFirstFrameOfAnAnimationIsUsed) {
  const std::vector<uint8_t> first(9, 2);
  const std::vector<uint8_t> second(9, 3);
  const cv::Mat decoded =
      Decode(WriteGif(3, 3, kPalette, 0,
                      {{0, 0, 3, 3, false, {}, -1, first}, {0, 0, 3, 3, false, {}, -1, second}}));
  EXPECT_TRUE(SameImage(decoded, Expected(3, 3, first, kPalette)));
}

// Reference values from an independent LZW decoder (a few lines of Python written for this
// test, not giflib): the palette is grey, and these pixels and the mean pin down the decode.
TEST(GifDecoderTest, DecodesARealYaleFace) {
  const cv::Mat decoded = Decode(DatasetBytes("yalefaces/subject01/subject01.normal.gif"));
  ASSERT_EQ(decoded.size(), cv::Size(320, 243));
  std::vector<cv::Mat> channels;
  cv::split(decoded, channels);
  EXPECT_EQ(cv::norm(channels[0], channels[1], cv::NORM_INF), 0);
  EXPECT_EQ(cv::norm(channels[1], channels[2], cv::NORM_INF), 0);
  EXPECT_EQ(cv::sum(channels[0])[0], 15696511);
  EXPECT_EQ(decoded.at<cv::Vec3b>(0, 0), cv::Vec3b(130, 130, 130));
  EXPECT_EQ(decoded.at<cv::Vec3b>(121, 160), cv::Vec3b(228, 228, 228));
  EXPECT_EQ(decoded.at<cv::Vec3b>(50, 100), cv::Vec3b(222, 222, 222));
  EXPECT_EQ(decoded.at<cv::Vec3b>(242, 319), cv::Vec3b(68, 68, 68));
  EXPECT_EQ(decoded.at<cv::Vec3b>(200, 200), cv::Vec3b(160, 160, 160));
}

TEST(GifDecoderTest, TruncatedGifIsCorrupt) {
  const std::vector<uint8_t> gif = DatasetBytes("yalefaces/subject01/subject01.normal.gif");
  for (const size_t size : {size_t{13}, size_t{800}, gif.size() / 2, gif.size() - 2}) {
    const Error error = ThrownError([&] { Decode(Prefix(gif, size)); });
    EXPECT_EQ(error.code(), ErrorCode::kCorruptImage) << "cut at " << size;
    EXPECT_NE(std::string(error.what()).find("t.gif"), std::string::npos) << error.what();
  }
}

TEST(GifDecoderTest, BrokenStructureIsCorrupt) {
  const std::vector<uint8_t> indices = Pattern(4, 4);
  // No colour map at all: giflib will not write one, so drop the global table afterwards.
  std::vector<uint8_t> no_map = WriteGif(4, 4, kPalette, 0, {{0, 0, 4, 4, false, {}, -1, indices}});
  no_map[10] &= 0x7F;  // the screen descriptor's "global colour table follows" flag
  no_map.erase(no_map.begin() + 13, no_map.begin() + 13 + 3 * 8);
  EXPECT_EQ(ThrownError([&] { Decode(no_map); }).code(), ErrorCode::kCorruptImage);
  // A screen with no image in it.
  EXPECT_EQ(ThrownError([&] { Decode(WriteGif(4, 4, kPalette, 0, {})); }).code(),
            ErrorCode::kCorruptImage);
  // Garbage where the first record should be.
  std::vector<uint8_t> garbage = WriteGif(4, 4, kPalette, 0, {});
  garbage.back() = 'x';
  garbage.insert(garbage.end(), 50, 'x');
  EXPECT_EQ(ThrownError([&] { Decode(garbage); }).code(), ErrorCode::kCorruptImage);
  // Not a GIF at all.
  EXPECT_EQ(ThrownError([&] { Decode(testing::ToBytes("GIF")); }).code(), ErrorCode::kCorruptImage);
}

}  // namespace
}  // namespace facetrace
