// The clusters.json file an output folder of `facetrace cluster` holds: every cluster with its
// faces (photo, box, quality and embedding, so a later run can add photos incrementally and
// `cluster enroll` needs no models), the outlier bucket and the photos already processed.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "cluster/clustering.h"

namespace facetrace {

constexpr int kClusteringFormatVersion = 1;

// {"version", "method", "threshold", "min_size", "next_id", "images": [...],
//  "clusters": [{"id", "size", "faces": [{"image","width","height","box","quality","embedding"}]}],
//  "outliers": [face...]}
nlohmann::json ClusteringToJson(const Clustering& clustering);
// Throws Error(kInvalidArgument) naming what is wrong when `json` is not such an object.
Clustering ClusteringFromJson(const nlohmann::json& json);

// Writes atomically (a temporary file renamed over the old one): an interrupted run never
// leaves a half-written clusters.json. Throws Error(kIo) naming the path.
void SaveClustering(const Clustering& clustering, const std::filesystem::path& path);
// Throws Error(kNotFound) when the file is absent and Error(kInvalidArgument) when it is not
// a clustering, both naming the path.
Clustering LoadClustering(const std::filesystem::path& path);

}  // namespace facetrace
