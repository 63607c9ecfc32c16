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

// offset + factor * z for z ~ N(0, I): a draw from the model's Gaussians.
void AppendDraw(const float* offset, const std::vector<float>& factor, int dim,
                std::mt19937_64& rng, std::vector<float>& out) {
  std::normal_distribution<float> normal(0, 1);
  std::vector<float> z(static_cast<size_t>(dim));
  for (float& x : z) x = normal(rng);
  for (int i = 0; i < dim; ++i) {
    const float* row = factor.data() + static_cast<size_t>(i) * static_cast<size_t>(dim);
    float v = offset[i];
    for (int k = 0; k < dim; ++k) v += row[k] * z[static_cast<size_t>(k)];
    out.push_back(v);
  }
}

std::vector<float> RandomCentre(int dim, const EmbeddingModel* model, std::mt19937_64& rng) {
  if (model != nullptr) {
    std::vector<float> c;
    AppendDraw(model->mean.data(), model->between, dim, rng, c);
    return c;
  }
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

void AppendFace(const float* centre, int dim, const EmbeddingModel* model, std::mt19937_64& rng,
                std::vector<float>& out) {
  if (model != nullptr) return AppendDraw(centre, model->within, dim, rng, out);
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

double Fraction(const std::vector<double>& v, auto&& predicate) {
  if (v.empty()) return 0;
  return static_cast<double>(std::count_if(v.begin(), v.end(), predicate)) /
         static_cast<double>(v.size());
}

SyntheticOptions Resolved(SyntheticOptions options) {
  if (options.model) options.dim = options.model->dim;
  return options;
}

}  // namespace

double DistanceCheck::SameMedian() const { return Median(same); }
double DistanceCheck::DifferentMedian() const { return Median(different); }
double DistanceCheck::StrangersCloserThan(double distance) const {
  return Fraction(different, [=](double d) { return d < distance; });
}
double DistanceCheck::SamePersonFurtherThan(double distance) const {
  return Fraction(same, [=](double d) { return d > distance; });
}

SyntheticStream::SyntheticStream(const SyntheticOptions& options)
    : options_(Resolved(options)), rng_(options.seed) {}

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
      centre_ = RandomCentre(options_.dim, options_.model.get(), rng_);
      std::uniform_int_distribution<int> per_identity(1, options_.max_faces_per_identity);
      left_in_identity_ = std::min<int64_t>(per_identity(rng_), options_.faces - produced_);
      ++identity_;
    }
    AppendFace(centre_.data(), options_.dim, options_.model.get(), rng_, chunk.vectors);
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

std::vector<float> MakeProbes(const SyntheticOptions& requested, int64_t n, uint64_t seed,
                              std::vector<int64_t>* identities) {
  const SyntheticOptions options = Resolved(requested);
  // A probe is another photo of an enrolled person: the centre is not stored, so take a
  // gallery face and add noise of the same spread (about the same distance from the centre).
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> pick(0, options.faces - 1);
  std::vector<int64_t> rows(static_cast<size_t>(n));
  for (int64_t& r : rows) r = pick(rng);
  std::vector<float> sources(rows.size() * static_cast<size_t>(options.dim));
  if (identities != nullptr) identities->assign(rows.size(), -1);
  SyntheticStream stream(options);
  SyntheticGallery chunk;
  const auto dim = static_cast<size_t>(options.dim);
  for (int64_t first = 0; stream.Next(1 << 20, chunk); first += chunk.size()) {
    for (size_t p = 0; p < rows.size(); ++p) {
      if (rows[p] < first || rows[p] >= first + chunk.size()) continue;
      const auto at = static_cast<size_t>(rows[p] - first) * dim;
      std::copy_n(chunk.vectors.begin() + static_cast<long>(at), dim,
                  sources.begin() + static_cast<long>(p * dim));
      if (identities != nullptr) (*identities)[p] = chunk.identities[at / dim];
    }
  }
  std::vector<float> out;
  out.reserve(sources.size());
  for (size_t p = 0; p < rows.size(); ++p) {
    AppendFace(&sources[p * dim], options.dim, options.model.get(), rng, out);
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
    const int64_t b = pick(rng);
    if (g.identities[static_cast<size_t>(a)] != g.identities[static_cast<size_t>(b)]) {
      different.push_back(Distance(row(a), row(b), g.dim));
    }
  }
  return {same, different};
}

DistanceCheck CheckDistances(const std::vector<LabelledEmbedding>& faces) {
  DistanceCheck check;
  const auto set_of = [](const std::string& identity) {
    return identity.substr(0, identity.find('/'));
  };
  for (size_t a = 0; a < faces.size(); ++a) {
    for (size_t b = a + 1; b < faces.size(); ++b) {
      const auto dim = static_cast<int>(faces[a].embedding.size());
      const double d = Distance(faces[a].embedding.data(), faces[b].embedding.data(), dim);
      if (faces[a].identity == faces[b].identity) {
        check.same.push_back(d);
      } else if (set_of(faces[a].identity) == set_of(faces[b].identity)) {
        check.different.push_back(d);
      }
    }
  }
  return check;
}

}  // namespace facetrace::bench
