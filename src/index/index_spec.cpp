#include "index/index_spec.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>

#include "core/error.h"

namespace facetrace {

IndexSpec ParseIndexSpec(const std::string& factory) {
  const auto bad = [&](const std::string& why) {
    return Error(ErrorCode::kInvalidArgument, "index factory '" + factory + "': " + why);
  };
  if (factory.empty()) throw bad("empty");
  if (factory.starts_with("IDMap")) throw bad("leave out IDMap, facetrace adds its own");
  IndexSpec spec{factory, 0};
  const std::string suffix = ",Rerank";
  const auto at = factory.rfind(suffix);
  if (at == std::string::npos) return spec;
  const std::string count = factory.substr(at + suffix.size());
  int rerank = 0;
  const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), rerank);
  if (ec != std::errc() || end != count.data() + count.size() || rerank <= 0) {
    throw bad("Rerank needs a positive count of candidates, as in ',Rerank100'");
  }
  spec.faiss_factory = factory.substr(0, at);
  if (spec.faiss_factory.empty())
    throw bad("Rerank follows an index, as in 'IVF1024,PQ16,Rerank100'");
  spec.rerank = rerank;
  return spec;
}

std::string ChooseFactory(int64_t faces) {
  if (faces <= kFlatUpTo) return "Flat";
  if (faces <= kHnswUpTo) return "HNSW32";
  // FAISS's guidance is 4-16 x sqrt(n) lists; 2 x sqrt(n), rounded up to a power of two, keeps
  // the k-means training affordable on a small machine (16384 lists at 50M faces).
  const auto lists = std::clamp<uint64_t>(
      std::bit_ceil(static_cast<uint64_t>(2 * std::sqrt(static_cast<double>(faces)))), 4096, 65536);
  return "IVF" + std::to_string(lists) + "_HNSW32,PQ32,Rerank100";
}

}  // namespace facetrace
