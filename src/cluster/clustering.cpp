#include "cluster/clustering.h"

#include <algorithm>
#include <map>
#include <utility>

#include "core/error.h"
#include "embed/dlib_resnet_embedder.h"

namespace facetrace {

namespace {

void CheckOptions(const ClusterOptions& options) {
  if (!(options.threshold > 0)) {
    throw Error(ErrorCode::kInvalidArgument, "the clustering threshold must be positive");
  }
  if (options.min_size < 1) {
    throw Error(ErrorCode::kInvalidArgument, "the minimum cluster size must be at least 1");
  }
}

std::vector<int> Labels(const std::vector<Embedding>& embeddings, const std::vector<int>& seeds,
                        const ClusterOptions& options) {
  if (options.method == ClusterMethod::kAverageLinkage)
    return ClusterAverageLinkage(embeddings, seeds, options.threshold);
  return ClusterChineseWhispers(embeddings, seeds, options.threshold);
}

}  // namespace

const char* ClusterMethodName(ClusterMethod method) {
  return method == ClusterMethod::kAverageLinkage ? "average" : "whispers";
}

ClusterMethod ParseClusterMethod(const std::string& name) {
  if (name == "whispers") return ClusterMethod::kChineseWhispers;
  if (name == "average") return ClusterMethod::kAverageLinkage;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown clustering method '" + name + "' (use whispers or average)");
}

EmbedderInfo DefaultClusteringModel() { return DlibResnetEmbedder::Describe({}); }

float DefaultClusterThreshold(ClusterMethod method) {
  return method == ClusterMethod::kAverageLinkage ? kDefaultAverageLinkageThreshold
                                                  : kDefaultWhispersThreshold;
}

void AddFaces(Clustering& clustering, std::vector<ClusterFace> faces,
              const ClusterOptions& options) {
  CheckOptions(options);
  clustering.options = options;
  // Items: existing clusters' faces (seeded with the cluster id), then outliers and new faces.
  std::vector<ClusterFace> items;
  std::vector<int> seeds;
  for (Cluster& cluster : clustering.clusters) {
    for (ClusterFace& face : cluster.faces) {
      items.push_back(std::move(face));
      seeds.push_back(cluster.id);
    }
    cluster.faces.clear();
  }
  for (ClusterFace& face : clustering.outliers) items.push_back(std::move(face));
  for (ClusterFace& face : faces) items.push_back(std::move(face));
  clustering.outliers.clear();
  seeds.resize(items.size(), -1);

  std::vector<Embedding> embeddings;
  embeddings.reserve(items.size());
  for (const ClusterFace& face : items) embeddings.push_back(face.embedding);
  const std::vector<int> labels = Labels(embeddings, seeds, options);

  std::map<int, size_t> existing;  // cluster id -> position
  for (size_t c = 0; c < clustering.clusters.size(); ++c) existing[clustering.clusters[c].id] = c;
  // New groups in order of their first item (labels above every seed are numbered that way).
  std::map<int, std::vector<size_t>> fresh;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!existing.count(labels[i])) fresh[labels[i]].push_back(i);
  }
  for (size_t i = 0; i < items.size(); ++i) {
    auto found = existing.find(labels[i]);
    if (found != existing.end())
      clustering.clusters[found->second].faces.push_back(std::move(items[i]));
  }
  for (auto& [label, members] : fresh) {
    if (static_cast<int>(members.size()) < options.min_size) {
      for (size_t i : members) clustering.outliers.push_back(std::move(items[i]));
      continue;
    }
    Cluster cluster;
    cluster.id = clustering.next_id++;
    for (size_t i : members) cluster.faces.push_back(std::move(items[i]));
    clustering.clusters.push_back(std::move(cluster));
  }
}

const Cluster& FindCluster(const Clustering& clustering, int id) {
  for (const Cluster& cluster : clustering.clusters) {
    if (cluster.id == id) return cluster;
  }
  throw Error(ErrorCode::kNotFound, "there is no cluster " + std::to_string(id));
}

std::vector<int> FaceLabels(const Clustering& clustering) {
  std::vector<int> labels;
  for (const Cluster& cluster : clustering.clusters)
    labels.insert(labels.end(), cluster.faces.size(), cluster.id);
  for (size_t i = 0; i < clustering.outliers.size(); ++i)
    labels.push_back(-1 - static_cast<int>(i));
  return labels;
}

}  // namespace facetrace
