// IdSet: a set of face ids as a bitmap, one bit per id up to the largest.
//
// Catalog face ids are SQLite rowids: dense, from 1 upwards. A bitmap answers "is this face
// live?" in one memory read at 1/8 byte per face (125 MB for a billion faces), where a hash set
// would cost 30-50 bytes per face. The index keeps one for the live faces and one for the
// deleted faces FAISS still holds (tombstones).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace facetrace {

class IdSet {
 public:
  // Ids must lie in [0, kMaxId): the bitmap grows to the largest id inserted.
  static constexpr int64_t kMaxId = int64_t{1} << 40;

  // Returns false when `id` was already present. Throws Error(kInvalidArgument) for an id
  // outside [0, kMaxId).
  bool Insert(int64_t id);
  // Returns false when `id` was absent.
  bool Erase(int64_t id);
  bool Contains(int64_t id) const {
    const auto word = static_cast<uint64_t>(id) >> 6;
    return id >= 0 && word < words_.size() && (words_[word] >> (id & 63) & 1) != 0;
  }
  int64_t size() const { return size_; }
  // Ids in increasing order.
  std::vector<int64_t> ToVector() const;

  // The bitmap's 64-bit words, for saving; FromWords is the inverse.
  std::span<const uint64_t> words() const { return words_; }
  static IdSet FromWords(std::vector<uint64_t> words);

 private:
  std::vector<uint64_t> words_;
  int64_t size_ = 0;
};

}  // namespace facetrace
