// VectorStore: every face's embedding at half precision in one file, memory-mapped, row = id.
//
// Compressed indexes (IVF-PQ) keep 16-32 bytes per face in memory and rank by approximate
// distances; re-ranking their best candidates by exact distance needs the real vectors. At
// fp16 a 128-D vector is 256 bytes: 256 GB for a billion faces, so it lives on disk and only
// the rows a search re-ranks are paged in. The row of face id i is at a fixed offset (i * row
// size past a small header), so no id -> row table is held in memory; ids are catalog rowids,
// dense from 1, so the holes cost little disk. Faces never change once added, so rows are
// written in place: a crash can only leave rows that no saved index refers to.
//
// fp16 keeps about 3 significant digits: a re-ranked distance differs from the fp32 one by
// about 1e-4 at face-embedding scale, far below the 0.1 steps that separate decisions.
//
// Threads: reads (Get, SquaredDistance) are const and may run concurrently; Put and Sync need
// exclusive access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

namespace facetrace {

class VectorStore {
 public:
  // Opens `path`, creating it when `writable` and absent. Throws Error(kIndex) naming the file
  // when it is missing (read-only), is not a vector store, or holds another dimension, and
  // Error(kIo) when the OS refuses.
  static std::unique_ptr<VectorStore> Open(const std::filesystem::path& path, int dim,
                                           bool writable);
  ~VectorStore();
  VectorStore(const VectorStore&) = delete;
  VectorStore& operator=(const VectorStore&) = delete;

  const std::filesystem::path& path() const { return path_; }
  int dim() const { return dim_; }
  uint64_t file_bytes() const { return file_bytes_; }

  // Writes the rows of `ids` (ids.size() * dim() floats in `vectors`). Throws Error(kIo).
  void Put(std::span<const int64_t> ids, std::span<const float> vectors);
  // Whether the file reaches id's row (a row past the end was never written).
  bool Covers(int64_t id) const;
  // The stored row of `id` as floats into `out` (dim() floats). `id` must be covered.
  void Get(int64_t id, float* out) const;
  // Squared L2 distance between `query` (dim() floats) and the stored row of `id`.
  float SquaredDistance(int64_t id, const float* query) const;
  // Makes the rows written so far durable (fsync). Throws Error(kIo).
  void Sync();

 private:
  VectorStore(std::filesystem::path path, int dim, int fd, bool writable);
  void Remap();
  const uint16_t* Row(int64_t id) const;

  std::filesystem::path path_;
  int dim_;
  int fd_;
  bool writable_;
  uint64_t file_bytes_ = 0;
  const std::byte* map_ = nullptr;
  uint64_t mapped_bytes_ = 0;
};

}  // namespace facetrace
