// FaceIndex: nearest-neighbour search over face embeddings, backed by FAISS.
//
// Vectors carry the catalog's face ids (faiss::IndexIDMap2), so results map straight back to
// catalog rows and deletions by id are possible. The index is a cache of the catalog: it is
// saved with the catalog generation it reflects and rebuilt when that no longer matches.
//
// Search is thread-safe for concurrent readers; Add/Remove need exclusive access.
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
  // `factory` is a FAISS index_factory description ("Flat" to start); metric is L2.
  FaceIndex(int dim, const std::string& factory = "Flat");
  ~FaceIndex();
  FaceIndex(FaceIndex&&) noexcept;
  FaceIndex& operator=(FaceIndex&&) noexcept;

  int dim() const { return dim_; }
  int64_t size() const;

  // `vectors` holds ids.size() * dim() floats.
  void Add(std::span<const int64_t> ids, std::span<const float> vectors);
  // Returns how many ids were present and removed.
  int64_t Remove(std::span<const int64_t> ids);
  // `queries` holds n * dim() floats; returns up to k neighbours per query, nearest first.
  std::vector<std::vector<Neighbor>> Search(std::span<const float> queries, int k) const;

  // Writes atomically (temp file + rename) with the catalog generation it reflects.
  void Save(const std::filesystem::path& path, int64_t generation) const;

  struct Loaded;
  // Returns nullopt when the file does not exist; throws Error(kIndex) when it is unreadable.
  static std::optional<Loaded> Load(const std::filesystem::path& path);

 private:
  int dim_;
  std::string factory_;
  std::unique_ptr<faiss::Index> index_;
};

struct FaceIndex::Loaded {
  FaceIndex index;
  int64_t generation;
};

}  // namespace facetrace
