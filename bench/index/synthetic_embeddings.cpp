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

SyntheticStream::SyntheticStream(const SyntheticOptions& options)
    : options_(options), rng_(options.seed) {}

bool SyntheticStream::Next(int64_t n, SyntheticGallery& chunk) {
  chunk.dim = options_.dim;
  chunk.vectors.clear();
  chunk.ids.clear();
  chunk.identities.clear();
  const int64_t count = std::min(n, options_.faces - produced_);
  chunk.vectors.reserve(static_cast<size_t>(count) * static_cast<size_t>(options_.dim));
  // The draws happen in the order a whole-gallery loop makes them (centre, face count, faces),
  // so chunking never changes the gallery.
  for (int64_t i = 0; i < count; ++i) {
    if (left_in_identity_ == 0) {
      centre_ = RandomCentre(options_.dim, rng_);
      std::uniform_int_distribution<int> per_identity(1, options_.max_faces_per_identity);
      left_in_identity_ = std::min<int64_t>(per_identity(rng_), options_.faces - produced_);
      ++identity_;
    }
    AppendFace(centre_.data(), options_.dim, rng_, chunk.vectors);
    chunk.ids.push_back(++produced_);
    chunk.identities.push_back(identity_);
    --left_in_identity_;
  }
  return count > 0;
}

SyntheticGallery MakeGallery(const SyntheticOptions& options) {
  SyntheticGallery g;
  SyntheticStream(options).Next(options.faces, g);
  return g;
}

std::vector<float> MakeProbes(const SyntheticOptions& options, int64_t n, uint64_t seed) {
  // A probe is another photo of an enrolled person: the centre is not stored, so take a
  // gallery face and add noise of the same spread (about the same distance from the centre).
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> pick(0, options.faces - 1);
  std::vector<int64_t> rows(static_cast<size_t>(n));
  for (int64_t& r : rows) r = pick(rng);
  std::vector<float> sources(rows.size() * static_cast<size_t>(options.dim));
  SyntheticStream stream(options);
  SyntheticGallery chunk;
  const auto dim = static_cast<size_t>(options.dim);
  for (int64_t first = 0; stream.Next(1 << 20, chunk); first += chunk.size()) {
    for (size_t p = 0; p < rows.size(); ++p) {
      if (rows[p] < first || rows[p] >= first + chunk.size()) continue;
      const auto at = static_cast<size_t>(rows[p] - first) * dim;
      std::copy_n(chunk.vectors.begin() + static_cast<long>(at), dim,
                  sources.begin() + static_cast<long>(p * dim));
    }
  }
  std::vector<float> out;
  out.reserve(sources.size());
  for (size_t p = 0; p < rows.size(); ++p) AppendFace(&sources[p * dim], options.dim, rng, out);
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
