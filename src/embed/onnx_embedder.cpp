#include "embed/onnx_embedder.h"

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace facetrace {

EmbedderInfo OnnxEmbedder::Describe(const OnnxEmbedderConfig& config,
                                    const EmbedderOptions& options) {
  return {EmbeddingModelId(config.model_id, options), config.output_dim, config.match_distance};
}

OnnxEmbedder::OnnxEmbedder(const OnnxEmbedderConfig& config, const EmbedderOptions& options)
    : config_(config), options_(options), info_(Describe(config, options)) {
  if (options_.batch_size < 1) {
    throw Error(ErrorCode::kInvalidArgument, "embedding batch size must be at least 1");
  }
  if (options_.jitters != 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "jitter fusion is implemented for dlib's ResNet only, not for " + config.model_id);
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(config_.model, ec)) {
    throw Error(ErrorCode::kModelMissing, fmt::format("model file {} of embedder {} is missing",
                                                      config_.model.string(), config_.model_id));
  }
  try {
    net_ = cv::dnn::readNetFromONNX(config_.model.string());
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::kModelInvalid,
                fmt::format("cannot load ONNX model {}: {}", config_.model.string(), e.what()));
  }
  if (net_.empty()) {
    throw Error(ErrorCode::kModelInvalid, "cannot load ONNX model " + config_.model.string());
  }
}

cv::Mat OnnxEmbedder::AlignedChip(const cv::Mat& bgr, const Landmarks& landmarks) const {
  return WarpToTemplate(bgr, landmarks, config_.alignment);
}

std::vector<Embedding> OnnxEmbedder::Forward(const std::vector<cv::Mat>& chips) {
  // (pixel - mean) / std per channel, in the model's channel order, as NCHW floats.
  std::vector<cv::Mat> inputs;
  inputs.reserve(chips.size());
  const cv::Scalar mean(config_.mean[0], config_.mean[1], config_.mean[2]);
  const cv::Scalar inv_std(1 / config_.std[0], 1 / config_.std[1], 1 / config_.std[2]);
  for (const cv::Mat& chip : chips) {
    cv::Mat ordered, input;
    if (config_.rgb) {
      cv::cvtColor(chip, ordered, cv::COLOR_BGR2RGB);
    } else {
      ordered = chip;
    }
    ordered.convertTo(input, CV_32FC3);
    cv::subtract(input, mean, input);
    cv::multiply(input, inv_std, input);
    inputs.push_back(input);
  }
  const cv::Mat blob = cv::dnn::blobFromImages(inputs);
  cv::Mat output;
  try {
    net_.setInput(blob);
    output = config_.output_layer.empty() ? net_.forward() : net_.forward(config_.output_layer);
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::kModelInvalid,
                fmt::format("embedder {} failed to run: {}", config_.model_id, e.what()));
  }
  // Some exported models flatten the batch into one row ([1, N * dim]); the values are in
  // face order either way.
  const size_t dim = static_cast<size_t>(config_.output_dim);
  if (output.total() != chips.size() * dim || output.depth() != CV_32F) {
    throw Error(ErrorCode::kModelInvalid,
                fmt::format("embedder {}: the model gave {} values for {} faces; the config says "
                            "output_dim {}",
                            config_.model_id, output.total(), chips.size(), dim));
  }
  const cv::Mat flat = output.isContinuous() ? output : output.clone();
  const auto* values = flat.ptr<float>();
  std::vector<Embedding> out;
  for (size_t i = 0; i < chips.size(); ++i) {
    out.emplace_back(values + i * dim, values + (i + 1) * dim);
    if (config_.l2_normalize) NormalizeL2(out.back());
  }
  return out;
}

std::vector<Embedding> OnnxEmbedder::Embed(const cv::Mat& bgr,
                                           const std::vector<FaceToEmbed>& faces) {
  std::vector<Embedding> out;
  out.reserve(faces.size());
  const auto batch = static_cast<size_t>(options_.batch_size);
  for (size_t first = 0; first < faces.size(); first += batch) {
    const size_t last = std::min(faces.size(), first + batch);
    std::vector<cv::Mat> chips;
    for (size_t i = first; i < last; ++i) chips.push_back(AlignedChip(bgr, faces[i].landmarks));
    std::vector<Embedding> embeddings = Forward(chips);
    if (options_.flip_fusion) {
      // The mean of the (unit) embeddings of the chip and its mirror image, made unit again.
      for (cv::Mat& chip : chips) cv::flip(chip, chip, 1);
      const std::vector<Embedding> mirror = Forward(chips);
      for (size_t i = 0; i < embeddings.size(); ++i) {
        for (size_t d = 0; d < embeddings[i].size(); ++d) {
          embeddings[i][d] = (embeddings[i][d] + mirror[i][d]) * 0.5f;
        }
        if (config_.l2_normalize) NormalizeL2(embeddings[i]);
      }
    }
    for (Embedding& e : embeddings) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace facetrace
