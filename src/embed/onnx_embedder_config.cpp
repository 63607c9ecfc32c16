#include "embed/onnx_embedder_config.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "core/error.h"

namespace facetrace {

namespace {

using nlohmann::json;

class ConfigReader {
 public:
  ConfigReader(const json& j, std::string source) : j_(j), source_(std::move(source)) {}

  [[noreturn]] void Fail(const std::string& key, const std::string& why) const {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("embedder config {}: \"{}\" {}", source_, key, why));
  }
  const json* Find(const std::string& key) const {
    const auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  std::string String(const std::string& key, const std::string& fallback, bool required) const {
    const json* v = Find(key);
    if (!v) {
      if (required) Fail(key, "is required");
      return fallback;
    }
    if (!v->is_string() || v->get<std::string>().empty()) Fail(key, "must be a non-empty string");
    return v->get<std::string>();
  }
  double Number(const std::string& key, double fallback) const {
    const json* v = Find(key);
    if (!v) return fallback;
    if (!v->is_number()) Fail(key, "must be a number");
    return v->get<double>();
  }
  bool Bool(const std::string& key, bool fallback) const {
    const json* v = Find(key);
    if (!v) return fallback;
    if (!v->is_boolean()) Fail(key, "must be true or false");
    return v->get<bool>();
  }
  // One number for all three channels, or three.
  std::array<double, 3> PerChannel(const std::string& key, double fallback) const {
    const json* v = Find(key);
    if (!v) return {fallback, fallback, fallback};
    if (v->is_number()) {
      const double x = v->get<double>();
      return {x, x, x};
    }
    if (!v->is_array() || v->size() != 3 ||
        !std::all_of(v->begin(), v->end(), [](const json& x) { return x.is_number(); })) {
      Fail(key, "must be a number or an array of 3 numbers");
    }
    return {(*v)[0].get<double>(), (*v)[1].get<double>(), (*v)[2].get<double>()};
  }

 private:
  const json& j_;
  std::string source_;
};

cv::Size InputSize(const ConfigReader& r) {
  const json* v = r.Find("input_size");
  if (!v) return {112, 112};
  if (!v->is_array() || v->size() != 2 || !(*v)[0].is_number_integer() ||
      !(*v)[1].is_number_integer() || (*v)[0].get<int>() < 16 || (*v)[1].get<int>() < 16 ||
      (*v)[0].get<int>() > 1024 || (*v)[1].get<int>() > 1024) {
    r.Fail("input_size", "must be [width, height], integers from 16 to 1024");
  }
  return {(*v)[0].get<int>(), (*v)[1].get<int>()};
}

LandmarkTemplate Template(const ConfigReader& r, cv::Size size) {
  const json* v = r.Find("template");
  if (!v || (v->is_string() && v->get<std::string>() == "arcface_112")) {
    LandmarkTemplate t = ArcFaceTemplate112();
    if (size != t.size) {
      r.Fail("template", "\"arcface_112\" needs input_size [112, 112]; give the 5 points instead");
    }
    return t;
  }
  if (!v->is_array() || v->size() != static_cast<size_t>(kLandmarkCount)) {
    r.Fail("template", "must be \"arcface_112\" or 5 [x, y] points");
  }
  LandmarkTemplate t{size, {}};
  for (size_t i = 0; i < t.points.size(); ++i) {
    const json& p = (*v)[i];
    if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number()) {
      r.Fail("template", "must be \"arcface_112\" or 5 [x, y] points");
    }
    t.points[i] = {p[0].get<float>(), p[1].get<float>()};
    if (t.points[i].x < 0 || t.points[i].x > size.width || t.points[i].y < 0 ||
        t.points[i].y > size.height) {
      r.Fail("template", "points must lie inside the input_size chip");
    }
  }
  return t;
}

float MatchDistance(const ConfigReader& r, bool unit_length) {
  const std::string metric = r.String("metric", "cosine", false);
  if (metric == "cosine") {
    if (!unit_length) r.Fail("metric", "\"cosine\" needs \"l2_normalize\": true");
    const double s = r.Number("threshold", 0.3);
    if (!(s > -1 && s < 1)) r.Fail("threshold", "must be a cosine similarity in (-1, 1)");
    return static_cast<float>(std::sqrt(2 - 2 * s));
  }
  if (metric == "euclidean") {
    if (!r.Find("threshold")) r.Fail("threshold", "is required with \"metric\": \"euclidean\"");
    const double d = r.Number("threshold", 0);
    if (!(d > 0)) r.Fail("threshold", "must be a positive distance");
    return static_cast<float>(d);
  }
  r.Fail("metric", "must be \"cosine\" or \"euclidean\"");
}

}  // namespace

OnnxEmbedderConfig ParseOnnxEmbedderConfig(const json& j, const std::filesystem::path& base_dir,
                                           const std::string& source) {
  if (!j.is_object()) {
    throw Error(ErrorCode::kInvalidArgument,
                "embedder config " + source + " must be a JSON object");
  }
  const ConfigReader r(j, source);
  OnnxEmbedderConfig c;
  c.model_id = r.String("model_id", "", true);
  if (c.model_id.find_first_of("+ \t\n") != std::string::npos) {
    r.Fail("model_id", "must not contain '+' or white space");
  }
  const std::filesystem::path model = r.String("model", "", true);
  c.model = model.is_absolute() ? model : base_dir / model;
  c.alignment = Template(r, InputSize(r));
  const std::string order = r.String("colour_order", "RGB", false);
  if (order != "RGB" && order != "BGR") r.Fail("colour_order", "must be \"RGB\" or \"BGR\"");
  c.rgb = order == "RGB";
  c.mean = r.PerChannel("mean", 127.5);
  c.std = r.PerChannel("std", 128.0);
  for (const double s : c.std) {
    if (!(s > 0)) r.Fail("std", "must be positive");
  }
  const json* dim = r.Find("output_dim");
  if (!dim) r.Fail("output_dim", "is required");
  if (!dim->is_number_integer() || dim->get<int>() < 1 || dim->get<int>() > 65536) {
    r.Fail("output_dim", "must be an integer from 1 to 65536");
  }
  c.output_dim = dim->get<int>();
  c.l2_normalize = r.Bool("l2_normalize", true);
  c.match_distance = MatchDistance(r, c.l2_normalize);
  c.output_layer = r.Find("output") ? r.String("output", "", true) : "";
  return c;
}

OnnxEmbedderConfig LoadOnnxEmbedderConfig(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::kNotFound, "embedder config " + path.string() + " not found");
  const json j = json::parse(in, nullptr, false);
  if (j.is_discarded()) {
    throw Error(ErrorCode::kInvalidArgument,
                "embedder config " + path.string() + " is not valid JSON");
  }
  return ParseOnnxEmbedderConfig(j, path.parent_path(), path.string());
}

}  // namespace facetrace
