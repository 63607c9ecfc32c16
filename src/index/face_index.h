// FaceIndex: nearest-neighbour search over face embeddings, backed by FAISS.
//
// Vectors carry the catalog's face ids (faiss::IndexIDMap2), so results map straight back to
// catalog rows and deletions by id are possible. The index is a cache of the catalog: it is
// saved with the catalog generation it reflects and rebuilt when that no longer matches.
//
// Threads: Search is const and FAISS searches a const index without writing to it, so any
// number of threads may search one FaceIndex at once. Add, Remove and moving need exclusive
// access (no search in flight). Save only reads the index and may run beside searches.
//
// On disk an index is two files: <path> (FAISS's format) and <path>.meta.json (generation,
// size, dim, factory). Each is replaced atomically, the index first, so a crash between the two
// leaves the new index beside the old generation: it reads as stale and is rebuilt, never as
// falsely fresh.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace faiss {
struct Index;
}

namespace facetrace {

struct Neighbor {
  int64_t id = -1;
  float distance = 0;  // Euclidean (not squared) distance
};

class FaceIndex {
 public:
  // `factory` is a FAISS index_factory description ("Flat" to start); metric is L2. Only
  // factories that need no training can be filled through Add without Train first; the id map is
  // added here, so `factory` must not start with "IDMap". Throws Error(kInvalidArgument) or
  // Error(kIndex).
  FaceIndex(int dim, const std::string& factory = "Flat");
  ~FaceIndex();
  FaceIndex(FaceIndex&&) noexcept;
  FaceIndex& operator=(FaceIndex&&) noexcept;

  int dim() const { return dim_; }
  int64_t size() const;
  const std::string& factory() const { return factory_; }
  // IVF and PQ factories learn their coarse centroids and codebooks from sample vectors
  // before anything can be added; Flat and HNSW do not.
  bool needs_training() const;
  // `vectors` holds n * dim() floats, a sample of the gallery (FAISS wants about 40 per IVF
  // list and 256 per PQ centroid). Throws Error(kInvalidArgument) for a ragged sample and
  // Error(kIndex) when FAISS refuses it (too few vectors, or already filled).
  void Train(std::span<const float> vectors);
  // How much of an approximate index a search visits: IVF lists probed (nprobe) or the HNSW
  // candidate list (efSearch). More is slower and finds more of the true neighbours. Flat
  // ignores it. Not while searches are in flight.
  void SetSearchBreadth(int breadth);

  // `vectors` holds ids.size() * dim() floats. An id already in the index (or twice in `ids`)
  // is Error(kInvalidArgument): FAISS would keep both copies and return the face twice.
  void Add(std::span<const int64_t> ids, std::span<const float> vectors);
  // Returns how many ids were present and removed.
  int64_t Remove(std::span<const int64_t> ids);
  // `queries` holds n * dim() floats; returns up to k neighbours per query, nearest first.
  std::vector<std::vector<Neighbor>> Search(std::span<const float> queries, int k) const;

  // Writes atomically (temp file, fsync, rename, fsync of the directory) with the catalog
  // generation it reflects. Throws Error(kIo) naming the file when the OS refuses (disk
  // full, ...); the previous files are then left as they were.
  void Save(const std::filesystem::path& path, int64_t generation) const;

  struct Loaded;
  // Returns nullopt when the index or its sidecar does not exist; throws Error(kIndex) naming
  // the file when either is unreadable or they disagree on size or dim (damage, or a save cut
  // between its two renames). Comparing `generation` with the catalog's is the caller's part.
  static std::optional<Loaded> Load(const std::filesystem::path& path);

 private:
  FaceIndex(int dim, std::string factory, std::unique_ptr<faiss::Index> index);

  int dim_;
  std::string factory_;
  std::unique_ptr<faiss::Index> index_;
};

struct FaceIndex::Loaded {
  FaceIndex index;
  int64_t generation;
};

}  // namespace facetrace
