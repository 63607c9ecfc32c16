// Gallery: the catalog (truth) and the vector index (cache) of one database, kept in step.
//
// Opening a gallery loads "<db>.faiss" when it reflects the catalog's current generation and
// otherwise rebuilds it from the stored embeddings (a crash mid-enroll, a deleted index file
// or a write by another process all end here). Search answers per identity: each identity
// appears once, with the distance of its closest gallery face.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/face.h"
#include "index/face_index.h"

namespace facetrace {

struct Candidate {
  int64_t identity_id = 0;
  std::string identity;
  float distance = 0;
  float score = 0;  // see pipeline/match_score.h
  int64_t face_id = 0;
  int64_t image_id = 0;  // the gallery photo holding face_id
  std::string gallery_image;
  nlohmann::json identity_metadata = nlohmann::json::object();
  std::optional<double> false_match_rate;  // set by a MatchPolicy (pipeline/match_policy.h)
  bool possible_match = false;             // within the policy's false-match rate
};

class Gallery {
 public:
  static std::unique_ptr<Gallery> Open(const std::filesystem::path& db_path);
  ~Gallery();

  Catalog& catalog() { return *catalog_; }
  const Catalog& catalog() const { return *catalog_; }
  const FaceIndex& index() const { return *index_; }
  std::filesystem::path index_path() const;
  // True when Open had to rebuild the index from the catalog.
  bool index_was_rebuilt() const { return rebuilt_; }

  // Up to `top_k` identities nearest to `probe`, best first.
  std::vector<Candidate> Search(const Embedding& probe, int top_k) const;
  // The same, resolving face ids through `lookup`, another connection to this gallery's
  // catalog. The index search is const and safe from many threads (index/face_index.h), but a
  // Catalog connection belongs to one thread: concurrent searches each bring their own.
  std::vector<Candidate> Search(const Embedding& probe, int top_k, const Catalog& lookup) const;

  // Puts faces the caller has just committed to the catalog into the index.
  void IndexFaces(const std::vector<int64_t>& face_ids, const std::vector<Embedding>& embeddings);

  // Removes the identity from catalog and index (index saved at once). Returns the number
  // of faces removed; throws Error(kNotFound) for an unknown name.
  int64_t RemoveIdentity(const std::string& name);

  // Persists the index with the catalog generation it now reflects.
  void SaveIndex();

 private:
  explicit Gallery(std::unique_ptr<Catalog> catalog);
  void LoadOrRebuildIndex();

  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<FaceIndex> index_;
  bool rebuilt_ = false;
};

}  // namespace facetrace
