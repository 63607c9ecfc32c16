#include "index/face_index.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>
#include <unordered_set>

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>
#include <faiss/invlists/OnDiskInvertedLists.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "index/bounded_scan_flat.h"
#include "index/faiss_capacity.h"
#include "index/prefetching_hnsw.h"
#include "index/vectorized_flat.h"

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

std::unique_ptr<faiss::Index> MakeIndex(int dim, const IndexSpec& spec) {
  if (dim <= 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "index dimension must be positive, not " + std::to_string(dim));
  }
  return Faiss("cannot create index '" + spec.faiss_factory + "'", [&] {
    std::unique_ptr<faiss::Index> inner(
        faiss::index_factory(dim, spec.faiss_factory.c_str(), faiss::METRIC_L2));
    // The factory turns on polysemous training, which reorders PQ codebooks for Hamming
    // pre-filtering that facetrace never uses; it takes minutes even on a small sample.
    if (auto* ivfpq = dynamic_cast<faiss::IndexIVFPQ*>(inner.get())) {
      ivfpq->do_polysemous_training = false;
    }
    // An IVF index stores ids in its lists already; wrapping it would add 8-50 bytes per
    // face to what may be a billion 24-byte entries.
    if (dynamic_cast<faiss::IndexIVF*>(inner.get())) return inner;
    // IDMap2 rather than IDMap: its id -> position map lets StoredVector reconstruct by id.
    auto map = std::make_unique<faiss::IndexIDMap2>(inner.release());
    map->own_fields = true;
    return std::unique_ptr<faiss::Index>(std::move(map));
  });
}

// The index FAISS searches below the id layer: the IDMap2's inner index, or the IVF itself.
faiss::Index* Inner(faiss::Index* index) {
  if (auto* map = dynamic_cast<faiss::IndexIDMap2*>(index)) return map->index;
  return index;
}

// Ids held by FAISS (live or tombstones), for files saved without a .live bitmap.
std::vector<int64_t> HeldIds(const faiss::Index& index) {
  if (const auto* map = dynamic_cast<const faiss::IndexIDMap2*>(&index)) return map->id_map;
  std::vector<int64_t> ids;
  const auto& ivf = dynamic_cast<const faiss::IndexIVF&>(index);
  for (size_t list = 0; list < ivf.nlist; ++list) {
    faiss::InvertedLists::ScopedIds list_ids(ivf.invlists, list);
    ids.insert(ids.end(), list_ids.get(), list_ids.get() + ivf.invlists->list_size(list));
  }
  return ids;
}

// What the sidecar records about the index beside it.
struct Sidecar {
  int64_t generation = 0;
  int64_t size = 0;     // live faces
  int64_t entries = 0;  // vectors FAISS holds: live faces and tombstones
  int dim = 0;
  std::string factory;
  std::string store;  // the vector store, relative to the index's folder when beside it
  std::vector<int64_t> tombstones;
};

fs::path SidecarPath(const fs::path& index_path) { return index_path.string() + ".meta.json"; }
fs::path LivePath(const fs::path& index_path) { return index_path.string() + ".live"; }

std::string SidecarJson(const Sidecar& s) {
  return nlohmann::json{
      {"generation", s.generation}, {"size", s.size},   {"entries", s.entries},      {"dim", s.dim},
      {"factory", s.factory},       {"store", s.store}, {"tombstones", s.tombstones}}
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
  Sidecar s{j["generation"].get<int64_t>(),
            j["size"].get<int64_t>(),
            j["size"].get<int64_t>(),
            j["dim"].get<int>(),
            j["factory"].get<std::string>(),
            {},
            {}};
  // Files from before tombstones and stores have none of these.
  if (integer("entries")) s.entries = j["entries"].get<int64_t>();
  if (j.contains("store") && j["store"].is_string()) s.store = j["store"].get<std::string>();
  if (j.contains("tombstones") && j["tombstones"].is_array()) {
    for (const auto& id : j["tombstones"]) {
      if (!id.is_number_integer()) {
        throw Error(ErrorCode::kIndex, "index metadata " + path.string() + ": bad tombstone");
      }
      s.tombstones.push_back(id.get<int64_t>());
    }
  }
  return s;
}

std::unique_ptr<faiss::Index> ReadIndexFile(const fs::path& path, bool map) {
  std::unique_ptr<faiss::Index> index(Faiss("index " + path.string() + " is unreadable", [&] {
    return faiss::read_index(path.c_str(), map ? faiss::IO_FLAG_MMAP : 0);
  }));
  if (!dynamic_cast<faiss::IndexIDMap2*>(index.get()) &&
      !dynamic_cast<faiss::IndexIVF*>(index.get())) {
    throw Error(ErrorCode::kIndex,
                "index " + path.string() + " has no id map nor IVF ids: not a facetrace index");
  }
  return index;
}

void WriteBitmap(const fs::path& path, const IdSet& set) {
  WriteFileAtomically(path, [&](std::FILE* file) {
    const auto words = set.words();
    if (words.empty()) return;  // an empty set's data() may be null, which fwrite must not get
    std::fwrite(words.data(), sizeof(uint64_t), words.size(), file);  // errors surface at flush
  });
}

IdSet ReadBitmap(const fs::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw Error(ErrorCode::kIndex, "cannot read " + path.string());
  const auto bytes = static_cast<size_t>(in.tellg());
  if (bytes % sizeof(uint64_t) != 0) {
    throw Error(ErrorCode::kIndex, path.string() + " is truncated: rebuild the index");
  }
  std::vector<uint64_t> words(bytes / sizeof(uint64_t));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(words.data()), static_cast<std::streamsize>(bytes));
  if (!in) throw Error(ErrorCode::kIndex, "cannot read " + path.string());
  return IdSet::FromWords(std::move(words));
}

bool Exists(const fs::path& path) {
  std::error_code ec;
  const bool exists = fs::exists(path, ec);  // absent is not an error, unreachable is
  if (ec) throw Error(ErrorCode::kIndex, "cannot access " + path.string() + ": " + ec.message());
  return exists;
}

// Adds to an IVF index whose coarse quantizer is an HNSW graph over its centroids; false when
// `index` is not one. FAISS would assign each face to its list by searching that graph with
// the breadth searches use (efSearch = nprobe, up to 512): with the generic distance code of
// Debian's FAISS that was nearly all of a 50M build. A batch of
// kExactAssignBatch faces or more is assigned exactly instead, by one BLAS product against the
// graph's stored centroids (docs/PERFORMANCE.md, "50M"); a smaller add searches the graph
// with kAssignBreadth candidates and restores the search breadth afterwards.
bool AddToHnswQuantizedIvf(faiss::Index* index, idx_t n, const float* x, const idx_t* ids) {
  auto* ivf = dynamic_cast<faiss::IndexIVF*>(index);
  auto* graph = ivf == nullptr ? nullptr : dynamic_cast<faiss::IndexHNSW*>(ivf->quantizer);
  if (graph == nullptr) return false;
  std::vector<idx_t> lists(static_cast<size_t>(n));
  auto* centroids = dynamic_cast<faiss::IndexFlat*>(graph->storage);
  if (centroids != nullptr && n >= kExactAssignBatch) {
    centroids->assign(n, x, lists.data());
  } else {
    const int search_breadth = graph->hnsw.efSearch;
    graph->hnsw.efSearch = std::min(search_breadth, kAssignBreadth);
    try {
      graph->assign(n, x, lists.data());
    } catch (...) {
      graph->hnsw.efSearch = search_breadth;
      throw;
    }
    graph->hnsw.efSearch = search_breadth;
  }
  ivf->add_core(n, x, ids, lists.data());
  return true;
}

// Gives every index that searches here, `slot` or one inside it (an IDMap2's index, an HNSW
// graph's storage, an IVF's coarse quantizer), this project's faster search: a flat gallery the
// bounded scan, other flat L2 indexes the vectorized distance kernel (Debian's FAISS measures
// with a scalar loop: index/vectorized_flat.h), HNSW graphs the prefetching search
// (index/prefetching_hnsw.h).
void SpeedUpSearch(faiss::Index*& slot, bool owned) {
  if (VectorizeFlat(slot, owned)) return;
  PrefetchHnswSearch(slot, owned);
  if (auto* map = dynamic_cast<faiss::IndexIDMap2*>(slot)) {
    // A gallery searched face by face: the bounded scan (index/bounded_scan_flat.h).
    if (!BoundFlatScan(map->index, map->own_fields)) SpeedUpSearch(map->index, map->own_fields);
  } else if (auto* graph = dynamic_cast<faiss::IndexHNSW*>(slot)) {
    SpeedUpSearch(graph->storage, graph->own_fields);
  } else if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(slot)) {
    SpeedUpSearch(ivf->quantizer, ivf->own_fields);
  }
}

// FAISS aborts the process when a mapped IVF is added to, so a mapped index stays read-only;
// `refusal` says what the caller cannot do.
void RefuseIfMapped(bool mapped, const std::string& factory, const std::string& refusal) {
  if (mapped) {
    throw Error(ErrorCode::kIndex,
                "index '" + factory + "' was loaded memory-mapped and is read-only: " + refusal);
  }
}

void CheckFloats(const char* what, size_t floats, size_t count, int dim) {
  if (floats != count * static_cast<size_t>(dim)) {
    throw Error(ErrorCode::kInvalidArgument,
                std::string("FaceIndex::") + what + ": " + std::to_string(floats) + " floats for " +
                    std::to_string(count) + " vectors of dim " + std::to_string(dim));
  }
}

}  // namespace

FaceIndex::FaceIndex(int dim, const std::string& factory, const fs::path& vector_store)
    : FaceIndex(dim, factory, MakeIndex(dim, ParseIndexSpec(factory))) {
  if (spec_.rerank > 0) {
    if (vector_store.empty()) {
      throw Error(ErrorCode::kInvalidArgument,
                  "index factory '" + factory + "' re-ranks: it needs a vector store path");
    }
    store_ = VectorStore::Open(vector_store, dim, /*writable=*/true);
  }
  SetBuildBreadth(kDefaultHnswBuildBreadth);  // HNSW only; other kinds ignore it
}

FaceIndex::FaceIndex(int dim, std::string factory, std::unique_ptr<faiss::Index> index)
    : dim_(dim),
      factory_(std::move(factory)),
      spec_(ParseIndexSpec(factory_)),
      index_(std::move(index)),
      rerank_depth_(spec_.rerank) {
  Configure();
}

FaceIndex::~FaceIndex() = default;
FaceIndex::FaceIndex(FaceIndex&&) noexcept = default;
FaceIndex& FaceIndex::operator=(FaceIndex&&) noexcept = default;

void FaceIndex::Configure() {
  faiss::Index* top = index_.get();
  SpeedUpSearch(top, /*owned=*/false);  // the index_ itself is never a bare flat one
  faiss::Index* inner = Inner(index_.get());
  // FAISS's defaults (efSearch 16, nprobe 1) find a fraction of the true neighbours; start
  // from the breadths docs/PERFORMANCE.md measured instead ("Search breadth").
  if (dynamic_cast<faiss::IndexHNSW*>(inner) != nullptr) SetSearchBreadth(kDefaultHnswBreadth);
  auto* ivf = dynamic_cast<faiss::IndexIVF*>(inner);
  if (ivf == nullptr) return;
  SetSearchBreadth(DefaultIvfBreadth(static_cast<int64_t>(ivf->nlist)));
  // FAISS splits a batch's queries between threads, so a lone probe (an analyst's photo) ran
  // on one core however many lists it scans; split each query's lists instead. Batches lose
  // nothing at the breadths used (hundreds of lists a query). docs/PERFORMANCE.md, "50M".
  ivf->parallel_mode = 1;
  if (auto* on_disk = dynamic_cast<faiss::OnDiskInvertedLists*>(ivf->invlists)) {
    mapped_ = true;
    // FAISS would start 32 threads per search to pre-read lists; the page cache does that
    // job, and concurrent searches would multiply the threads.
    on_disk->prefetch_nthread = 0;
  }
}

bool FaceIndex::needs_training() const { return !index_->is_trained; }

int64_t FaceIndex::training_sample_size() const {
  if (!needs_training()) return 0;
  // FAISS wants 39+ points per k-means centroid: IVF lists, and PQ's 256 per sub-quantizer.
  int64_t sample = 256 * 40;
  if (const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(Inner(index_.get()))) {
    sample = std::max<int64_t>(sample, static_cast<int64_t>(ivf->nlist) * 40);
  }
  return sample;
}

void FaceIndex::SetSearchBreadth(int breadth) {
  if (breadth <= 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "search breadth must be positive, not " + std::to_string(breadth));
  }
  faiss::Index* inner = Inner(index_.get());
  if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(inner)) {
    ivf->nprobe = std::min(static_cast<size_t>(breadth), ivf->nlist);
    // An HNSW coarse quantizer's walk stops as its efSearch says, however many lists are asked
    // for: with its default of 16 it returns nprobe lists, but not the nearest ones (probing
    // 4096 lists gave recall@10 0.88 where exhaustive search gives 1.0).
    if (auto* quantizer = dynamic_cast<faiss::IndexHNSW*>(ivf->quantizer)) {
      quantizer->hnsw.efSearch = std::max(quantizer->hnsw.efSearch, static_cast<int>(ivf->nprobe));
    }
  }
  if (auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(inner)) hnsw->hnsw.efSearch = breadth;
}

int FaceIndex::search_breadth() const {
  const faiss::Index* inner = Inner(index_.get());
  if (const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(inner)) {
    return static_cast<int>(ivf->nprobe);
  }
  if (const auto* hnsw = dynamic_cast<const faiss::IndexHNSW*>(inner)) return hnsw->hnsw.efSearch;
  return 0;
}

void FaceIndex::SetBuildBreadth(int breadth) {
  if (breadth <= 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "build breadth must be positive, not " + std::to_string(breadth));
  }
  if (auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(Inner(index_.get()))) {
    hnsw->hnsw.efConstruction = breadth;
  }
}

int FaceIndex::build_breadth() const {
  const auto* hnsw = dynamic_cast<const faiss::IndexHNSW*>(Inner(index_.get()));
  return hnsw == nullptr ? 0 : hnsw->hnsw.efConstruction;
}

int DefaultIvfBreadth(int64_t lists) {
  return static_cast<int>(std::clamp<int64_t>(lists / 32, std::min<int64_t>(16, lists), 256));
}

void FaceIndex::SetRerankDepth(int candidates) {
  if (!store_ || candidates <= 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "index '" + factory_ + "' cannot re-rank " + std::to_string(candidates) +
                    " candidates: only a factory with ',Rerank<R>' keeps vectors to re-rank");
  }
  rerank_depth_ = candidates;
}

void FaceIndex::Train(std::span<const float> vectors) {
  if (vectors.empty() || vectors.size() % static_cast<size_t>(dim_) != 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "FaceIndex::Train: " + std::to_string(vectors.size()) +
                    " floats are not a non-empty whole number of vectors of dim " +
                    std::to_string(dim_));
  }
  if (index_->ntotal > 0) {
    throw Error(ErrorCode::kIndex, "index '" + factory_ + "' already holds vectors: train first");
  }
  const auto n = static_cast<idx_t>(vectors.size() / static_cast<size_t>(dim_));
  auto* ivf = dynamic_cast<faiss::IndexIVF*>(Inner(index_.get()));
  // With an HNSW coarse quantizer FAISS still assigns k-means points by brute force, which at
  // 16k+ centroids takes hours on two cores; an HNSW over the centroids does it in minutes,
  // at the cost of a slightly approximate assignment during training.
  std::unique_ptr<faiss::Index> clustering;
  if (ivf != nullptr && dynamic_cast<faiss::IndexHNSW*>(ivf->quantizer)) {
    faiss::Index* graph = new faiss::IndexHNSWFlat(dim_, 32);
    SpeedUpSearch(graph, /*owned=*/true);
    clustering.reset(graph);
    ivf->clustering_index = clustering.get();
  }
  try {
    Faiss("cannot train index '" + factory_ + "'", [&] { index_->train(n, vectors.data()); });
  } catch (...) {
    if (clustering) ivf->clustering_index = nullptr;
    throw;
  }
  if (clustering) ivf->clustering_index = nullptr;
}

void FaceIndex::Reserve(int64_t faces) {
  if (faces < 0 || faces > IdSet::kMaxId) {
    throw Error(ErrorCode::kInvalidArgument,
                "FaceIndex::Reserve: cannot make room for " + std::to_string(faces) + " faces");
  }
  RefuseIfMapped(mapped_, factory_, "nothing can be added to it");
  Faiss("cannot make room in the index",
        [&] { ReserveCapacity(index_.get(), index_->ntotal + faces); });
}

void FaceIndex::Add(std::span<const int64_t> ids, std::span<const float> vectors) {
  CheckFloats("Add", vectors.size(), ids.size(), dim_);
  if (ids.empty()) return;
  RefuseIfMapped(mapped_, factory_, "rebuild it to add faces");
  if (!index_->is_trained) {
    throw Error(ErrorCode::kIndex,
                "index '" + factory_ + "' needs training: call Train with a sample first");
  }
  std::unordered_set<int64_t> batch;
  for (int64_t id : ids) {
    if (Holds(id) || !batch.insert(id).second) {
      throw Error(
          ErrorCode::kInvalidArgument,
          "face id " + std::to_string(id) + " is already in the index" +
              (tombstones_.Contains(id) ? " (as a deleted face: rebuild to reuse it)" : ""));
    }
    if (id < 0 || id >= IdSet::kMaxId) {
      throw Error(ErrorCode::kInvalidArgument,
                  "face id " + std::to_string(id) + " is outside [0, 2^40): not a catalog id");
    }
  }
  // The store first: a search must never meet an id whose vector is not there yet.
  if (store_) store_->Put(ids, vectors);
  Faiss("cannot add to the index", [&] {
    const auto n = static_cast<idx_t>(ids.size());
    if (!AddToHnswQuantizedIvf(index_.get(), n, vectors.data(), ids.data())) {
      index_->add_with_ids(n, vectors.data(), ids.data());
    }
  });
  for (int64_t id : ids) live_.Insert(id);
}

int64_t FaceIndex::Remove(std::span<const int64_t> ids) {
  std::vector<int64_t> removed;
  for (int64_t id : ids) {
    if (live_.Erase(id)) removed.push_back(id);
  }
  if (removed.empty()) return 0;
  // HNSW graphs cannot drop a node and mapped lists are read-only: those keep tombstones.
  const bool native = !mapped_ && !dynamic_cast<faiss::IndexHNSW*>(Inner(index_.get()));
  bool done = false;
  if (native) {
    const faiss::IDSelectorBatch selector(removed.size(), removed.data());
    try {
      done = index_->remove_ids(selector) == static_cast<size_t>(removed.size());
    } catch (const faiss::FaissException&) {
      // A kind without remove_ids throws before changing anything: fall back to tombstones.
    }
  }
  if (!done) {
    for (int64_t id : removed) tombstones_.Insert(id);
  }
  return static_cast<int64_t>(removed.size());
}

std::vector<Neighbor> FaceIndex::Finish(const float* query, const int64_t* labels,
                                        const float* distances, int64_t fetched, int k) const {
  std::vector<Neighbor> out;
  for (int64_t j = 0; j < fetched; ++j) {
    if (labels[j] < 0 || !live_.Contains(labels[j])) continue;  // padding, tombstone
    float squared = distances[j];
    if (store_) squared = store_->SquaredDistance(labels[j], query);
    // FAISS's L2 is squared; rounding can make an exact match slightly negative.
    out.push_back({labels[j], std::sqrt(std::max(0.0f, squared))});
  }
  if (store_) {
    std::stable_sort(out.begin(), out.end(),
                     [](const Neighbor& a, const Neighbor& b) { return a.distance < b.distance; });
  }
  if (out.size() > static_cast<size_t>(k)) out.resize(static_cast<size_t>(k));
  return out;
}

// Concurrent calls are safe: Index::search is const, and each search's scratch belongs to its
// calling thread (on its stack or heap, or, for the prefetching HNSW walk, a visited table kept
// per thread). OpenMP inside FAISS may add threads of its own, which only costs
// oversubscription.
std::vector<std::vector<Neighbor>> FaceIndex::Search(std::span<const float> queries, int k) const {
  if (queries.size() % static_cast<size_t>(dim_) != 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "FaceIndex::Search: " + std::to_string(queries.size()) +
                    " floats are not a whole number of queries of dim " + std::to_string(dim_));
  }
  const auto n = static_cast<idx_t>(queries.size() / static_cast<size_t>(dim_));
  std::vector<std::vector<Neighbor>> results(static_cast<size_t>(n));
  const idx_t want = std::min<idx_t>(k, size());
  if (n == 0 || want <= 0) return results;
  const idx_t entries = index_->ntotal;
  // Re-ranking needs its candidates; tombstones may take places live faces must fill, so ask
  // for more, and ask again (doubling) for the queries that still come up short.
  idx_t fetch = std::min(entries, std::max<idx_t>(k, rerank_depth_) +
                                      std::min<idx_t>(tombstones(), std::max<idx_t>(k, 16)));
  std::vector<idx_t> pending(static_cast<size_t>(n));
  std::iota(pending.begin(), pending.end(), 0);
  std::vector<float> batch, distances;
  std::vector<idx_t> labels;
  const auto dim = static_cast<size_t>(dim_);
  while (!pending.empty()) {
    const auto m = static_cast<idx_t>(pending.size());
    const float* x = queries.data();
    if (m < n) {  // gather the queries still short
      batch.resize(static_cast<size_t>(m) * dim);
      for (size_t i = 0; i < pending.size(); ++i) {
        std::copy_n(queries.data() + static_cast<size_t>(pending[i]) * dim, dim,
                    batch.data() + i * dim);
      }
      x = batch.data();
    }
    distances.resize(static_cast<size_t>(m * fetch));
    labels.resize(static_cast<size_t>(m * fetch));
    Faiss("search failed", [&] { index_->search(m, x, fetch, distances.data(), labels.data()); });
    std::vector<idx_t> short_queries;
    for (idx_t i = 0; i < m; ++i) {
      const auto q = static_cast<size_t>(pending[static_cast<size_t>(i)]);
      const auto at = static_cast<size_t>(i * fetch);
      results[q] = Finish(queries.data() + q * dim, labels.data() + at, distances.data() + at,
                          fetch, static_cast<int>(want));
      // Fewer results than asked means FAISS saw all it could reach: asking for more is useless.
      const bool exhausted = fetch >= entries || labels[at + static_cast<size_t>(fetch) - 1] < 0;
      if (static_cast<idx_t>(results[q].size()) < want && !exhausted) {
        short_queries.push_back(static_cast<idx_t>(q));
      }
    }
    pending = std::move(short_queries);
    fetch = std::min(entries, fetch * 2);
  }
  return results;
}

std::optional<std::vector<float>> FaceIndex::StoredVector(int64_t id) const {
  if (!live_.Contains(id)) return std::nullopt;
  std::vector<float> v(static_cast<size_t>(dim_));
  if (store_) {
    if (!store_->Covers(id)) return std::nullopt;
    store_->Get(id, v.data());
    return v;
  }
  const auto* map = dynamic_cast<const faiss::IndexIDMap2*>(index_.get());
  if (map == nullptr) return std::nullopt;
  try {
    map->reconstruct(id, v.data());
  } catch (const faiss::FaissException&) {
    return std::nullopt;  // a compressed kind without reconstruction
  }
  return v;
}

void FaceIndex::Save(const fs::path& path, int64_t generation) const {
  RefuseIfMapped(mapped_, factory_, "cannot save");
  WriteFileAtomically(path, [&](std::FILE* file) {
    Faiss("cannot write index " + path.string(), [&] { faiss::write_index(index_.get(), file); });
  });
  WriteBitmap(LivePath(path), live_);
  Sidecar sidecar{generation, size(), index_->ntotal, dim_, factory_, {}, {}};
  if (store_) {
    store_->Sync();
    const fs::path store = store_->path();
    sidecar.store = store.parent_path() == path.parent_path() ? store.filename().string()
                                                              : fs::absolute(store).string();
  }
  sidecar.tombstones = tombstones_.ToVector();
  // Last: the sidecar is what makes the other files count.
  WriteTextFileAtomically(SidecarPath(path), SidecarJson(sidecar));
}

std::optional<int64_t> FaceIndex::SavedGeneration(const fs::path& path) {
  if (!Exists(SidecarPath(path))) return std::nullopt;
  return ReadSidecar(SidecarPath(path)).generation;
}

std::vector<fs::path> FaceIndex::Files(const fs::path& path) {
  std::vector<fs::path> files;
  for (const fs::path& f : {path, LivePath(path), SidecarPath(path)}) {
    if (Exists(f)) files.push_back(f);
  }
  if (Exists(SidecarPath(path))) {
    const Sidecar sidecar = ReadSidecar(SidecarPath(path));
    if (!sidecar.store.empty()) {
      const fs::path store = path.parent_path() / sidecar.store;  // absolute stays absolute
      if (Exists(store)) files.push_back(store);
    }
  }
  return files;
}

std::optional<FaceIndex::Loaded> FaceIndex::Load(const fs::path& path) { return Load(path, {}); }

std::optional<FaceIndex::Loaded> FaceIndex::Load(const fs::path& path, LoadOptions options) {
  // No sidecar beside an index: the first save stopped before its last rename.
  if (!Exists(path) || !Exists(SidecarPath(path))) return std::nullopt;
  const Sidecar sidecar = ReadSidecar(SidecarPath(path));
  const auto damaged = [&](const std::string& what) {
    return Error(ErrorCode::kIndex, "index " + path.string() + " " + what +
                                        " (damaged, or a save was interrupted): rebuild it");
  };
  std::unique_ptr<faiss::Index> index = ReadIndexFile(path, options.map);
  if (index->d != sidecar.dim || index->ntotal != sidecar.entries) {
    throw damaged("holds " + std::to_string(index->ntotal) + " vectors of dim " +
                  std::to_string(index->d) + " but its metadata says " +
                  std::to_string(sidecar.entries) + " of dim " + std::to_string(sidecar.dim));
  }
  FaceIndex loaded(sidecar.dim, sidecar.factory, std::move(index));
  for (int64_t id : sidecar.tombstones) loaded.tombstones_.Insert(id);
  if (Exists(LivePath(path))) {
    loaded.live_ = ReadBitmap(LivePath(path));
  } else {  // saved before .live files: every id FAISS holds is live
    for (int64_t id : HeldIds(*loaded.index_)) loaded.live_.Insert(id);
  }
  if (loaded.live_.size() != sidecar.size ||
      loaded.live_.size() + loaded.tombstones_.size() != sidecar.entries) {
    throw damaged("has " + std::to_string(loaded.live_.size()) + " live faces and " +
                  std::to_string(loaded.tombstones_.size()) + " tombstones for " +
                  std::to_string(sidecar.entries) + " entries");
  }
  if (loaded.spec_.rerank > 0) {
    if (sidecar.store.empty()) throw damaged("re-ranks but names no vector store");
    const fs::path store = path.parent_path() / sidecar.store;
    if (!Exists(store)) throw damaged("re-ranks from " + store.string() + ", which is missing");
    loaded.store_ = VectorStore::Open(store, sidecar.dim,
                                      /*writable=*/!loaded.mapped_);
  }
  return Loaded{std::move(loaded), sidecar.generation};
}

}  // namespace facetrace
