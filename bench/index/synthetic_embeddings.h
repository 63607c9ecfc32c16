// Synthetic face-like embeddings for index benchmarks at sizes no photo set reaches.
//
// Why not uniform random vectors: real galleries are clusters (several photos per person) in a
// space where strangers sit at a typical distance. Approximate indexes behave very differently
// on the two (IVF lists and HNSW graphs exploit the clusters), so recall and speed measured on
// uniform noise would mislead. Here each identity is a centre drawn uniformly on a sphere of
// radius 0.6, and each face is its centre plus isotropic Gaussian noise (sigma 0.025 per
// coordinate), 1 to 8 faces per identity. The radii are set to dlib ResNet's observed
// distances: same person about 0.3-0.5, strangers about 0.8-1.0 (docs/ACCURACY.md).
//
// That isotropic geometry is the default. With SyntheticOptions::model, identities and faces are
// drawn from a two-covariance model fitted on real embeddings instead (embedding_model.h):
// same spread, but along the directions a real model uses, with its close strangers.
//
// Galleries are streamed (SyntheticStream): 50M faces of 128 floats are 25.6 GB, more than the
// machine's memory, so builds and exact scans see the gallery one chunk at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "index/embedding_model.h"

namespace facetrace::bench {

struct SyntheticGallery {
  int dim = 128;
  std::vector<float> vectors;       // size() * dim floats
  std::vector<int64_t> ids;         // face ids, increasing from 1 (row + 1)
  std::vector<int64_t> identities;  // identity of each face
  int64_t size() const { return static_cast<int64_t>(ids.size()); }
};

struct SyntheticOptions {
  int64_t faces = 100000;
  int dim = 128;
  int max_faces_per_identity = 8;  // uniform in 1..max: mean (max+1)/2
  uint64_t seed = 1;
  std::shared_ptr<const EmbeddingModel> model;  // null: isotropic; else its dim is used
};

// The gallery of `options`, in order, a chunk at a time. Deterministic for a given seed: the
// concatenated chunks are the same whatever the chunk sizes.
class SyntheticStream {
 public:
  explicit SyntheticStream(const SyntheticOptions& options);
  // Replaces `chunk` with up to `n` next faces; returns false (and an empty chunk) at the end.
  bool Next(int64_t n, SyntheticGallery& chunk);
  int64_t produced() const { return produced_; }

 private:
  SyntheticOptions options_;
  std::mt19937_64 rng_;
  std::vector<float> centre_;
  int64_t identity_ = -1;
  int64_t left_in_identity_ = 0;
  int64_t produced_ = 0;
};

// The whole gallery in memory (small sizes only).
SyntheticGallery MakeGallery(const SyntheticOptions& options);

// `n` probes: fresh faces (new noise) of identities drawn from the gallery of `options`, as an
// investigator's photo of an enrolled person would be. Streams the gallery once to pick up the
// faces the probes start from. Returns n * dim floats; `identities`, when given, receives each
// probe's identity.
std::vector<float> MakeProbes(const SyntheticOptions& options, int64_t n, uint64_t seed,
                              std::vector<int64_t>* identities = nullptr);

// Same-person and stranger pair distances, to check a generator against a real model's.
struct DistanceCheck {
  std::vector<double> same;
  std::vector<double> different;
  double SameMedian() const;
  double DifferentMedian() const;
  // The fraction of stranger pairs closer than `distance` (a false-match rate), and of
  // same-person pairs further (a false-non-match rate).
  double StrangersCloserThan(double distance) const;
  double SamePersonFurtherThan(double distance) const;
};
// `pairs` random pairs of each kind.
DistanceCheck CheckDistances(const SyntheticGallery& gallery, int pairs, uint64_t seed);
// Every pair of `faces`, strangers only within one set ("<set>/..." identities), as
// `facetrace calibrate` counts them.
DistanceCheck CheckDistances(const std::vector<LabelledEmbedding>& faces);

}  // namespace facetrace::bench
