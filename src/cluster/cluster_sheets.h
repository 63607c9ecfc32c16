// The pictures of an output folder of `facetrace cluster`: one contact sheet per cluster
// (cluster_0001.jpg, ...), one for the outlier bucket (outliers.jpg) and index.html showing
// them all, so a reviewer can check and name clusters before enrolling any.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "cluster/clustering.h"
#include "io/image_loader.h"

namespace facetrace {

// Faces shown per sheet: the best-quality ones, the count of the rest is in the title.
constexpr int kMaxFacesPerSheet = 48;

// "cluster_0007.jpg" for id 7.
std::string ClusterSheetName(int cluster_id);

// Writes every sheet and index.html into `dir` (which must exist) and returns the sheets'
// paths (clusters by id, then outliers.jpg when there are outliers). Each photo is decoded
// once; a photo that can no longer be read shows as a black tile. Throws Error(kIo) naming a
// file that cannot be written.
std::vector<std::filesystem::path> WriteClusterSheets(const Clustering& clustering,
                                                      const std::filesystem::path& dir,
                                                      const ImageLoadOptions& load_options = {});

}  // namespace facetrace
