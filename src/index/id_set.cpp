#include "index/id_set.h"

#include <bit>
#include <string>

#include "core/error.h"

namespace facetrace {

bool IdSet::Insert(int64_t id) {
  if (id < 0 || id >= kMaxId) {
    throw Error(ErrorCode::kInvalidArgument,
                "face id " + std::to_string(id) + " is outside [0, 2^40): not a catalog id");
  }
  const auto word = static_cast<size_t>(id >> 6);
  if (word >= words_.size()) words_.resize(std::max(word + 1, words_.size() * 3 / 2), 0);
  const uint64_t bit = uint64_t{1} << (id & 63);
  if (words_[word] & bit) return false;
  words_[word] |= bit;
  ++size_;
  return true;
}

bool IdSet::Erase(int64_t id) {
  if (!Contains(id)) return false;
  words_[static_cast<size_t>(id >> 6)] &= ~(uint64_t{1} << (id & 63));
  --size_;
  return true;
}

std::vector<int64_t> IdSet::ToVector() const {
  std::vector<int64_t> ids;
  ids.reserve(static_cast<size_t>(size_));
  for (size_t w = 0; w < words_.size(); ++w) {
    for (uint64_t bits = words_[w]; bits != 0; bits &= bits - 1) {
      ids.push_back(static_cast<int64_t>(w * 64) + std::countr_zero(bits));
    }
  }
  return ids;
}

IdSet IdSet::FromWords(std::vector<uint64_t> words) {
  IdSet set;
  for (uint64_t w : words) set.size_ += std::popcount(w);
  set.words_ = std::move(words);
  return set;
}

}  // namespace facetrace
