// Synthetic face-like embeddings for index benchmarks at sizes no photo set reaches.
//
// Why not uniform random vectors: real galleries are clusters (several photos per person) in a
// space where strangers sit at a typical distance. Approximate indexes behave very differently
// on the two (IVF lists and HNSW graphs exploit the clusters), so recall and speed measured on
// uniform noise would mislead. Here each identity is a centre drawn uniformly on a sphere of
// radius kCentreRadius, and each face is its centre plus isotropic Gaussian noise. The radii
// are set to dlib ResNet's observed distances: same person about 0.3-0.5, strangers about
// 0.8-1.0 (docs/ACCURACY.md).
#pragma once

#include <cstdint>
#include <vector>

namespace facetrace::bench {

struct SyntheticGallery {
  int dim = 128;
  std::vector<float> vectors;       // size() * dim floats
  std::vector<int64_t> ids;         // face ids, increasing
  std::vector<int64_t> identities;  // identity of each face
  int64_t size() const { return static_cast<int64_t>(ids.size()); }
};

struct SyntheticOptions {
  int64_t faces = 100000;
  int dim = 128;
  int max_faces_per_identity = 8;  // uniform in 1..max: mean (max+1)/2
  uint64_t seed = 1;
};

// Deterministic for a given seed.
SyntheticGallery MakeGallery(const SyntheticOptions& options);

// `n` probes: fresh faces (new noise) of identities drawn from `gallery`, as an investigator's
// photo of an enrolled person would be. Returns n * dim floats.
std::vector<float> MakeProbes(const SyntheticGallery& gallery, int64_t n, uint64_t seed);

// Same-person and stranger distances of `pairs` random pairs each (median), to check the
// generator against the dlib figures.
struct DistanceCheck {
  double same_median = 0;
  double different_median = 0;
};
DistanceCheck CheckDistances(const SyntheticGallery& gallery, int pairs, uint64_t seed);

}  // namespace facetrace::bench
