#include "pipeline/gallery.h"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include <fmt/format.h>
#include "core/error.h"

#include "embed/dlib_resnet_embedder.h"
#include "pipeline/match_score.h"

namespace facetrace {

namespace {

// What a catalog without a model reads as: the default embedder, not yet recorded.
ModelRecord DefaultModel() {
  const EmbedderInfo info = DlibResnetEmbedder::Describe({});
  return {info.model_id, info.dim, info.match_distance, false, 0};
}

}  // namespace

std::unique_ptr<Gallery> Gallery::Open(const std::filesystem::path& db_path) {
  std::unique_ptr<Gallery> gallery(new Gallery(Catalog::Open(db_path)));
  gallery->model_ = gallery->catalog_->ActiveModel().value_or(DefaultModel());
  gallery->LoadOrRebuildIndex();
  return gallery;
}

std::unique_ptr<Gallery> Gallery::Open(const std::filesystem::path& db_path,
                                       const EmbedderInfo& embedder) {
  std::unique_ptr<Gallery> gallery(new Gallery(Catalog::Open(db_path)));
  Catalog& catalog = *gallery->catalog_;
  std::optional<ModelRecord> active = catalog.ActiveModel();
  if (!active) {
    catalog.RegisterModel(embedder.model_id, embedder.dim, embedder.match_distance);
    active = catalog.ActiveModel();  // the first model recorded is the active one
  }
  if (active->model_id != embedder.model_id || active->dim != embedder.dim) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} holds embeddings of model '{}' ({} floats), and this run makes "
                            "'{}' ({} floats): use the embedder and flip/jitter options the "
                            "gallery was enrolled with, or move the gallery to the new model "
                            "with `facetrace reembed --db {} --embedder ...`",
                            db_path.string(), active->model_id, active->dim, embedder.model_id,
                            embedder.dim, db_path.string()));
  }
  gallery->model_ = *active;
  gallery->LoadOrRebuildIndex();
  return gallery;
}

Gallery::Gallery(std::unique_ptr<Catalog> catalog) : catalog_(std::move(catalog)) {}
Gallery::~Gallery() = default;

std::filesystem::path Gallery::index_path() const { return catalog_->path().string() + ".faiss"; }

void Gallery::LoadOrRebuildIndex() {
  const int64_t generation = catalog_->Generation();
  const int64_t faces = catalog_->CountFaces(model_.model_id);
  std::optional<FaceIndex::Loaded> loaded;
  try {
    loaded = FaceIndex::Load(index_path());
  } catch (const Error& e) {
    // The index is only a cache of the catalog: a damaged file is rebuilt, not fatal.
    spdlog::warn("{}; rebuilding it from the catalog", e.what());
  }
  if (loaded && loaded->generation == generation && loaded->index.size() == faces &&
      loaded->index.dim() == model_.dim) {
    index_ = std::make_unique<FaceIndex>(std::move(loaded->index));
    return;
  }
  // Stale, missing or foreign: the catalog holds every embedding, so rebuild from it.
  index_ = std::make_unique<FaceIndex>(model_.dim);
  std::vector<int64_t> ids;
  std::vector<float> vectors;
  auto flush = [&] {
    index_->Add(ids, vectors);
    ids.clear();
    vectors.clear();
  };
  // Saved with the generation of the snapshot it was built from: a commit by another process
  // meanwhile then reads as stale next time, never as fresh.
  const int64_t built_at = catalog_->ForEachFace(model_.model_id, [&](const FaceRecord& face) {
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
      c.score = MatchScore(n.distance, model_.match_distance);
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
  vectors.reserve(face_ids.size() * static_cast<size_t>(model_.dim));
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
