#include "eval/svg_chart.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/markup_escape.h"

namespace facetrace {

namespace {

constexpr double kWidth = 640, kHeight = 480;
constexpr double kLeft = 70, kRight = 170, kTop = 40, kBottom = 60;  // margins
constexpr const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                    "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

}  // namespace

std::string SvgChart::Render() const {
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto x_of = [&](double x) {
    if (log_x) {
      const double lx = std::log10(std::max(x, x_min));
      return kLeft + (lx - std::log10(x_min)) / (std::log10(x_max) - std::log10(x_min)) * plot_w;
    }
    return kLeft + (std::clamp(x, x_min, x_max) - x_min) / (x_max - x_min) * plot_w;
  };
  auto y_of = [&](double y) {
    return kTop + plot_h - (std::clamp(y, y_min, y_max) - y_min) / (y_max - y_min) * plot_h;
  };
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" "
      "fill=\"white\"/>\n<text x=\"{}\" y=\"24\" font-size=\"15\" "
      "text-anchor=\"middle\">{}</text>\n",
      kWidth, kHeight, kLeft + plot_w / 2, EscapeMarkup(title));
  // Ticks and grid: decades on a log axis, tenths of the range otherwise.
  std::vector<double> x_ticks;
  if (log_x) {
    for (double d = std::pow(10, std::ceil(std::log10(x_min))); d <= x_max * 1.0001; d *= 10) {
      x_ticks.push_back(d);
    }
  } else {
    for (int i = 0; i <= 10; ++i) x_ticks.push_back(x_min + (x_max - x_min) * i / 10);
  }
  for (const double t : x_ticks) {
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#ddd\"/>"
        "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4:g}</text>\n",
        x_of(t), kTop, kTop + plot_h, kTop + plot_h + 16, t);
  }
  for (int i = 0; i <= 10; ++i) {
    const double t = y_min + (y_max - y_min) * i / 10;
    svg += fmt::format(
        "<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#ddd\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5:g}</text>\n",
        kLeft, y_of(t), kLeft + plot_w, kLeft - 6, y_of(t) + 4, t);
  }
  svg += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"black\"/>\n"
      "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n"
      "<text transform=\"translate(18,{}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
      kLeft, kTop, plot_w, plot_h, kLeft + plot_w / 2, kHeight - 18, EscapeMarkup(x_label),
      kTop + plot_h / 2, EscapeMarkup(y_label));
  for (size_t s = 0; s < series.size(); ++s) {
    const char* colour = kColours[s % std::size(kColours)];
    std::string points;
    for (const auto& [x, y] : series[s].points)
      points += fmt::format("{:.1f},{:.1f} ", x_of(x), y_of(y));
    svg += fmt::format(
        "<polyline fill=\"none\" stroke=\"{0}\" stroke-width=\"2\" points=\"{1}\"/>\n"
        "<line x1=\"{2}\" y1=\"{3}\" x2=\"{4}\" y2=\"{3}\" stroke=\"{0}\" stroke-width=\"3\"/>"
        "<text x=\"{5}\" y=\"{6}\">{7}</text>\n",
        colour, points, kLeft + plot_w + 10, kTop + 10 + 20 * s, kLeft + plot_w + 30,
        kLeft + plot_w + 36, kTop + 14 + 20 * s, EscapeMarkup(series[s].name));
  }
  return svg + "</svg>\n";
}

}  // namespace facetrace
