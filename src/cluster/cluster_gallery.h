// A cluster meets the gallery: enrolled as a new identity, or searched as one template.
//
// Enrolling writes the clustered faces themselves (their stored boxes and embeddings) rather
// than re-detecting the photos, so in a group photo the face that was clustered is the one
// enrolled, not the photo's largest face, and no model is needed.
#pragma once

#include <string>
#include <vector>

#include "cluster/clustering.h"
#include "embed/fused_template.h"
#include "pipeline/gallery.h"

namespace facetrace {

// The cluster's faces fused into one template (embed/fused_template.h).
Embedding ClusterTemplate(const Cluster& cluster);

struct ClusterEnrollResult {
  int64_t identity_id = 0;
  int images_added = 0;
  int images_already_present = 0;  // same bytes already in the catalog: left as they were
};

// Adds every photo of `cluster` under the identity `name` (created if absent), with the
// clustered face(s) of that photo, one transaction per photo, and indexes them. `source` is
// recorded as each image's provenance. Throws Error(kInvalidArgument) for an empty name, and
// the reading errors of a photo that has disappeared (naming it).
ClusterEnrollResult EnrollCluster(Gallery& gallery, const Cluster& cluster, const std::string& name,
                                  const std::string& source);

// The gallery identities nearest to the cluster's template, best first.
std::vector<Candidate> SearchCluster(const Gallery& gallery, const Cluster& cluster, int top_k);

}  // namespace facetrace
