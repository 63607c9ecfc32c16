#include "render/face_overlay.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace facetrace {

cv::Mat DrawFaces(const cv::Mat& bgr, const std::vector<Face>& faces,
                  const std::vector<std::string>& labels) {
  cv::Mat canvas = bgr.clone();
  // Line widths scale with the image so boxes stay visible on 4000 px photos.
  const int thickness =
      std::max(1, static_cast<int>(std::lround(std::max(bgr.cols, bgr.rows) / 500.0)));
  const cv::Scalar box_colour(0, 220, 0), landmark_colour(0, 0, 255), text_colour(255, 255, 255);
  for (size_t i = 0; i < faces.size(); ++i) {
    const Box& b = faces[i].detection.box;
    const cv::Rect rect(static_cast<int>(std::lround(b.x)), static_cast<int>(std::lround(b.y)),
                        static_cast<int>(std::lround(b.width)),
                        static_cast<int>(std::lround(b.height)));
    cv::rectangle(canvas, rect, box_colour, thickness);
    for (const Point2f& p : faces[i].detection.landmarks) {
      cv::circle(canvas,
                 cv::Point(static_cast<int>(std::lround(p.x)), static_cast<int>(std::lround(p.y))),
                 thickness + 1, landmark_colour, cv::FILLED);
    }
    if (i < labels.size() && !labels[i].empty()) {
      const double scale = 0.4 * thickness;
      int baseline = 0;
      const cv::Size text =
          cv::getTextSize(labels[i], cv::FONT_HERSHEY_SIMPLEX, scale, thickness, &baseline);
      const cv::Point origin(rect.x, std::max(text.height + 2, rect.y - 4));
      cv::rectangle(canvas, origin + cv::Point(0, baseline),
                    origin + cv::Point(text.width, -text.height - 2), box_colour, cv::FILLED);
      cv::putText(canvas, labels[i], origin, cv::FONT_HERSHEY_SIMPLEX, scale, text_colour,
                  thickness);
    }
  }
  return canvas;
}

}  // namespace facetrace
