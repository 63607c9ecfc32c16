#include "index/face_index.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"

namespace facetrace {
namespace fs = std::filesystem;

namespace {

using idx_t = faiss::Index::idx_t;

// Runs `f`, turning FAISS's failures into Error(kIndex) with `what` as context. Besides
// FaissException, a damaged file can make FAISS's reader allocate absurd sizes
// (std::bad_alloc, std::length_error), which is the same verdict.
template <typename F>
auto Faiss(const std::string& what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error&) {
    throw;
  } catch (const faiss::FaissException& e) {
    throw Error(ErrorCode::kIndex, what + ": " + e.what());
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kIndex, what + ": " + e.what());
  }
}

std::unique_ptr<faiss::Index> MakeIndex(int dim, const std::string& factory) {
  if (dim <= 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "index dimension must be positive, not " + std::to_string(dim));
  }
  if (factory.starts_with("IDMap")) {
    throw Error(ErrorCode::kInvalidArgument,
                "index factory '" + factory + "': leave out IDMap, FaceIndex adds its own");
  }
  return Faiss("cannot create index '" + factory + "'", [&] {
    std::unique_ptr<faiss::Index> inner(
        faiss::index_factory(dim, factory.c_str(), faiss::METRIC_L2));
    // IDMap2 rather than IDMap: it keeps an id -> position map, which remove_ids needs to stay
    // cheap and which lets Add refuse duplicates.
    auto map = std::make_unique<faiss::IndexIDMap2>(inner.release());
    map->own_fields = true;
    return std::unique_ptr<faiss::Index>(std::move(map));
  });
}

// Every index_ is an IndexIDMap2: built so by MakeIndex, checked so by Load.
const faiss::IndexIDMap2& IdMap(const faiss::Index& index) {
  return static_cast<const faiss::IndexIDMap2&>(index);
}

void CheckNewIds(const faiss::IndexIDMap2& map, std::span<const int64_t> ids) {
  std::unordered_set<int64_t> batch;
  for (int64_t id : ids) {
    if (map.rev_map.count(id) || !batch.insert(id).second) {
      throw Error(ErrorCode::kInvalidArgument,
                  "face id " + std::to_string(id) + " is already in the index");
    }
  }
}

// What the sidecar records about the index beside it.
struct Sidecar {
  int64_t generation = 0;
  int64_t size = 0;
  int dim = 0;
  std::string factory;
};

fs::path SidecarPath(const fs::path& index_path) { return index_path.string() + ".meta.json"; }

std::string SidecarJson(const Sidecar& s) {
  return nlohmann::json{
      {"generation", s.generation}, {"size", s.size}, {"dim", s.dim}, {"factory", s.factory}}
      .dump();
}

Sidecar ReadSidecar(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw Error(ErrorCode::kIndex, "cannot read index metadata " + path.string());
  const auto j = nlohmann::json::parse(text.str(), nullptr, false);
  const auto integer = [&](const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_number_integer();
  };
  if (!integer("generation") || !integer("size") || !integer("dim") || !j.contains("factory") ||
      !j["factory"].is_string() || j["size"].get<int64_t>() < 0 || j["dim"].get<int64_t>() <= 0) {
    throw Error(ErrorCode::kIndex, "index metadata " + path.string() +
                                       " is malformed: expected generation, size, dim, factory");
  }
  return {j["generation"].get<int64_t>(), j["size"].get<int64_t>(), j["dim"].get<int>(),
          j["factory"].get<std::string>()};
}

std::unique_ptr<faiss::Index> ReadIndexFile(const fs::path& path) {
  std::unique_ptr<faiss::Index> index(Faiss("index " + path.string() + " is unreadable",
                                            [&] { return faiss::read_index(path.c_str()); }));
  if (!dynamic_cast<faiss::IndexIDMap2*>(index.get())) {
    throw Error(ErrorCode::kIndex,
                "index " + path.string() + " has no id map: not a facetrace index");
  }
  return index;
}

bool Exists(const fs::path& path) {
  std::error_code ec;
  const bool exists = fs::exists(path, ec);  // absent is not an error, unreachable is
  if (ec) throw Error(ErrorCode::kIndex, "cannot access " + path.string() + ": " + ec.message());
  return exists;
}

}  // namespace

FaceIndex::FaceIndex(int dim, const std::string& factory)
    : FaceIndex(dim, factory, MakeIndex(dim, factory)) {}
FaceIndex::FaceIndex(int dim, std::string factory, std::unique_ptr<faiss::Index> index)
    : dim_(dim), factory_(std::move(factory)), index_(std::move(index)) {}
FaceIndex::~FaceIndex() = default;
FaceIndex::FaceIndex(FaceIndex&&) noexcept = default;
FaceIndex& FaceIndex::operator=(FaceIndex&&) noexcept = default;

int64_t FaceIndex::size() const { return index_->ntotal; }

bool FaceIndex::needs_training() const { return !index_->is_trained; }

void FaceIndex::SetSearchBreadth(int breadth) {
  if (breadth <= 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "search breadth must be positive, not " + std::to_string(breadth));
  }
  faiss::Index* inner = IdMap(*index_).index;
  if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(inner)) ivf->nprobe = static_cast<size_t>(breadth);
  if (auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(inner)) hnsw->hnsw.efSearch = breadth;
}

void FaceIndex::Train(std::span<const float> vectors) {
  if (vectors.empty() || vectors.size() % static_cast<size_t>(dim_) != 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "FaceIndex::Train: " + std::to_string(vectors.size()) +
                    " floats are not a non-empty whole number of vectors of dim " +
                    std::to_string(dim_));
  }
  if (size() > 0) {
    throw Error(ErrorCode::kIndex, "index '" + factory_ + "' already holds vectors: train first");
  }
  const auto n = static_cast<idx_t>(vectors.size() / static_cast<size_t>(dim_));
  Faiss("cannot train index '" + factory_ + "'", [&] { index_->train(n, vectors.data()); });
}

void FaceIndex::Add(std::span<const int64_t> ids, std::span<const float> vectors) {
  if (vectors.size() != ids.size() * static_cast<size_t>(dim_)) {
    throw Error(ErrorCode::kInvalidArgument, "FaceIndex::Add: " + std::to_string(vectors.size()) +
                                                 " floats for " + std::to_string(ids.size()) +
                                                 " ids of dim " + std::to_string(dim_));
  }
  if (ids.empty()) return;
  if (!index_->is_trained) {
    throw Error(ErrorCode::kIndex,
                "index '" + factory_ + "' needs training: call Train with a sample first");
  }
  CheckNewIds(IdMap(*index_), ids);
  Faiss("cannot add to the index",
        [&] { index_->add_with_ids(static_cast<idx_t>(ids.size()), vectors.data(), ids.data()); });
}

int64_t FaceIndex::Remove(std::span<const int64_t> ids) {
  if (ids.empty()) return 0;
  const faiss::IDSelectorBatch selector(ids.size(), ids.data());
  return Faiss("cannot remove from the index '" + factory_ + "'",
               [&] { return static_cast<int64_t>(index_->remove_ids(selector)); });
}

// Concurrent calls are safe: Index::search is const and FAISS's flat and graph indexes keep
// their per-search scratch on the stack of the calling thread (OpenMP inside FAISS may add
// threads of its own, which only costs oversubscription).
std::vector<std::vector<Neighbor>> FaceIndex::Search(std::span<const float> queries, int k) const {
  if (queries.size() % static_cast<size_t>(dim_) != 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "FaceIndex::Search: " + std::to_string(queries.size()) +
                    " floats are not a whole number of queries of dim " + std::to_string(dim_));
  }
  const auto n = static_cast<idx_t>(queries.size() / static_cast<size_t>(dim_));
  std::vector<std::vector<Neighbor>> results(static_cast<size_t>(n));
  const idx_t kk = std::min<idx_t>(k, size());  // FAISS pads with id -1 past the end anyway
  if (n == 0 || kk <= 0) return results;
  std::vector<float> distances(static_cast<size_t>(n * kk));
  std::vector<idx_t> labels(static_cast<size_t>(n * kk));
  Faiss("search failed",
        [&] { index_->search(n, queries.data(), kk, distances.data(), labels.data()); });
  for (idx_t q = 0; q < n; ++q) {
    auto& out = results[static_cast<size_t>(q)];
    for (idx_t j = 0; j < kk; ++j) {
      const auto at = static_cast<size_t>(q * kk + j);
      if (labels[at] < 0) continue;  // an approximate index found fewer than kk
      // FAISS's L2 is squared; rounding can make an exact match slightly negative.
      out.push_back({labels[at], std::sqrt(std::max(0.0f, distances[at]))});
    }
  }
  return results;
}

void FaceIndex::Save(const fs::path& path, int64_t generation) const {
  // The index first, then its sidecar: a crash between the two renames leaves the old
  // generation beside the new index, which reads as stale (rebuilt), never as falsely fresh.
  WriteFileAtomically(path, [&](std::FILE* file) {
    Faiss("cannot write index " + path.string(), [&] { faiss::write_index(index_.get(), file); });
  });
  const std::string sidecar = SidecarJson({generation, size(), dim_, factory_});
  WriteFileAtomically(SidecarPath(path), [&](std::FILE* file) {
    std::fwrite(sidecar.data(), 1, sidecar.size(), file);  // errors surface at the flush
  });
}

std::optional<FaceIndex::Loaded> FaceIndex::Load(const fs::path& path) {
  // No sidecar beside an index: the first save stopped between its two renames.
  if (!Exists(path) || !Exists(SidecarPath(path))) return std::nullopt;
  const Sidecar sidecar = ReadSidecar(SidecarPath(path));
  std::unique_ptr<faiss::Index> index = ReadIndexFile(path);
  if (index->d != sidecar.dim || index->ntotal != sidecar.size) {
    throw Error(ErrorCode::kIndex,
                "index " + path.string() + " holds " + std::to_string(index->ntotal) +
                    " vectors of dim " + std::to_string(index->d) + " but " +
                    SidecarPath(path).string() + " says " + std::to_string(sidecar.size) +
                    " of dim " + std::to_string(sidecar.dim) +
                    " (damaged, or a save was interrupted): rebuild it");
  }
  return Loaded{FaceIndex(sidecar.dim, sidecar.factory, std::move(index)), sidecar.generation};
}

}  // namespace facetrace
