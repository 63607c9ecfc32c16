#include "align/chip_lighting.h"

#include <gtest/gtest.h>

namespace facetrace {
namespace {

// Mean lightness of the left and right halves.
std::pair<double, double> HalfMeans(const FaceChip& chip) {
  double left = 0, right = 0;
  for (long r = 0; r < chip.nr(); ++r) {
    for (long c = 0; c < chip.nc(); ++c) {
      const auto& p = chip(r, c);
      (c < chip.nc() / 2 ? left : right) += (p.red + p.green + p.blue) / 3.0;
    }
  }
  const double n = static_cast<double>(chip.nr() * chip.nc() / 2);
  return {left / n, right / n};
}

TEST(ChipLightingTest, LiftsTheShadowedHalf) {
  FaceChip chip(150, 150);
  for (long r = 0; r < 150; ++r) {
    for (long c = 0; c < 150; ++c) {
      // Texture in both halves; the left one much darker, as with light from one side.
      const int texture = static_cast<int>((r * 7 + c * 3) % 40);
      const int v = c < 75 ? 10 + texture / 2 : 80 + texture;
      chip(r, c) = dlib::rgb_pixel(v, v, v);
    }
  }
  const auto before = HalfMeans(chip);
  EqualizeChipLighting(chip);
  const auto after = HalfMeans(chip);
  EXPECT_EQ(chip.nr(), 150);
  EXPECT_GT(after.first, before.first * 1.3);                           // the shadow is lifted
  EXPECT_LT(after.second / after.first, before.second / before.first);  // halves closer
}

TEST(ChipLightingTest, FlatChipStaysFlat) {
  FaceChip chip(150, 150);
  for (long r = 0; r < 150; ++r)
    for (long c = 0; c < 150; ++c) chip(r, c) = dlib::rgb_pixel(120, 120, 120);
  EqualizeChipLighting(chip);
  const auto v = chip(75, 75);
  for (long r = 0; r < 150; r += 7)
    for (long c = 0; c < 150; c += 7) EXPECT_EQ(chip(r, c).red, v.red);
}

}  // namespace
}  // namespace facetrace
