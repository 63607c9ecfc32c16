#include "render/contact_sheet.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace facetrace {
namespace {

TEST(ContactSheetTest, FaceTileIsASquareCropWithMarginAndBlackOutside) {
  cv::Mat image(100, 200, CV_8UC3, cv::Scalar(0, 0, 255));
  const cv::Mat tile = FaceTile(image, {50, 30, 40, 40}, 64);
  EXPECT_EQ(tile.size(), cv::Size(64, 64));
  EXPECT_EQ(tile.at<cv::Vec3b>(32, 32), cv::Vec3b(0, 0, 255));
  // A face at the corner: the part of the margin outside the image is black.
  const cv::Mat corner = FaceTile(image, {0, 0, 40, 40}, 60);
  EXPECT_EQ(corner.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 0));
  EXPECT_EQ(corner.at<cv::Vec3b>(40, 40), cv::Vec3b(0, 0, 255));
  const cv::Mat grey(50, 50, CV_8UC1, cv::Scalar(9));
  EXPECT_EQ(FaceTile(grey, {10, 10, 20, 20}, 16).type(), CV_8UC3);
  EXPECT_THROW(FaceTile(cv::Mat(), {0, 0, 1, 1}, 8), Error);
  EXPECT_THROW(FaceTile(image, {0, 0, 1, 1}, 0), Error);
}

TEST(ContactSheetTest, RowsWrapAfterTheColumnCount) {
  const cv::Mat tile(10, 10, CV_8UC3, cv::Scalar(0, 255, 0));
  const cv::Mat one_row = ContactSheet({{"a", {tile, tile}}}, 4);
  const cv::Mat two_rows = ContactSheet({{"a", {tile, tile, tile, tile, tile}}}, 4);
  EXPECT_EQ(two_rows.rows - one_row.rows, 12);  // one more line of 10 px tiles + 2 px gap
  EXPECT_EQ(one_row.cols, two_rows.cols);
  const cv::Mat titles_only = ContactSheet({{"empty", {}}, {"also", {}}}, 4);
  EXPECT_GT(titles_only.rows, 0);
  EXPECT_FALSE(ContactSheet({}, 3).empty());
}

TEST(ContactSheetTest, UnequalTilesAndNoColumnsAreRefused) {
  const cv::Mat a(10, 10, CV_8UC3), b(12, 10, CV_8UC3);
  EXPECT_THROW(ContactSheet({{"x", {a, b}}}, 4), Error);
  EXPECT_THROW(ContactSheet({{"x", {a}}}, 0), Error);
}

}  // namespace
}  // namespace facetrace
