#include "cluster/cluster_gallery.h"

#include <cmath>
#include <limits>
#include <map>

#include "core/error.h"
#include "embed/face_embedder.h"
#include "io/image_loader.h"
#include "io/sha256.h"

namespace facetrace {

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
      record.model_id = gallery.model().model_id;
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
