#include "align/chip_lighting.h"

#include <dlib/opencv/to_open_cv.h>
#include <opencv2/imgproc.hpp>

namespace facetrace {

void EqualizeChipLighting(FaceChip& chip) {
  cv::Mat rgb = dlib::toMat(chip);  // a view of the chip's pixels
  cv::Mat lab;
  cv::cvtColor(rgb, lab, cv::COLOR_RGB2Lab);
  std::vector<cv::Mat> channels;
  cv::split(lab, channels);
  // 2.0 and an 8x8 grid: OpenCV's defaults, tiles of ~19 px on a 150 px chip, about an eye.
  cv::createCLAHE(2.0, cv::Size(8, 8))->apply(channels[0], channels[0]);
  cv::merge(channels, lab);
  cv::cvtColor(lab, rgb, cv::COLOR_Lab2RGB);  // writes through the view into the chip
}

}  // namespace facetrace
