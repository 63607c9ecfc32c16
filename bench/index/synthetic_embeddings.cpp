#include "index/synthetic_embeddings.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace facetrace::bench {

namespace {

// Centres at this radius are about 0.6 * sqrt(2) = 0.85 apart; with the face noise below,
// strangers' faces end about 0.93 apart.
constexpr double kCentreRadius = 0.6;
// Per-coordinate noise: two faces of one person differ by sqrt(2 * dim) * sigma, 0.4 at 128-D.
constexpr double kFaceSigma = 0.025;

std::vector<float> RandomCentre(int dim, std::mt19937_64& rng) {
  std::normal_distribution<float> normal(0, 1);
  std::vector<float> c(static_cast<size_t>(dim));
  double norm = 0;
  for (float& x : c) {
    x = normal(rng);
    norm += static_cast<double>(x) * x;
  }
  const auto scale = static_cast<float>(kCentreRadius / std::sqrt(norm));
  for (float& x : c) x *= scale;
  return c;
}

void AppendFace(const float* centre, int dim, std::mt19937_64& rng, std::vector<float>& out) {
  std::normal_distribution<float> noise(0, static_cast<float>(kFaceSigma));
  for (int d = 0; d < dim; ++d) out.push_back(centre[d] + noise(rng));
}

double Distance(const float* a, const float* b, int dim) {
  double s = 0;
  for (int d = 0; d < dim; ++d) s += std::pow(static_cast<double>(a[d]) - b[d], 2);
  return std::sqrt(s);
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

SyntheticGallery MakeGallery(const SyntheticOptions& options) {
  SyntheticGallery g;
  g.dim = options.dim;
  g.vectors.reserve(static_cast<size_t>(options.faces) * static_cast<size_t>(options.dim));
  std::mt19937_64 rng(options.seed);
  std::uniform_int_distribution<int> per_identity(1, options.max_faces_per_identity);
  int64_t identity = 0;
  while (g.size() < options.faces) {
    const auto centre = RandomCentre(options.dim, rng);
    const int64_t count = std::min<int64_t>(per_identity(rng), options.faces - g.size());
    for (int64_t i = 0; i < count; ++i) {
      AppendFace(centre.data(), options.dim, rng, g.vectors);
      g.ids.push_back(g.size() + 1);
      g.identities.push_back(identity);
    }
    ++identity;
  }
  return g;
}

std::vector<float> MakeProbes(const SyntheticGallery& gallery, int64_t n, uint64_t seed) {
  // A probe is another photo of an enrolled person: the centre is not stored, so take a
  // gallery face and add noise of the same spread (about the same distance from the centre).
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> pick(0, gallery.size() - 1);
  std::vector<float> out;
  out.reserve(static_cast<size_t>(n) * static_cast<size_t>(gallery.dim));
  for (int64_t i = 0; i < n; ++i) {
    const auto row = static_cast<size_t>(pick(rng)) * static_cast<size_t>(gallery.dim);
    AppendFace(gallery.vectors.data() + row, gallery.dim, rng, out);
  }
  return out;
}

DistanceCheck CheckDistances(const SyntheticGallery& g, int pairs, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> pick(0, g.size() - 2);
  std::vector<double> same, different;
  const auto row = [&](int64_t i) { return g.vectors.data() + i * g.dim; };
  for (int p = 0; p < pairs * 20 && (same.size() < static_cast<size_t>(pairs) ||
                                     different.size() < static_cast<size_t>(pairs));
       ++p) {
    const int64_t a = pick(rng);
    if (g.identities[static_cast<size_t>(a)] == g.identities[static_cast<size_t>(a + 1)]) {
      same.push_back(Distance(row(a), row(a + 1), g.dim));  // neighbours in id order
    }
    different.push_back(Distance(row(a), row(pick(rng)), g.dim));
  }
  return {Median(same), Median(different)};
}

}  // namespace facetrace::bench
