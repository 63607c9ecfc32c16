#include "cluster/cluster_gallery.h"

#include <cmath>
#include <limits>
#include <map>

#include "core/error.h"
#include "embed/face_embedder.h"
#include "io/image_loader.h"
#include "io/sha256.h"

namespace facetrace {

Embedding FusedTemplate(const std::vector<Embedding>& embeddings) {
  if (embeddings.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "a template needs at least one face");
  }
  Embedding mean(embeddings.front().size(), 0.0f);
  double mean_length = 0;
  for (const Embedding& e : embeddings) {
    if (e.size() != mean.size())
      throw Error(ErrorCode::kInvalidArgument, "embeddings of different lengths cannot be fused");
    double squared = 0;
    for (size_t d = 0; d < e.size(); ++d) {
      mean[d] += e[d];
      squared += static_cast<double>(e[d]) * e[d];
    }
    mean_length += std::sqrt(squared);
  }
  mean_length /= static_cast<double>(embeddings.size());
  double squared = 0;
  for (float v : mean) squared += static_cast<double>(v) * v;
  const double length = std::sqrt(squared);
  if (length > 0) {
    for (float& v : mean) v = static_cast<float>(v / length * mean_length);
  }
  return mean;
}

Embedding ClusterTemplate(const Cluster& cluster) {
  std::vector<Embedding> embeddings;
  for (const ClusterFace& face : cluster.faces) embeddings.push_back(face.embedding);
  return FusedTemplate(embeddings);
}

ClusterEnrollResult EnrollCluster(Gallery& gallery, const Cluster& cluster, const std::string& name,
                                  const std::string& source) {
  if (name.empty()) throw Error(ErrorCode::kInvalidArgument, "the identity name is empty");
  Catalog& catalog = gallery.catalog();
  ClusterEnrollResult result;
  result.identity_id = catalog.EnsureIdentity(name);
  std::map<std::string, std::vector<const ClusterFace*>> by_image;  // a photo may hold two
  for (const ClusterFace& face : cluster.faces) by_image[face.image].push_back(&face);
  for (const auto& [path, faces] : by_image) {
    const std::vector<uint8_t> bytes = ReadFileBytes(path, std::numeric_limits<int64_t>::max());
    ImageRecord image;
    image.sha256 = Sha256Hex(bytes);
    image.path = path;
    image.source = source;
    image.identity_id = result.identity_id;
    image.width = faces.front()->width;
    image.height = faces.front()->height;
    std::vector<FaceRecord> records;
    std::vector<Embedding> embeddings;
    for (const ClusterFace* face : faces) {
      FaceRecord record;
      record.box = face->box;
      record.quality = face->quality;
      record.model_id = FaceEmbedder::kModelId;
      record.embedding = face->embedding;
      records.push_back(record);
      embeddings.push_back(face->embedding);
    }
    const auto face_ids = catalog.AddImage(image, records);
    if (!face_ids) {
      ++result.images_already_present;
      continue;
    }
    gallery.IndexFaces(*face_ids, embeddings);
    ++result.images_added;
  }
  gallery.SaveIndex();
  return result;
}

std::vector<Candidate> SearchCluster(const Gallery& gallery, const Cluster& cluster, int top_k) {
  return gallery.Search(ClusterTemplate(cluster), top_k);
}

}  // namespace facetrace
