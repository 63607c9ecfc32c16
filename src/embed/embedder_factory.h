// The embedder named by a spec string, like FAISS's index factory:
//
//   "dlib"                          dlib's ResNet (the default)
//   "models/faceplugin_mfn.json"    an ONNX model described by a config file
//                                   (embed/onnx_embedder_config.h); a bare name such as
//                                   "faceplugin_mfn" is looked up in the model folder
//   "dlib+faceplugin_mfn"           score-level fusion of the parts (embed/fused_embedder.h)
#pragma once

#include <memory>
#include <string>

#include "core/model_paths.h"
#include "embed/face_embedder.h"

namespace facetrace {

constexpr const char* kDefaultEmbedder = "dlib";

// Loads the models. Throws Error(kNotFound) for a config that is nowhere to be found,
// Error(kInvalidArgument) for a malformed spec or config, and the embedders' model errors.
std::unique_ptr<FaceEmbedder> CreateFaceEmbedder(const std::string& spec, const ModelPaths& models,
                                                 const EmbedderOptions& options = {});

// What CreateFaceEmbedder(spec, ...) would report as info(), reading configs but no networks:
// cheap enough to check a catalog's model before any work starts. Throws as CreateFaceEmbedder
// does for the spec and configs.
EmbedderInfo DescribeFaceEmbedder(const std::string& spec, const ModelPaths& models,
                                  const EmbedderOptions& options = {});

}  // namespace facetrace
