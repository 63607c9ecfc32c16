#include "pipeline/result_json.h"

#include <cmath>

namespace facetrace {

namespace {

// Coordinates to 0.1 px and scores to 1e-4: enough for any use, and stable, short output.
// Dividing by the inverse (not multiplying by the step) yields the double nearest the decimal,
// which prints short: 0.9531, not 0.9531000000000001.
double Round(double v, double step) {
  const double inverse = std::round(1.0 / step);
  return std::round(v * inverse) / inverse;
}

}  // namespace

nlohmann::json FaceToJson(const Face& face) {
  const Box& b = face.detection.box;
  nlohmann::json landmarks = nlohmann::json::array();
  for (const Point2f& p : face.detection.landmarks) {
    landmarks.push_back({Round(p.x, 0.1), Round(p.y, 0.1)});
  }
  return {{"box", {Round(b.x, 0.1), Round(b.y, 0.1), Round(b.width, 0.1), Round(b.height, 0.1)}},
          {"landmarks", landmarks},
          {"detector_score", Round(face.detection.score, 1e-4)},
          {"quality", Round(face.quality, 1e-4)}};
}

nlohmann::json CandidateToJson(const Candidate& c) {
  nlohmann::json json = {{"identity", c.identity},
                         {"identity_id", c.identity_id},
                         {"distance", Round(c.distance, 1e-4)},
                         {"score", Round(c.score, 1e-4)},
                         {"gallery_image", c.gallery_image}};
  // Ranked by template: the distance is to the mean of this many faces, and gallery_image is
  // the closest of them (the evidence to look at).
  if (c.template_faces > 0) json["template_faces"] = c.template_faces;
  if (c.false_match_rate) {
    json["false_match_rate"] = *c.false_match_rate;
    json["possible_match"] = c.possible_match;
  }
  return json;
}

namespace {

// {"image", "error", "faces"} with each face from FaceToJson, extended by `add(face, i)`.
template <typename AddToFace>
nlohmann::json ResultJson(const ImageResult& result, AddToFace add) {
  nlohmann::json faces = nlohmann::json::array();
  for (size_t i = 0; i < result.faces.size(); ++i) {
    nlohmann::json face = FaceToJson(result.faces[i]);
    add(face, i);
    faces.push_back(std::move(face));
  }
  return {{"image", result.path.string()},
          {"error", result.ok() ? nlohmann::json(nullptr) : nlohmann::json(result.error)},
          {"faces", std::move(faces)}};
}

}  // namespace

nlohmann::json IdentifyResultToJson(const ImageResult& result,
                                    const std::vector<std::vector<Candidate>>& candidates) {
  return ResultJson(result, [&](nlohmann::json& face, size_t i) {
    nlohmann::json list = nlohmann::json::array();
    bool match = false;
    for (const Candidate& c : candidates.at(i)) {
      list.push_back(CandidateToJson(c));
      match = match || c.possible_match;
    }
    face["candidates"] = std::move(list);
    face["match"] = match;
  });
}

std::string JsonLine(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json DetectResultToJson(const ImageResult& result) {
  return ResultJson(result, [](nlohmann::json&, size_t) {});
}

nlohmann::json EmbedResultToJson(const ImageResult& result) {
  return ResultJson(result, [&](nlohmann::json& face, size_t i) {
    face["embedding"] = result.faces[i].embedding;
  });
}

}  // namespace facetrace
