#include "io/gif_decoder.h"

#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "core/error.h"

// Only the first frame is decoded, with giflib's record-level API rather than DGifSlurp:
// DGifSlurp decodes every frame of an animation and allocates each frame at the size its
// descriptor claims (up to 65535x65535, regardless of the logical screen the pixel limit was
// checked against). Here only the logical screen is allocated, plus one row of the frame.

namespace facetrace {
namespace {

struct MemorySource {
  std::span<const uint8_t> bytes;
  size_t pos = 0;
};

// giflib's InputFunc: copies up to `wanted` bytes; a short count makes giflib report a read error.
int ReadFromMemory(GifFileType* gif, GifByteType* out, int wanted) {
  auto* source = static_cast<MemorySource*>(gif->UserData);
  const size_t count =
      std::min(static_cast<size_t>(std::max(wanted, 0)), source->bytes.size() - source->pos);
  if (count > 0) std::memcpy(out, source->bytes.data() + source->pos, count);
  source->pos += count;
  return static_cast<int>(count);
}

struct GifCloser {
  void operator()(GifFileType* gif) const {
    int ignored = 0;
    DGifCloseFile(gif, &ignored);
  }
};
using GifHandle = std::unique_ptr<GifFileType, GifCloser>;

[[noreturn]] void ThrowCorrupt(const std::string& name, const std::string& what) {
  throw Error(ErrorCode::kCorruptImage, name + ": corrupt GIF: " + what);
}

[[noreturn]] void ThrowGifError(const std::string& name, int error) {
  const char* text = GifErrorString(error);
  ThrowCorrupt(name, text ? text : "giflib error " + std::to_string(error));
}

cv::Vec3b ToBgr(const GifColorType& c) { return {c.Blue, c.Green, c.Red}; }

// The canvas before the frame is drawn: the global colour map's background entry, else black.
cv::Vec3b BackgroundColour(const GifFileType& gif) {
  const ColorMapObject* map = gif.SColorMap;
  if (map && gif.SBackGroundColor >= 0 && gif.SBackGroundColor < map->ColorCount) {
    return ToBgr(map->Colors[gif.SBackGroundColor]);
  }
  return {0, 0, 0};
}

// Row of the image that the `index`-th transmitted row belongs to. Interlaced GIFs send rows
// in four passes: every 8th from 0, every 8th from 4, every 4th from 2, every 2nd from 1.
int InterlacedRow(int index, int height) {
  constexpr int kStart[] = {0, 4, 2, 1};
  constexpr int kStep[] = {8, 8, 4, 2};
  for (int pass = 0; pass < 4; ++pass) {
    const int rows_in_pass = (height - kStart[pass] + kStep[pass] - 1) / kStep[pass];
    if (index < rows_in_pass) return kStart[pass] + index * kStep[pass];
    index -= std::max(rows_in_pass, 0);
  }
  return -1;
}

// Reads one extension record. A Graphics Control Extension sets `transparent` to the colour
// index the next frame leaves undrawn (NO_TRANSPARENT_COLOR if none); others are skipped.
void ReadExtension(GifFileType* gif, int* transparent, const std::string& name) {
  int code = 0;
  GifByteType* block = nullptr;
  if (DGifGetExtension(gif, &code, &block) == GIF_ERROR) ThrowGifError(name, gif->Error);
  GraphicsControlBlock gcb;
  if (code == GRAPHICS_EXT_FUNC_CODE && block &&
      DGifExtensionToGCB(block[0], block + 1, &gcb) == GIF_OK) {
    *transparent = gcb.TransparentColor;
  }
  while (block) {
    if (DGifGetExtensionNext(gif, &block) == GIF_ERROR) ThrowGifError(name, gif->Error);
  }
}

// Decodes the frame whose descriptor comes next, drawing it over the canvas at its offset.
// Parts of the frame outside the logical screen are dropped, as browsers do.
cv::Mat DecodeFrame(GifFileType* gif, int transparent, const std::string& name) {
  if (DGifGetImageDesc(gif) == GIF_ERROR) ThrowGifError(name, gif->Error);
  const GifImageDesc& desc = gif->Image;
  const ColorMapObject* map = desc.ColorMap ? desc.ColorMap : gif->SColorMap;
  if (!map) ThrowCorrupt(name, "frame has no colour map");
  if (desc.Width <= 0 || desc.Height <= 0) ThrowCorrupt(name, "empty frame");

  cv::Mat canvas(gif->SHeight, gif->SWidth, CV_8UC3, cv::Scalar(BackgroundColour(*gif)));
  std::vector<GifPixelType> row(static_cast<size_t>(desc.Width));
  for (int i = 0; i < desc.Height; ++i) {
    if (DGifGetLine(gif, row.data(), desc.Width) == GIF_ERROR) ThrowGifError(name, gif->Error);
    const int y = desc.Top + (desc.Interlace ? InterlacedRow(i, desc.Height) : i);
    if (y < 0 || y >= canvas.rows) continue;
    auto* out = canvas.ptr<cv::Vec3b>(y);
    for (int j = 0; j < desc.Width; ++j) {
      const int x = desc.Left + j;
      const int index = row[static_cast<size_t>(j)];
      if (x >= canvas.cols || index == transparent) continue;
      // Codes may exceed a short colour map in broken files: draw those black.
      out[x] = index < map->ColorCount ? ToBgr(map->Colors[index]) : cv::Vec3b(0, 0, 0);
    }
  }
  return canvas;
}

}  // namespace

cv::Mat DecodeGifFirstFrame(std::span<const uint8_t> bytes, const std::string& name) {
  MemorySource source{bytes};
  int error = 0;
  GifHandle gif(DGifOpen(&source, ReadFromMemory, &error));
  if (!gif) ThrowGifError(name, error);
  if (gif->SWidth <= 0 || gif->SHeight <= 0) ThrowCorrupt(name, "empty logical screen");

  int transparent = NO_TRANSPARENT_COLOR;
  for (;;) {
    GifRecordType type = UNDEFINED_RECORD_TYPE;
    if (DGifGetRecordType(gif.get(), &type) == GIF_ERROR) ThrowGifError(name, gif->Error);
    switch (type) {
      case EXTENSION_RECORD_TYPE:
        ReadExtension(gif.get(), &transparent, name);
        break;
      case IMAGE_DESC_RECORD_TYPE:
        return DecodeFrame(gif.get(), transparent, name);
      case TERMINATE_RECORD_TYPE:
        ThrowCorrupt(name, "no image in the file");
      default:
        ThrowCorrupt(name, "unexpected record");
    }
  }
}

}  // namespace facetrace
