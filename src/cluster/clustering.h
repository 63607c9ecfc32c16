// Clustering: the faces of unknown people grouped into clusters, plus a bucket of outliers,
// and how new faces are added to it without renumbering what exists (incremental runs of
// `facetrace cluster --out DIR`).
#pragma once

#include <string>
#include <vector>

#include "cluster/average_linkage.h"
#include "cluster/chinese_whispers.h"
#include "core/face.h"
#include "embed/face_embedder.h"

namespace facetrace {

// One face, with what is needed to show it (image, box) and to compare it (embedding).
struct ClusterFace {
  std::string image;  // absolute path of the photo
  int width = 0;      // of the photo, in pixels
  int height = 0;
  Box box;
  float quality = 0;
  Embedding embedding;
};

// dlib's flip-fused ResNet: what clusterings made before models were recorded hold.
EmbedderInfo DefaultClusteringModel();

struct Cluster {
  int id = 0;  // stable across incremental runs; 1, 2, ... in order of creation
  std::vector<ClusterFace> faces;
};

enum class ClusterMethod {
  kChineseWhispers,  // the default: see chinese_whispers.h
  kAverageLinkage,   // more conservative, splits people more: see average_linkage.h
};

// "whispers" / "average", as the CLI's --method spells them.
const char* ClusterMethodName(ClusterMethod method);
// Throws Error(kInvalidArgument) naming `name` for anything else.
ClusterMethod ParseClusterMethod(const std::string& name);
// The measured default distance threshold of each method.
float DefaultClusterThreshold(ClusterMethod method);

struct ClusterOptions {
  ClusterMethod method = ClusterMethod::kChineseWhispers;
  float threshold = kDefaultWhispersThreshold;  // Euclidean distance; see each method
  int min_size = 2;                             // smaller groups go to the outlier bucket
};

struct Clustering {
  ClusterOptions options;
  // The model of every embedding here: faces of two models are never clustered together.
  EmbedderInfo model = DefaultClusteringModel();
  int next_id = 1;
  std::vector<Cluster> clusters;      // by id
  std::vector<ClusterFace> outliers;  // the singleton bucket: faces that joined no cluster
  std::vector<std::string> images;    // every photo already processed (faces or not)
};

// Clusters `faces` together with everything already in `clustering`: existing clusters keep
// their ids and may gain faces, outliers and new faces may join them or form new clusters of
// at least `options.min_size` faces (ids from next_id, in input order); the rest become
// outliers. Two existing clusters are never merged. `clustering.options` becomes `options`.
// Throws Error(kInvalidArgument) for min_size < 1 or a threshold that is not positive.
void AddFaces(Clustering& clustering, std::vector<ClusterFace> faces,
              const ClusterOptions& options);

// The cluster with `id`; throws Error(kNotFound) naming the id when there is none.
const Cluster& FindCluster(const Clustering& clustering, int id);

// Per face of the clustering, in the order clusters then outliers: its cluster id, or a
// distinct negative number per outlier (each outlier is its own group when scoring).
std::vector<int> FaceLabels(const Clustering& clustering);

}  // namespace facetrace
