// OnnxEmbedder: any ArcFace-style ONNX recognition model, run by OpenCV DNN and described by
// an OnnxEmbedderConfig (embed/onnx_embedder_config.h). Each face is warped by its 5
// landmarks onto the config's template (align/template_alignment.h), converted to the model's
// channel order and normalisation, and embedded in batches (NCHW float input, one output
// row of output_dim values per face).
#pragma once

#include <opencv2/dnn.hpp>

#include "embed/face_embedder.h"
#include "embed/onnx_embedder_config.h"

namespace facetrace {

class OnnxEmbedder : public FaceEmbedder {
 public:
  // Throws Error(kModelMissing) when the model file is absent, Error(kModelInvalid) when
  // OpenCV cannot load it, Error(kInvalidArgument) for options this model does not support
  // (jitter) or a batch size below 1.
  OnnxEmbedder(const OnnxEmbedderConfig& config, const EmbedderOptions& options = {});

  static EmbedderInfo Describe(const OnnxEmbedderConfig& config, const EmbedderOptions& options);

  const EmbedderInfo& info() const override { return info_; }
  // Error(kModelInvalid) when the network's output does not hold output_dim values per face.
  std::vector<Embedding> Embed(const cv::Mat& bgr, const std::vector<FaceToEmbed>& faces) override;

  // The aligned chip the network reads for `landmarks`, in BGR (for inspection and tests).
  cv::Mat AlignedChip(const cv::Mat& bgr, const Landmarks& landmarks) const;

 private:
  // Runs the network over `chips` (BGR, template size); one embedding per chip.
  std::vector<Embedding> Forward(const std::vector<cv::Mat>& chips);

  OnnxEmbedderConfig config_;
  EmbedderOptions options_;
  EmbedderInfo info_;
  cv::dnn::Net net_;
};

}  // namespace facetrace
