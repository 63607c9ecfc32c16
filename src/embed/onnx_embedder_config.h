// OnnxEmbedderConfig: everything an ArcFace-style ONNX model needs besides its weights, read
// from a small JSON file, so that a stronger model is a configuration change, not a code one:
//
//   {
//     "model_id": "faceplugin_mfn_v1",      // stored with every embedding (required)
//     "model": "fr_feature.onnx",           // relative to this file's folder (required)
//     "input_size": [112, 112],             // width, height of the aligned chip
//     "template": "arcface_112",            // or 5 [x, y] points (core/face.h order)
//     "colour_order": "RGB",                // channel order the model reads: "RGB" or "BGR"
//     "mean": 127.0,  "std": 128.0,         // input = (pixel - mean) / std; one value or three
//     "output_dim": 512,
//     "l2_normalize": true,                 // scale each embedding to unit length
//     "metric": "cosine", "threshold": 0.3, // hint: same person above cosine 0.3 (or "euclidean"
//                                           // and a distance below which faces match)
//     "output": "fc1"                       // optional: the output layer (default: the last)
//   }
//
// Only model_id, model and output_dim are required; the rest defaults to insightface's ArcFace
// conventions (112x112, its template, RGB, (x - 127.5) / 128, unit length, cosine 0.3).
#pragma once

#include <array>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "align/template_alignment.h"

namespace facetrace {

struct OnnxEmbedderConfig {
  std::string model_id;
  std::filesystem::path model;  // absolute, or relative to the working directory
  LandmarkTemplate alignment = ArcFaceTemplate112();
  bool rgb = true;
  std::array<double, 3> mean{127.5, 127.5, 127.5};  // in the model's channel order
  std::array<double, 3> std{128.0, 128.0, 128.0};
  int output_dim = 0;
  bool l2_normalize = true;
  std::string output_layer;  // empty: the network's (single) unconnected output
  // The threshold hint as a Euclidean distance (a cosine threshold s becomes sqrt(2 - 2s)).
  float match_distance = 0;
};

// Parses `json`; relative model paths are resolved against `base_dir`. Throws
// Error(kInvalidArgument) naming `source` and the key for anything missing or malformed.
OnnxEmbedderConfig ParseOnnxEmbedderConfig(const nlohmann::json& json,
                                           const std::filesystem::path& base_dir,
                                           const std::string& source);

// Reads and parses a config file: Error(kNotFound) when it is missing, Error(kInvalidArgument)
// when it is not JSON or not a valid config.
OnnxEmbedderConfig LoadOnnxEmbedderConfig(const std::filesystem::path& path);

}  // namespace facetrace
