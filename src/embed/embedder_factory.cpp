#include "embed/embedder_factory.h"

#include <vector>

#include "core/error.h"
#include "embed/dlib_resnet_embedder.h"
#include "embed/fused_embedder.h"
#include "embed/onnx_embedder.h"

namespace facetrace {

namespace {

std::vector<std::string> SplitParts(const std::string& spec) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t plus = spec.find('+', start);
    parts.push_back(spec.substr(start, plus - start));
    if (parts.back().empty()) {
      throw Error(ErrorCode::kInvalidArgument,
                  "embedder '" + spec + "': expected dlib, a config file, or parts joined by '+'");
    }
    if (plus == std::string::npos) return parts;
    start = plus + 1;
  }
}

// A config file: the path as given, else <models>/<name> or <models>/<name>.json.
std::filesystem::path FindConfig(const std::string& name, const ModelPaths& models) {
  const std::filesystem::path candidates[] = {name, models.directory() / name,
                                              models.directory() / (name + ".json")};
  for (const auto& path : candidates) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) return path;
  }
  throw Error(ErrorCode::kNotFound,
              "embedder '" + name + "' is neither \"dlib\" nor a config file (looked for " + name +
                  ", " + candidates[1].string() + " and " + candidates[2].string() + ")");
}

std::unique_ptr<FaceEmbedder> CreatePart(const std::string& part, const ModelPaths& models,
                                         const EmbedderOptions& options) {
  if (part == kDefaultEmbedder) {
    return std::make_unique<DlibResnetEmbedder>(models.Require(ModelFiles::kResnet), options);
  }
  return std::make_unique<OnnxEmbedder>(LoadOnnxEmbedderConfig(FindConfig(part, models)), options);
}

EmbedderInfo DescribePart(const std::string& part, const ModelPaths& models,
                          const EmbedderOptions& options) {
  if (part == kDefaultEmbedder) return DlibResnetEmbedder::Describe(options);
  return OnnxEmbedder::Describe(LoadOnnxEmbedderConfig(FindConfig(part, models)), options);
}

// Jitter is a dlib-only option: in a fusion it applies to the dlib part.
EmbedderOptions PartOptions(const std::string& part, EmbedderOptions options) {
  if (part != kDefaultEmbedder) options.jitters = 0;
  return options;
}

}  // namespace

std::unique_ptr<FaceEmbedder> CreateFaceEmbedder(const std::string& spec, const ModelPaths& models,
                                                 const EmbedderOptions& options) {
  const std::vector<std::string> parts = SplitParts(spec);
  if (parts.size() == 1) return CreatePart(parts[0], models, options);
  std::vector<std::unique_ptr<FaceEmbedder>> embedders;
  for (const std::string& part : parts) {
    embedders.push_back(CreatePart(part, models, PartOptions(part, options)));
  }
  return std::make_unique<FusedEmbedder>(std::move(embedders));
}

EmbedderInfo DescribeFaceEmbedder(const std::string& spec, const ModelPaths& models,
                                  const EmbedderOptions& options) {
  const std::vector<std::string> parts = SplitParts(spec);
  if (parts.size() == 1) return DescribePart(parts[0], models, options);
  std::vector<EmbedderInfo> infos;
  for (const std::string& part : parts) {
    infos.push_back(DescribePart(part, models, PartOptions(part, options)));
  }
  return FusedEmbedder::Describe(infos);
}

}  // namespace facetrace
