#include "detect/pyramid_plan.h"

#include <algorithm>

namespace facetrace {

namespace {

bool IsSmall(cv::Size image, const CropViewRule& crop) {
  return std::max(image.width, image.height) <= crop.small_image_side;
}

PyramidLevel CropLevel(cv::Size image, const CropViewRule& crop, RunWhen when,
                       Contrast contrast = Contrast::kAsIs) {
  return {.scale = CropViewScale(image, crop.view_side),
          .crop_view = true,
          .contrast = contrast,
          .when = when};
}

void AppendRetries(cv::Size image, const CropViewRule& crop, std::vector<PyramidLevel>& levels) {
  levels.push_back(CropLevel(image, crop, RunWhen::kIfNoFace));
  levels.push_back(CropLevel(image, crop, RunWhen::kIfNoFace, Contrast::kEqualized));
}

// Start offsets and the common length of the tiles covering one axis.
std::pair<std::vector<int>, int> AxisTiles(int length, int tile, int overlap, int align) {
  if (length <= tile) return {{0}, length};
  const int count = (length - overlap + (tile - overlap) - 1) / (tile - overlap);  // >= 2
  int size = (length + (count - 1) * overlap + count - 1) / count;
  size = std::min(tile, (size + align - 1) / align * align);
  std::vector<int> starts;
  for (int i = 0; i < count; ++i) {
    starts.push_back(static_cast<int>(static_cast<long long>(i) * (length - size) / (count - 1)));
  }
  return {starts, size};
}

}  // namespace

std::vector<PyramidLevel> PlanPyramid(cv::Size image, int min_face_size, const DetectorReach& reach,
                                      FaceSearch search) {
  const bool small = IsSmall(image, reach.crop);
  const double whole_scale =
      small ? CropViewScale(image, reach.crop.view_side)
            : std::min(1.0,
                       reach.view_side / static_cast<double>(std::max(image.width, image.height)));
  const double finest =
      std::min(reach.max_upscale, reach.smallest_face / std::max(1, min_face_size));
  std::vector<PyramidLevel> fine;
  // A level within 25% of the whole-image scale adds little: its faces are found there, at
  // most 20% smaller than this level would show them.
  for (double scale = finest; scale > whole_scale * 1.25; scale /= 2) {
    fine.push_back({.scale = scale, .max_face = reach.fine_max_face});
  }
  std::vector<PyramidLevel> coarse;
  if (small) {
    coarse.push_back(CropLevel(image, reach.crop, RunWhen::kAlways));
  } else {
    coarse.push_back({.scale = whole_scale, .max_face = reach.whole_max_face});
    coarse.push_back(CropLevel(image, reach.crop, RunWhen::kIfFacesTooBig));
  }
  std::vector<PyramidLevel> levels;
  if (search == FaceSearch::kAllFaces) {
    levels = std::move(fine);
    levels.insert(levels.end(), coarse.begin(), coarse.end());
  } else {
    levels = std::move(coarse);
    for (auto level = fine.rbegin(); level != fine.rend(); ++level) {
      level->when = RunWhen::kUnlessBiggerFaceFound;
      levels.push_back(*level);
    }
  }
  AppendRetries(image, reach.crop, levels);
  return levels;
}

double LargestFaceKept(const PyramidLevel& level) { return level.max_face / level.scale; }

std::vector<PyramidLevel> PlanSingleView(cv::Size image, double scale, const CropViewRule& crop) {
  std::vector<PyramidLevel> levels = {IsSmall(image, crop)
                                          ? CropLevel(image, crop, RunWhen::kAlways)
                                          : PyramidLevel{.scale = scale}};
  AppendRetries(image, crop, levels);
  return levels;
}

std::vector<cv::Rect> PlanTiles(cv::Size view, int tile_side, int overlap, int align) {
  const auto [xs, width] = AxisTiles(view.width, tile_side, overlap, align);
  const auto [ys, height] = AxisTiles(view.height, tile_side, overlap, align);
  std::vector<cv::Rect> tiles;
  for (int y : ys) {
    for (int x : xs) tiles.emplace_back(x, y, width, height);
  }
  return tiles;
}

bool NearInnerTileEdge(const Box& box, const cv::Rect& tile, cv::Size view) {
  return (tile.x > 0 && box.x < kTileEdgeMargin) || (tile.y > 0 && box.y < kTileEdgeMargin) ||
         (tile.br().x < view.width && box.right() > tile.width - kTileEdgeMargin) ||
         (tile.br().y < view.height && box.bottom() > tile.height - kTileEdgeMargin);
}

}  // namespace facetrace
