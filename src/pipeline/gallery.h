// Gallery: the catalog (truth) and the vector index (cache) of one database, kept in step.
//
// Opening a gallery loads "<db>.faiss" when it reflects the catalog's current generation and
// otherwise rebuilds it from the stored embeddings (a crash mid-enroll, a deleted index file
// or a write by another process all end here). Search answers per identity: each identity
// appears once, with the distance of its closest gallery face, or (GalleryOptions::rank_by
// kMeanTemplate) with the distance of its mean template.
//
// Template ranking re-ranks a shortlist: the face index finds the kTemplateShortlist
// identities with the closest photos, and each one's template is the fused mean
// (embed/fused_template.h) of its faces, read from the catalog at search time. Templates are
// therefore never stale (enroll and remove need no second index), at the cost of one catalog
// query per search batch; an identity whose template is close but whose every photo is beyond
// the shortlist is missed, which on the dev sets never happens (docs/ACCURACY.md).
//
// A catalog may hold embeddings of several models (after `facetrace reembed`); the index holds
// those of the catalog's active model only, so embeddings of two models (or of one model with
// and without flip fusion) are never compared.
//
// The kind of index is the catalog setting "index.factory" (index/index_spec.h), or "auto":
// chosen by gallery size (ChooseFactory) whenever the index is rebuilt. A loaded index keeps
// its kind until a rebuild (`facetrace index build`), so a growing gallery never stalls an
// enroll on a surprise rebuild. A rebuild also compacts deletions an HNSW index kept as
// tombstones; opening rebuilds once they pass a fifth of the index.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/comparison.h"
#include "core/face.h"
#include "embed/face_embedder.h"
#include "index/face_index.h"

namespace facetrace {

struct Candidate {
  int64_t identity_id = 0;
  std::string identity;
  float distance = 0;
  float score = 0;         // see pipeline/match_score.h
  int64_t face_id = 0;     // the identity's closest gallery face: the evidence to show
  int template_faces = 0;  // faces averaged into the template ranked by; 0: ranked by photo
  int64_t image_id = 0;    // the gallery photo holding face_id
  std::string gallery_image;
  nlohmann::json identity_metadata = nlohmann::json::object();
  std::optional<double> false_match_rate;  // set by a MatchPolicy (pipeline/match_policy.h)
  bool possible_match = false;             // within the policy's false-match rate
};

struct GalleryOptions {
  // Memory-map a big IVF index (FaceIndex::LoadOptions::map) for a read-only server: it opens
  // in seconds, and enrolling into it is refused.
  bool map_index = false;
  // What a probe is compared with (core/comparison.h); decisions need the calibration of the
  // same comparison.
  Comparison rank_by = Comparison::kPhoto;
};

class Gallery {
 public:
  static constexpr const char* kIndexFactorySetting = "index.factory";
  // Identities re-ranked by template per search (above: enough that the right one is in it).
  static constexpr int kTemplateShortlist = 20;

  // Opens with the catalog's active model; a catalog without one (nothing enrolled yet) reads
  // as an empty gallery of the default embedder.
  static std::unique_ptr<Gallery> Open(const std::filesystem::path& db_path,
                                       GalleryOptions options = {});
  // Opens for faces embedded by `embedder` (enroll, identify): a catalog without a model adopts
  // it; one whose active model is another is Error(kInvalidArgument) naming both, and how to
  // go on (the same --embedder and flip options, or `facetrace reembed`).
  static std::unique_ptr<Gallery> Open(const std::filesystem::path& db_path,
                                       const EmbedderInfo& embedder, GalleryOptions options = {});
  ~Gallery();

  // The model whose embeddings the index holds and searches take.
  const ModelRecord& model() const { return model_; }
  Comparison rank_by() const { return rank_by_; }

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
  // The same for many probes in one index call: FAISS's exact search turns 20 or more into
  // one BLAS matrix product, several times faster per probe (docs/PERFORMANCE.md).
  std::vector<std::vector<Candidate>> Search(std::span<const Embedding> probes, int top_k) const;
  std::vector<std::vector<Candidate>> Search(std::span<const Embedding> probes, int top_k,
                                             const Catalog& lookup) const;

  // The configured factory: the "index.factory" setting, or "auto" when unset.
  std::string ConfiguredFactory() const;
  // The factory a rebuild would use now: the configured one, or ChooseFactory's for "auto".
  std::string FactoryForRebuild() const;
  // Rebuilds the index from the catalog with `factory` (training IVF/PQ kinds on a sample
  // spread over the catalog) and saves it. Throws Error(kInvalidArgument) for a bad factory,
  // leaving the current index in place.
  void RebuildIndex(const std::string& factory);

  // Puts faces the caller has just committed to the catalog into the index.
  void IndexFaces(const std::vector<int64_t>& face_ids, const std::vector<Embedding>& embeddings);

  // Removes the identity from catalog and index (index saved at once). Returns the number
  // of faces removed; throws Error(kNotFound) for an unknown name.
  int64_t RemoveIdentity(const std::string& name);

  // Persists the index with the catalog generation it now reflects.
  void SaveIndex();

 private:
  explicit Gallery(std::unique_ptr<Catalog> catalog);
  void LoadOrRebuildIndex(const GalleryOptions& options);
  // Up to `top_k` identities per probe by their closest face, distances unfilled beyond that.
  std::vector<std::vector<Candidate>> NearestIdentities(std::span<const Embedding> probes,
                                                        int top_k, const Catalog& lookup) const;
  // Replaces each shortlist's distances by probe-to-template ones and keeps the best `top_k`.
  void RankByTemplates(std::span<const Embedding> probes, int top_k, const Catalog& lookup,
                       std::vector<std::vector<Candidate>>& shortlists) const;

  std::unique_ptr<Catalog> catalog_;
  ModelRecord model_;
  std::unique_ptr<FaceIndex> index_;
  Comparison rank_by_ = Comparison::kPhoto;
  bool rebuilt_ = false;
};

}  // namespace facetrace
