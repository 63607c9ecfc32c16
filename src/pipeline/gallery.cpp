#include "pipeline/gallery.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include <fmt/format.h>
#include "core/error.h"
#include "embed/dlib_resnet_embedder.h"
#include "embed/face_embedder.h"
#include "embed/fused_template.h"
#include "index/index_spec.h"
#include "pipeline/match_score.h"

namespace facetrace {

namespace {

// What a catalog without a model reads as: the default embedder, not yet recorded.
ModelRecord DefaultModel() {
  const EmbedderInfo info = DlibResnetEmbedder::Describe({});
  return {info.model_id, info.dim, info.match_distance, false, 0};
}

}  // namespace

std::unique_ptr<Gallery> Gallery::Open(const std::filesystem::path& db_path,
                                       GalleryOptions options) {
  std::unique_ptr<Gallery> gallery(new Gallery(Catalog::Open(db_path)));
  gallery->model_ = gallery->catalog_->ActiveModel().value_or(DefaultModel());
  gallery->rank_by_ = options.rank_by;
  gallery->LoadOrRebuildIndex(options);
  return gallery;
}

std::unique_ptr<Gallery> Gallery::Open(const std::filesystem::path& db_path,
                                       const EmbedderInfo& embedder, GalleryOptions options) {
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
  gallery->rank_by_ = options.rank_by;
  gallery->LoadOrRebuildIndex(options);
  return gallery;
}

Gallery::Gallery(std::unique_ptr<Catalog> catalog) : catalog_(std::move(catalog)) {}
Gallery::~Gallery() = default;

std::filesystem::path Gallery::index_path() const { return catalog_->path().string() + ".faiss"; }

std::string Gallery::ConfiguredFactory() const {
  return catalog_->GetSetting(kIndexFactorySetting).value_or("auto");
}

std::string Gallery::FactoryForRebuild() const {
  const std::string configured = ConfiguredFactory();
  if (configured != "auto") return configured;
  return ChooseFactory(catalog_->CountFaces(model_.model_id));
}

void Gallery::LoadOrRebuildIndex(const GalleryOptions& options) {
  const int64_t generation = catalog_->Generation();
  const int64_t faces = catalog_->CountFaces(model_.model_id);
  std::optional<FaceIndex::Loaded> loaded;
  try {
    loaded = FaceIndex::Load(index_path(), {.map = options.map_index});
  } catch (const Error& e) {
    // The index is only a cache of the catalog: a damaged file is rebuilt, not fatal.
    spdlog::warn("{}; rebuilding it from the catalog", e.what());
  }
  if (loaded && loaded->generation == generation && loaded->index.size() == faces &&
      loaded->index.dim() == model_.dim && loaded->index.tombstones() * 5 <= loaded->index.size()) {
    index_ = std::make_unique<FaceIndex>(std::move(loaded->index));
    return;
  }
  // Stale, missing, foreign or full of tombstones: the catalog holds every embedding.
  loaded.reset();  // releases a mapped file before it is replaced
  RebuildIndex(FactoryForRebuild());
}

void Gallery::RebuildIndex(const std::string& factory) {
  auto index = std::make_unique<FaceIndex>(model_.dim, factory, index_path().string() + ".f16");
  const int64_t faces = catalog_->CountFaces(model_.model_id);
  if (index->needs_training()) {
    // Every stride-th face, so the sample spans the whole gallery rather than its oldest part.
    const int64_t stride = std::max<int64_t>(1, faces / index->training_sample_size());
    std::vector<float> sample;
    int64_t seen = 0;
    catalog_->ForEachFace(model_.model_id, [&](const FaceRecord& face) {
      if (seen++ % stride == 0)
        sample.insert(sample.end(), face.embedding.begin(), face.embedding.end());
    });
    if (sample.empty()) {
      throw Error(ErrorCode::kIndex, "index '" + factory +
                                         "' must be trained on the gallery's faces, and it has "
                                         "none yet: enroll first or choose Flat/HNSW32");
    }
    index->Train(sample);
  }
  // One allocation instead of doublings; 1/64 spare for faces another process commits before
  // the pass below reads them (one more face than reserved would double the arrays).
  index->Reserve(faces + faces / 64);
  std::vector<int64_t> ids;
  std::vector<float> vectors;
  auto flush = [&] {
    index->Add(ids, vectors);
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
  index->Save(index_path(), built_at);
  index_ = std::move(index);
  rebuilt_ = true;
}

std::vector<Candidate> Gallery::Search(const Embedding& probe, int top_k) const {
  return Search(probe, top_k, *catalog_);
}

std::vector<Candidate> Gallery::Search(const Embedding& probe, int top_k,
                                       const Catalog& lookup) const {
  return Search(std::span(&probe, 1), top_k, lookup).front();
}

std::vector<std::vector<Candidate>> Gallery::Search(std::span<const Embedding> probes,
                                                    int top_k) const {
  return Search(probes, top_k, *catalog_);
}

std::vector<std::vector<Candidate>> Gallery::Search(std::span<const Embedding> probes, int top_k,
                                                    const Catalog& lookup) const {
  if (top_k <= 0) return std::vector<std::vector<Candidate>>(probes.size());
  const bool by_template = rank_by_ == Comparison::kMeanTemplate;
  auto results =
      NearestIdentities(probes, by_template ? std::max(top_k, kTemplateShortlist) : top_k, lookup);
  if (by_template) RankByTemplates(probes, top_k, lookup, results);
  for (auto& candidates : results) {
    for (Candidate& c : candidates) {
      c.score = MatchScore(c.distance, model_.match_distance);
      if (auto identity = lookup.GetIdentity(c.identity_id)) {
        c.identity = identity->name;
        c.identity_metadata = identity->metadata;
      }
      if (auto face = lookup.GetFace(c.face_id)) {
        c.image_id = face->image_id;
        if (auto image = lookup.GetImage(face->image_id)) c.gallery_image = image->path;
      }
    }
  }
  return results;
}

std::vector<std::vector<Candidate>> Gallery::NearestIdentities(std::span<const Embedding> probes,
                                                               int top_k,
                                                               const Catalog& lookup) const {
  std::vector<std::vector<Candidate>> results(probes.size());
  if (index_->size() == 0) return results;
  // Several faces may belong to one identity: widen the face search until each probe has
  // top_k distinct identities or the search covers the whole index. All probes still short
  // go to the index together, so a batch stays one BLAS call per round.
  std::vector<size_t> pending(probes.size());
  for (size_t i = 0; i < pending.size(); ++i) pending[i] = i;
  std::unordered_set<int64_t> seen;
  for (int64_t k = std::max<int64_t>(4 * top_k, 32); !pending.empty(); k *= 4) {
    k = std::min(k, index_->size());
    std::vector<float> queries;
    queries.reserve(pending.size() * static_cast<size_t>(model_.dim));
    for (size_t p : pending) queries.insert(queries.end(), probes[p].begin(), probes[p].end());
    const auto neighbours = index_->Search(queries, static_cast<int>(k));
    std::vector<int64_t> face_ids;
    for (const auto& hits : neighbours) {
      for (const Neighbor& n : hits) face_ids.push_back(n.id);
    }
    const auto owners = lookup.FaceIdentities(face_ids);
    std::vector<size_t> still_short;
    for (size_t i = 0; i < pending.size(); ++i) {
      auto& candidates = results[pending[i]];
      candidates.clear();
      seen.clear();
      for (const Neighbor& n : neighbours[i]) {
        const auto owner = owners.find(n.id);
        if (owner == owners.end() || !seen.insert(owner->second).second) continue;
        Candidate c;
        c.identity_id = owner->second;
        c.distance = n.distance;
        c.face_id = n.id;
        candidates.push_back(std::move(c));
        if (static_cast<int>(candidates.size()) == top_k) break;
      }
      if (static_cast<int>(candidates.size()) < top_k && k < index_->size()) {
        still_short.push_back(pending[i]);
      }
    }
    pending = std::move(still_short);
  }
  return results;
}

void Gallery::RankByTemplates(std::span<const Embedding> probes, int top_k, const Catalog& lookup,
                              std::vector<std::vector<Candidate>>& shortlists) const {
  std::vector<int64_t> identity_ids;
  for (const auto& shortlist : shortlists) {
    for (const Candidate& c : shortlist) identity_ids.push_back(c.identity_id);
  }
  std::sort(identity_ids.begin(), identity_ids.end());
  identity_ids.erase(std::unique(identity_ids.begin(), identity_ids.end()), identity_ids.end());
  // One query for the whole batch; each template is fused once however many probes share it.
  std::unordered_map<int64_t, std::pair<Embedding, int>> templates;
  for (const auto& [identity_id, embeddings] :
       lookup.EmbeddingsOfIdentities(identity_ids, model_.model_id)) {
    templates.emplace(identity_id,
                      std::pair(FusedTemplate(embeddings), static_cast<int>(embeddings.size())));
  }
  for (size_t p = 0; p < shortlists.size(); ++p) {
    auto& candidates = shortlists[p];
    for (Candidate& c : candidates) {
      // Removed between the index search and this query: no template, ranked last.
      const auto found = templates.find(c.identity_id);
      if (found == templates.end()) {
        c.distance = std::numeric_limits<float>::infinity();
        continue;
      }
      c.distance = EmbeddingDistance(probes[p], found->second.first);
      c.template_faces = found->second.second;
    }
    std::stable_sort(
        candidates.begin(), candidates.end(),
        [](const Candidate& a, const Candidate& b) { return a.distance < b.distance; });
    while (!candidates.empty() &&
           (static_cast<int>(candidates.size()) > top_k || candidates.back().template_faces == 0)) {
      candidates.pop_back();
    }
  }
}

void Gallery::IndexFaces(const std::vector<int64_t>& face_ids,
                         const std::vector<Embedding>& embeddings) {
  if (face_ids.size() != embeddings.size()) {
    throw Error(ErrorCode::kInternal, "IndexFaces: ids and embeddings differ in number");
  }
  std::vector<float> vectors;
  vectors.reserve(face_ids.size() * static_cast<size_t>(model_.dim));
  for (const Embedding& e : embeddings) vectors.insert(vectors.end(), e.begin(), e.end());
  // A reused id still held as a tombstone (SQLite reuses the highest rowid after a delete)
  // cannot be added twice to a graph: rebuild, which compacts tombstones and takes the faces.
  for (int64_t id : face_ids) {
    if (index_->Holds(id) && !index_->Contains(id)) {
      RebuildIndex(FactoryForRebuild());
      return;
    }
  }
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
