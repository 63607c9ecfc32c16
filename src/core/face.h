// Plain value types that flow through the pipeline: a detected face and an embedded face.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace facetrace {

struct Point2f {
  float x = 0;
  float y = 0;
};

// Axis-aligned box in image pixel coordinates (top-left corner, width, height).
struct Box {
  float x = 0;
  float y = 0;
  float width = 0;
  float height = 0;

  float area() const { return width > 0 && height > 0 ? width * height : 0.0f; }
  float right() const { return x + width; }
  float bottom() const { return y + height; }
};

// Intersection over union of two boxes, in [0, 1].
float IntersectionOverUnion(const Box& a, const Box& b);

// The five landmarks every detector here reports, in this order (YuNet's order):
// right eye, left eye (from the viewer: the eye on the image's left comes first), nose tip,
// right mouth corner, left mouth corner.
constexpr int kLandmarkCount = 5;
using Landmarks = std::array<Point2f, kLandmarkCount>;

struct Detection {
  Box box;
  float score = 0;        // detector confidence; scale depends on the detector, clamp to [0,1]
  Landmarks landmarks{};  // may be estimated from the box where a detector has none
  bool has_landmarks = false;
};

// Its length is a property of the model that made it (embed/face_embedder.h: 128 for dlib's
// ResNet, 512 for typical ArcFace models); the catalog records it per model.
using Embedding = std::vector<float>;

// A face after alignment and embedding: what the catalog stores and search consumes.
struct Face {
  Detection detection;
  Landmarks aligned_landmarks{};  // 5 points from dlib's shape predictor
  float quality = 0;              // [0,1], see quality/face_quality.h
  Embedding embedding;            // the embedder's dim floats
};

}  // namespace facetrace
