#include "pipeline/gallery.h"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "embed/face_embedder.h"
#include "pipeline/match_score.h"

namespace facetrace {

std::unique_ptr<Gallery> Gallery::Open(const std::filesystem::path& db_path) {
  std::unique_ptr<Gallery> gallery(new Gallery(Catalog::Open(db_path)));
  gallery->LoadOrRebuildIndex();
  return gallery;
}

Gallery::Gallery(std::unique_ptr<Catalog> catalog) : catalog_(std::move(catalog)) {}
Gallery::~Gallery() = default;

std::filesystem::path Gallery::index_path() const { return catalog_->path().string() + ".faiss"; }

void Gallery::LoadOrRebuildIndex() {
  const int64_t generation = catalog_->Generation();
  const int64_t faces = catalog_->CountFaces(FaceEmbedder::kModelId);
  std::optional<FaceIndex::Loaded> loaded;
  try {
    loaded = FaceIndex::Load(index_path());
  } catch (const Error& e) {
    // The index is only a cache of the catalog: a damaged file is rebuilt, not fatal.
    spdlog::warn("{}; rebuilding it from the catalog", e.what());
  }
  if (loaded && loaded->generation == generation && loaded->index.size() == faces &&
      loaded->index.dim() == kEmbeddingDim) {
    index_ = std::make_unique<FaceIndex>(std::move(loaded->index));
    return;
  }
  // Stale, missing or foreign: the catalog holds every embedding, so rebuild from it.
  index_ = std::make_unique<FaceIndex>(kEmbeddingDim);
  std::vector<int64_t> ids;
  std::vector<float> vectors;
  auto flush = [&] {
    index_->Add(ids, vectors);
    ids.clear();
    vectors.clear();
  };
  // Saved with the generation of the snapshot it was built from: a commit by another process
  // meanwhile then reads as stale next time, never as fresh.
  const int64_t built_at =
      catalog_->ForEachFace(FaceEmbedder::kModelId, [&](const FaceRecord& face) {
        ids.push_back(face.id);
        vectors.insert(vectors.end(), face.embedding.begin(), face.embedding.end());
        if (ids.size() >= 65536) flush();
      });
  flush();
  rebuilt_ = true;
  index_->Save(index_path(), built_at);
}

std::vector<Candidate> Gallery::Search(const Embedding& probe, int top_k) const {
  return Search(probe, top_k, *catalog_);
}

std::vector<Candidate> Gallery::Search(const Embedding& probe, int top_k,
                                       const Catalog& lookup) const {
  std::vector<Candidate> candidates;
  if (top_k <= 0 || index_->size() == 0) return candidates;
  // Several faces may belong to one identity: widen the face search until it yields top_k
  // distinct identities or covers the whole index.
  std::unordered_set<int64_t> seen;
  for (int64_t k = std::max<int64_t>(4 * top_k, 32);; k *= 4) {
    k = std::min(k, index_->size());
    const auto neighbours = index_->Search(probe, static_cast<int>(k)).front();
    std::vector<int64_t> face_ids;
    for (const Neighbor& n : neighbours) face_ids.push_back(n.id);
    const auto owners = lookup.FaceIdentities(face_ids);
    candidates.clear();
    seen.clear();
    for (const Neighbor& n : neighbours) {
      const auto owner = owners.find(n.id);
      if (owner == owners.end() || !seen.insert(owner->second).second) continue;
      Candidate c;
      c.identity_id = owner->second;
      c.distance = n.distance;
      c.score = MatchScore(n.distance);
      c.face_id = n.id;
      candidates.push_back(std::move(c));
      if (static_cast<int>(candidates.size()) == top_k) break;
    }
    if (static_cast<int>(candidates.size()) == top_k || k >= index_->size()) break;
  }
  for (Candidate& c : candidates) {
    if (auto identity = lookup.GetIdentity(c.identity_id)) {
      c.identity = identity->name;
      c.identity_metadata = identity->metadata;
    }
    if (auto face = lookup.GetFace(c.face_id)) {
      c.image_id = face->image_id;
      if (auto image = lookup.GetImage(face->image_id)) c.gallery_image = image->path;
    }
  }
  return candidates;
}

void Gallery::IndexFaces(const std::vector<int64_t>& face_ids,
                         const std::vector<Embedding>& embeddings) {
  if (face_ids.size() != embeddings.size()) {
    throw Error(ErrorCode::kInternal, "IndexFaces: ids and embeddings differ in number");
  }
  std::vector<float> vectors;
  vectors.reserve(face_ids.size() * kEmbeddingDim);
  for (const Embedding& e : embeddings) vectors.insert(vectors.end(), e.begin(), e.end());
  index_->Add(face_ids, vectors);
}

int64_t Gallery::RemoveIdentity(const std::string& name) {
  const auto identity = catalog_->FindIdentity(name);
  if (!identity) throw Error(ErrorCode::kNotFound, "no identity named '" + name + "'");
  const std::vector<int64_t> face_ids = catalog_->RemoveIdentity(identity->id);
  index_->Remove(face_ids);
  SaveIndex();
  return static_cast<int64_t>(face_ids.size());
}

void Gallery::SaveIndex() { index_->Save(index_path(), catalog_->Generation()); }

}  // namespace facetrace
