#include "render/contact_sheet.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace facetrace {

namespace {

constexpr int kTitleHeight = 22;
constexpr int kGap = 2;

cv::Size TileSize(const std::vector<SheetRow>& rows) {
  cv::Size size;
  for (const SheetRow& row : rows) {
    for (const cv::Mat& tile : row.tiles) {
      if (size.area() == 0) size = tile.size();
      if (tile.size() != size || tile.type() != CV_8UC3)
        throw Error(ErrorCode::kInvalidArgument, "contact sheet tiles must be equal BGR images");
    }
  }
  return size.area() == 0 ? cv::Size(96, 96) : size;
}

}  // namespace

cv::Mat FaceTile(const cv::Mat& bgr, const Box& box, int size) {
  if (bgr.empty() || size < 1) {
    throw Error(ErrorCode::kInvalidArgument, "a face tile needs an image and a positive size");
  }
  const float side = std::max(box.width, box.height) * 1.5f;
  const float cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  const cv::Rect wanted(static_cast<int>(std::lround(cx - side / 2)),
                        static_cast<int>(std::lround(cy - side / 2)),
                        std::max(1, static_cast<int>(std::lround(side))),
                        std::max(1, static_cast<int>(std::lround(side))));
  cv::Mat canvas(wanted.size(), bgr.type(), cv::Scalar::all(0));
  const cv::Rect inside = wanted & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (inside.area() > 0) bgr(inside).copyTo(canvas(inside - wanted.tl()));
  cv::Mat tile;
  cv::resize(canvas, tile, cv::Size(size, size), 0, 0, cv::INTER_AREA);
  if (tile.channels() == 1) cv::cvtColor(tile, tile, cv::COLOR_GRAY2BGR);
  return tile;
}

cv::Mat ContactSheet(const std::vector<SheetRow>& rows, int columns) {
  if (columns < 1) throw Error(ErrorCode::kInvalidArgument, "a contact sheet needs columns");
  const cv::Size tile = TileSize(rows);
  const int width = std::max(columns * (tile.width + kGap) + kGap, 240);
  int height = kGap;
  for (const SheetRow& row : rows) {
    const int lines = static_cast<int>((row.tiles.size() + columns - 1) / columns);
    height += kTitleHeight + lines * (tile.height + kGap);
  }
  cv::Mat sheet(std::max(height, kTitleHeight), width, CV_8UC3, cv::Scalar(40, 40, 40));
  int y = kGap;
  for (const SheetRow& row : rows) {
    cv::putText(sheet, row.title, cv::Point(kGap + 2, y + kTitleHeight - 7),
                cv::FONT_HERSHEY_SIMPLEX, 0.5, cv::Scalar(255, 255, 255), 1, cv::LINE_AA);
    y += kTitleHeight;
    for (size_t t = 0; t < row.tiles.size(); ++t) {
      const int col = static_cast<int>(t) % columns, line = static_cast<int>(t) / columns;
      const cv::Rect at(kGap + col * (tile.width + kGap), y + line * (tile.height + kGap),
                        tile.width, tile.height);
      row.tiles[t].copyTo(sheet(at));
    }
    y += static_cast<int>((row.tiles.size() + columns - 1) / columns) * (tile.height + kGap);
  }
  return sheet;
}

}  // namespace facetrace
