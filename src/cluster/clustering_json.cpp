#include "cluster/clustering_json.h"

#include <fstream>

#include "core/error.h"

namespace facetrace {

namespace {

using nlohmann::json;

json FaceToJson(const ClusterFace& face) {
  return {
      {"image", face.image},     {"width", face.width},
      {"height", face.height},   {"box", {face.box.x, face.box.y, face.box.width, face.box.height}},
      {"quality", face.quality}, {"embedding", face.embedding}};
}

ClusterFace FaceFromJson(const json& j, int dim) {
  ClusterFace face;
  face.image = j.at("image").get<std::string>();
  face.width = j.at("width").get<int>();
  face.height = j.at("height").get<int>();
  const json& box = j.at("box");
  if (!box.is_array() || box.size() != 4) throw std::invalid_argument("box is not [x,y,w,h]");
  face.box = {box[0].get<float>(), box[1].get<float>(), box[2].get<float>(), box[3].get<float>()};
  face.quality = j.at("quality").get<float>();
  face.embedding = j.at("embedding").get<Embedding>();
  if (face.embedding.size() != static_cast<size_t>(dim))
    throw std::invalid_argument("an embedding does not have " + std::to_string(dim) + " values");
  return face;
}

json FacesToJson(const std::vector<ClusterFace>& faces) {
  json array = json::array();
  for (const ClusterFace& face : faces) array.push_back(FaceToJson(face));
  return array;
}

std::vector<ClusterFace> FacesFromJson(const json& array, int dim) {
  std::vector<ClusterFace> faces;
  for (const json& j : array) faces.push_back(FaceFromJson(j, dim));
  return faces;
}

}  // namespace

json ClusteringToJson(const Clustering& clustering) {
  json clusters = json::array();
  for (const Cluster& cluster : clustering.clusters) {
    clusters.push_back({{"id", cluster.id},
                        {"size", cluster.faces.size()},
                        {"faces", FacesToJson(cluster.faces)}});
  }
  return {{"version", kClusteringFormatVersion},
          {"method", ClusterMethodName(clustering.options.method)},
          {"threshold", clustering.options.threshold},
          {"min_size", clustering.options.min_size},
          {"next_id", clustering.next_id},
          {"model",
           {{"id", clustering.model.model_id},
            {"dim", clustering.model.dim},
            {"match_distance", clustering.model.match_distance}}},
          {"images", clustering.images},
          {"clusters", clusters},
          {"outliers", FacesToJson(clustering.outliers)}};
}

Clustering ClusteringFromJson(const json& j) {
  try {
    if (j.at("version").get<int>() != kClusteringFormatVersion)
      throw std::invalid_argument("unknown version " + j.at("version").dump());
    Clustering clustering;
    clustering.options.method = ParseClusterMethod(j.at("method").get<std::string>());
    clustering.options.threshold = j.at("threshold").get<float>();
    clustering.options.min_size = j.at("min_size").get<int>();
    clustering.next_id = j.at("next_id").get<int>();
    clustering.images = j.at("images").get<std::vector<std::string>>();
    if (const auto model = j.find("model"); model != j.end()) {  // absent before models
      clustering.model = {model->at("id").get<std::string>(), model->at("dim").get<int>(),
                          model->at("match_distance").get<float>()};
    }
    const int dim = clustering.model.dim;
    for (const json& c : j.at("clusters")) {
      Cluster cluster;
      cluster.id = c.at("id").get<int>();
      cluster.faces = FacesFromJson(c.at("faces"), dim);
      clustering.clusters.push_back(std::move(cluster));
    }
    clustering.outliers = FacesFromJson(j.at("outliers"), dim);
    return clustering;
  } catch (const std::exception& e) {  // nlohmann's type/out_of_range errors and ours
    throw Error(ErrorCode::kInvalidArgument,
                std::string("not a facetrace clustering: ") + e.what());
  }
}

void SaveClustering(const Clustering& clustering, const std::filesystem::path& path) {
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << ClusteringToJson(clustering).dump() << "\n";
    out.flush();
    if (!out) throw Error(ErrorCode::kIo, "cannot write " + temporary.string());
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) throw Error(ErrorCode::kIo, "cannot write " + path.string() + ": " + ec.message());
}

Clustering LoadClustering(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kNotFound, "cannot read clustering " + path.string());
  try {
    return ClusteringFromJson(json::parse(in));
  } catch (const json::parse_error& e) {
    throw Error(ErrorCode::kInvalidArgument, path.string() + " is not JSON: " + e.what());
  } catch (const Error& e) {
    throw Error(e.code(), path.string() + ": " + e.what());
  }
}

}  // namespace facetrace
