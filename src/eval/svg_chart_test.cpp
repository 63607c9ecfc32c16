#include "eval/svg_chart.h"

#include <gtest/gtest.h>

namespace facetrace {
namespace {

TEST(SvgChartTest, DrawsEverySeriesWithEscapedLabels) {
  SvgChart chart;
  chart.title = "ROC <dev> & test";
  chart.x_label = "FAR";
  chart.y_label = "TAR";
  chart.x_min = 1e-3;
  chart.log_x = true;
  chart.series.push_back({"a", {{1e-3, 0.5}, {1e-2, 0.9}, {1, 1}}});
  chart.series.push_back({"b", {{0, 0.2}}});  // x <= 0 on a log axis: clamped, not NaN
  const std::string svg = chart.Render();
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find("ROC &lt;dev&gt; &amp; test"), std::string::npos);
  size_t polylines = 0;
  for (size_t at = svg.find("<polyline"); at != std::string::npos;
       at = svg.find("<polyline", at + 1)) {
    ++polylines;
  }
  EXPECT_EQ(polylines, 2u);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
  EXPECT_NE(svg.find(">0.01<"), std::string::npos);  // a decade tick
}

}  // namespace
}  // namespace facetrace
