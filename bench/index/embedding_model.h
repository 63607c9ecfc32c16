// A two-covariance model of face embeddings, fitted on real photos, for generating galleries
// whose geometry is that of a real model's embeddings.
//
// An identity's centre is drawn from N(mean, B) and each of its faces from N(centre, W): B is
// the covariance of identity means (how people differ), W the pooled covariance of faces
// around their own identity's mean (how photos of one person differ). It is the generative
// model behind PLDA, and the simplest one that keeps what matters to an approximate index:
// real embeddings spread along a few dominant directions, so a stranger can be close (dlib's
// calibration: 1 stranger pair in 1000 is closer than 0.47). The isotropic generator
// (synthetic_embeddings.h) puts every stranger in a random direction at about 0.93, which no
// real model does and which defeats IVF's cells (docs/PERFORMANCE.md, "Index at scale").
//
// Fitting needs labelled embeddings, which `facetrace embed` prints for a folder per identity:
//
//   facetrace embed ../shared/datasets/cs131_faces ... > real.jsonl
//   facetrace_index_bench fit --embeddings real.jsonl --out dlib_model.json
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace facetrace::bench {

struct EmbeddingModel {
  int dim = 0;
  std::vector<float> mean;     // dim values
  std::vector<float> between;  // dim x dim, row-major: centre = mean + between * z, z ~ N(0, I)
  std::vector<float> within;   // dim x dim: face = centre + within * z
  int identities = 0;          // what it was fitted on
  int faces = 0;
};

struct LabelledEmbedding {
  std::string identity;
  std::vector<float> embedding;
};

// Fits mean, B and W (each covariance factored through its eigen-decomposition, so any
// rank-deficient estimate still generates). Identities with one face add to B only. Throws
// std::runtime_error for fewer than two identities with two faces, or embeddings of unequal
// length.
EmbeddingModel FitEmbeddingModel(const std::vector<LabelledEmbedding>& faces);

// The largest face of each photo in `facetrace embed` JSON lines; the identity is the photo's
// "<set>/<folder>" (two sets may name different people alike). Photos without a face or with
// an error are skipped. Throws std::runtime_error for an unreadable file or malformed line.
std::vector<LabelledEmbedding> ReadEmbedOutput(const std::filesystem::path& jsonl);

nlohmann::json ToJson(const EmbeddingModel& model);
// Throws std::runtime_error for a document that is not a model (missing fields, wrong sizes).
EmbeddingModel EmbeddingModelFromJson(const nlohmann::json& json);
EmbeddingModel LoadEmbeddingModel(const std::filesystem::path& path);

}  // namespace facetrace::bench
