// FaceEmbedder: aligned face -> embedding, one interface for every recognition model.
//
//   auto embedder = CreateFaceEmbedder("dlib", ModelPaths::Resolve());       // dlib's ResNet
//   auto onnx = CreateFaceEmbedder("models/faceplugin_mfn.json", models);    // any ArcFace ONNX
//
// (embed/embedder_factory.h). Each model aligns the face the way it was trained: dlib's ResNet
// reads dlib's 150x150 chip (align/face_aligner.h), ArcFace-style models warp the image by the
// 5 landmarks onto their template (align/template_alignment.h). So an embedder receives both
// and takes what it needs.
//
// Distances are Euclidean everywhere (the vector index, calibration, clustering); a model with
// unit-length embeddings therefore ranks exactly as by cosine similarity.
//
// Implementations are not thread-safe (networks keep per-forward state): one per worker.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "align/face_aligner.h"
#include "core/face.h"

namespace facetrace {

struct EmbedderOptions {
  // Average the embeddings of the chip and its mirror image: two forward passes per face, for
  // fewer misses on hard photos (docs/ACCURACY.md, "Better than the model alone").
  bool flip_fusion = true;
  // dlib's ResNet only: also average the embeddings of this many randomly jittered copies of
  // the chip (dlib::jitter_image; deterministic per face). 0: off.
  int jitters = 0;
  int batch_size = 16;  // chips per forward pass
};

// What a catalog must know about the embeddings a model makes.
struct EmbedderInfo {
  // The model and how it was run: flip fusion and jitter change the embeddings, so they are
  // part of the id (EmbeddingModelId), and embeddings of two ids never share an index.
  std::string model_id;
  int dim = 0;
  // Uncalibrated hint: two faces of one person are usually closer than this Euclidean
  // distance. Calibration (calibration/calibration.h) replaces it with measured error rates.
  float match_distance = 0.6f;
};

// One face, as every embedder may read it.
struct FaceToEmbed {
  FaceChip dlib_chip;     // dlib's 150x150 chip (face_aligner.h)
  Landmarks landmarks{};  // 5 points (core/face.h order) in the image's coordinates
};

class FaceEmbedder {
 public:
  virtual ~FaceEmbedder() = default;
  virtual const EmbedderInfo& info() const = 0;
  // One embedding of info().dim floats per face, in order. `bgr` is the 8-bit BGR image the
  // faces were found in.
  virtual std::vector<Embedding> Embed(const cv::Mat& bgr,
                                       const std::vector<FaceToEmbed>& faces) = 0;
};

// `base_id` with the run options that change embeddings appended: "-noflip" when flip fusion
// is off (the default, flip-fused, keeps the bare id that catalogs and the shipped calibration
// already use) and "-jitterN" for N jitters.
std::string EmbeddingModelId(const std::string& base_id, const EmbedderOptions& options);

// Euclidean distance between two embeddings of equal length.
float EmbeddingDistance(const Embedding& a, const Embedding& b);

// Scales `e` to unit length (left as is when it is all zeros).
void NormalizeL2(Embedding& e);

}  // namespace facetrace
