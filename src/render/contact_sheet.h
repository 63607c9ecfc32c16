// Contact sheets: many faces on one image, so a reviewer sees a whole cluster or a whole video
// track at a glance (`facetrace cluster`, `facetrace video --contact-sheet`).
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/face.h"

namespace facetrace {

// A square `size` x `size` crop around `box` with a margin of a quarter of the box on every
// side; parts outside the image are black. Throws Error(kInvalidArgument) for an empty image
// or size < 1.
cv::Mat FaceTile(const cv::Mat& bgr, const Box& box, int size);

struct SheetRow {
  std::string title;           // written above the row's tiles
  std::vector<cv::Mat> tiles;  // equal-sized BGR tiles; wrapped after `columns`
};

// One image: per row, a title band and then its tiles in a grid of `columns`. Rows with no
// tiles still show their title. Throws Error(kInvalidArgument) for tiles of unequal sizes or
// columns < 1; an empty sheet is a small blank image.
cv::Mat ContactSheet(const std::vector<SheetRow>& rows, int columns);

}  // namespace facetrace
