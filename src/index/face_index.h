// FaceIndex: nearest-neighbour search over face embeddings, backed by FAISS.
//
// One interface; the kind of index is chosen by a factory string (index/index_spec.h): "Flat"
// (exact), "HNSW32" (graph), "IVF16384_HNSW32,PQ16,Rerank100" (compressed, re-ranked by exact
// distance from fp16 vectors on disk, index/vector_store.h). Vectors carry the catalog's face
// ids, so results map straight back to catalog rows. The index is a cache of the catalog: it
// is saved with the catalog generation it reflects and rebuilt when that no longer matches.
//
// Deletions work for every kind. Where FAISS can remove (Flat, IVF in memory) it does; where
// it cannot (HNSW graphs, memory-mapped IVF lists) the face becomes a tombstone: FAISS still
// holds it, searches fetch extra neighbours and drop it, so a top-k stays full. A rebuild from
// the catalog compacts tombstones away.
//
// Threads: Search is const and FAISS searches a const index without writing to it, so any
// number of threads may search one FaceIndex at once. Add, Remove and moving need exclusive
// access (no search in flight). Save only reads the index and may run beside searches.
//
// On disk an index is <path> (FAISS's format), <path>.live (the live ids, a bitmap),
// <path>.meta.json (generation, sizes, factory, tombstones) and, for Rerank factories, the
// vector store. The sidecar is written last, so a crash mid-save leaves files that disagree
// with it: Load reports them damaged and the caller rebuilds, never trusting a half save.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "index/id_set.h"
#include "index/index_spec.h"
#include "index/vector_store.h"

namespace faiss {
struct Index;
}

namespace facetrace {

struct Neighbor {
  int64_t id = -1;
  float distance = 0;  // Euclidean (not squared) distance
};

// Search breadths an index starts with (docs/PERFORMANCE.md, "Search breadth"): HNSW's
// efSearch, and IVF's nprobe as a share of its lists (1/32, from 16 to 256).
inline constexpr int kDefaultHnswBreadth = 128;
// HNSW's efConstruction for a new graph, where FAISS's is 40: at 1M faces it raised recall@10
// at efSearch 256 from 0.9725 to 0.981 for about the same build CPU (docs/PERFORMANCE.md,
// "Vectorized distances").
inline constexpr int kDefaultHnswBuildBreadth = 80;
// How an IVF index with an HNSW coarse quantizer assigns added faces to lists: a batch of at
// least kExactAssignBatch exactly (BLAS against the centroids), a smaller one through the
// graph with kAssignBreadth candidates (a search uses nprobe).
inline constexpr int kExactAssignBatch = 256;
inline constexpr int kAssignBreadth = 64;
int DefaultIvfBreadth(int64_t lists);

class FaceIndex {
 public:
  // `factory` as in index/index_spec.h; metric is L2. `vector_store` is where a Rerank factory
  // keeps its fp16 vectors (created or reused; ignored by other factories). Only factories
  // that need no training can be filled through Add without Train first. Throws
  // Error(kInvalidArgument) (bad factory, Rerank without a store path) or Error(kIndex).
  FaceIndex(int dim, const std::string& factory = "Flat",
            const std::filesystem::path& vector_store = {});
  ~FaceIndex();
  FaceIndex(FaceIndex&&) noexcept;
  FaceIndex& operator=(FaceIndex&&) noexcept;

  int dim() const { return dim_; }
  // Live faces: added and not removed.
  int64_t size() const { return live_.size(); }
  // Removed faces FAISS still holds, filtered out of every search until a rebuild.
  int64_t tombstones() const { return tombstones_.size(); }
  bool Contains(int64_t id) const { return live_.Contains(id); }
  // Live or a tombstone: an id that Add would refuse.
  bool Holds(int64_t id) const { return live_.Contains(id) || tombstones_.Contains(id); }
  const std::string& factory() const { return factory_; }
  // Loaded memory-mapped (LoadOptions::map): searches and removals only.
  bool read_only() const { return mapped_; }
  // IVF and PQ factories learn their coarse centroids and codebooks from sample vectors
  // before anything can be added; Flat and HNSW do not.
  bool needs_training() const;
  // How many sample vectors Train wants (about 40 per IVF list); 0 when it needs none.
  int64_t training_sample_size() const;
  // `vectors` holds n * dim() floats, a sample of the gallery. Throws
  // Error(kInvalidArgument) for a ragged sample and Error(kIndex) when FAISS refuses it (too
  // few vectors, or already filled).
  void Train(std::span<const float> vectors);
  // How much of an approximate index a search visits: IVF lists probed (nprobe, at most the
  // number of lists) or the HNSW candidate list (efSearch). More is slower and finds more of
  // the true neighbours. Flat ignores it. Not while searches are in flight. An index starts at
  // kDefaultHnswBreadth or DefaultIvfBreadth(lists), created or loaded.
  void SetSearchBreadth(int breadth);
  int search_breadth() const;  // 0 for Flat
  // How widely an HNSW graph searches for a new face's neighbours as it inserts it
  // (efConstruction; a new index starts at kDefaultHnswBuildBreadth, a loaded one keeps its
  // own): wider builds a denser graph that finds more at the same search breadth. Applies to
  // the faces added after it; FAISS saves it with the index. Other kinds ignore it. Throws
  // Error(kInvalidArgument) unless positive.
  void SetBuildBreadth(int breadth);
  int build_breadth() const;  // 0 for kinds without a graph
  // Candidates re-ranked by exact distance (the factory's Rerank count to start with).
  // Throws Error(kInvalidArgument) when the factory keeps no vectors to re-rank from.
  void SetRerankDepth(int candidates);
  int rerank_depth() const { return rerank_depth_; }

  // Makes room for `faces` more faces before a large build, so that the arrays FAISS appends
  // to are allocated once instead of doubling (index/faiss_capacity.h: a doubling holds both
  // copies). Throws Error(kInvalidArgument) for a negative count, and Error(kIndex) for a
  // read-only index.
  void Reserve(int64_t faces);
  // `vectors` holds ids.size() * dim() floats. An id already held (live, a tombstone, or twice
  // in `ids`) or outside [0, 2^40) is Error(kInvalidArgument): FAISS would keep both copies.
  // A read-only index throws Error(kIndex).
  void Add(std::span<const int64_t> ids, std::span<const float> vectors);
  // Returns how many ids were live and are now removed.
  int64_t Remove(std::span<const int64_t> ids);
  // `queries` holds n * dim() floats; returns up to k live neighbours per query, nearest
  // first. Many queries in one call are a batch: FAISS's Flat search turns 20 or more into
  // one BLAS matrix product, several times faster per query than one at a time.
  std::vector<std::vector<Neighbor>> Search(std::span<const float> queries, int k) const;
  // The vector the index holds for a live `id` (Flat and HNSW: FAISS's copy; Rerank
  // factories: the fp16 store), or nullopt when absent or kept only compressed.
  std::optional<std::vector<float>> StoredVector(int64_t id) const;

  // Writes atomically (temp file, fsync, rename, fsync of the directory) with the catalog
  // generation it reflects. Throws Error(kIo) naming the file when the OS refuses (disk
  // full, ...) and Error(kIndex) for a read-only index.
  void Save(const std::filesystem::path& path, int64_t generation) const;
  // The catalog generation the index saved at `path` reflects, from its sidecar alone (no
  // index is read); nullopt when there is none. Throws Error(kIndex) for a damaged sidecar.
  static std::optional<int64_t> SavedGeneration(const std::filesystem::path& path);
  // The files Save writes for `path` that exist (for sizes and clean-up).
  static std::vector<std::filesystem::path> Files(const std::filesystem::path& path);

  struct LoadOptions {
    // Memory-map IVF inverted lists instead of reading them: a big index opens in seconds
    // and pages in as searches touch it, but becomes read-only (FAISS cannot add to mapped
    // lists; removals become tombstones until the next rebuild). Other kinds load normally.
    bool map = false;
  };
  struct Loaded;
  // Returns nullopt when the index or its sidecar does not exist; throws Error(kIndex) naming
  // the file when a file is unreadable or they disagree (damage, or a save cut short).
  // Comparing `generation` with the catalog's is the caller's part.
  static std::optional<Loaded> Load(const std::filesystem::path& path, LoadOptions options);
  static std::optional<Loaded> Load(const std::filesystem::path& path);

 private:
  FaceIndex(int dim, std::string factory, std::unique_ptr<faiss::Index> index);
  void Configure();
  std::vector<Neighbor> Finish(const float* query, const int64_t* labels, const float* distances,
                               int64_t fetched, int k) const;

  int dim_;
  std::string factory_;
  IndexSpec spec_;
  std::unique_ptr<faiss::Index> index_;
  IdSet live_;
  IdSet tombstones_;
  std::unique_ptr<VectorStore> store_;
  int rerank_depth_ = 0;
  bool mapped_ = false;
};

struct FaceIndex::Loaded {
  FaceIndex index;
  int64_t generation;
};

}  // namespace facetrace
