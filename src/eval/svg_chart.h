// SvgChart: a line chart (ROC, DET, CMC) as a self-contained SVG file that any browser shows.
// Deliberately small: axes with ticks, an optional log-scaled x axis for error rates, one
// polyline per series and a legend. Reports are read by people; JSON alone is not enough.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace facetrace {

struct ChartSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y) in data units
};

struct SvgChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  double x_min = 0, x_max = 1;
  double y_min = 0, y_max = 1;
  bool log_x = false;  // x_min must then be > 0; points at x <= 0 are clamped to x_min
  std::vector<ChartSeries> series;

  std::string Render() const;
};

}  // namespace facetrace
