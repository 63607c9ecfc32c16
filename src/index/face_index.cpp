#include "index/face_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <system_error>

#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace facetrace {
namespace fs = std::filesystem;

namespace {

// Runs `f`, turning FAISS's exceptions into Error(kIndex) with `what` as context.
template <typename F>
auto Faiss(const std::string& what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const faiss::FaissException& e) {
    throw Error(ErrorCode::kIndex, what + ": " + e.what());
  }
}

std::unique_ptr<faiss::Index> MakeIndex(int dim, const std::string& factory) {
  return Faiss("cannot create index '" + factory + "'", [&] {
    std::unique_ptr<faiss::Index> inner(
        faiss::index_factory(dim, factory.c_str(), faiss::METRIC_L2));
    auto map = std::make_unique<faiss::IndexIDMap2>(inner.release());
    map->own_fields = true;
    return std::unique_ptr<faiss::Index>(std::move(map));
  });
}

fs::path MetaPath(const fs::path& path) { return path.string() + ".meta.json"; }

// Makes a renamed file's directory entry durable too.
void SyncFile(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw Error(ErrorCode::kIo, "cannot open " + path.string() + " to sync it");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw Error(ErrorCode::kIo, "cannot sync " + path.string() + " (disk full?)");
}

void ReplaceAtomically(const fs::path& tmp, const fs::path& path) {
  SyncFile(tmp);
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec)
    throw Error(ErrorCode::kIo,
                "cannot move " + tmp.string() + " over " + path.string() + ": " + ec.message());
}

}  // namespace

FaceIndex::FaceIndex(int dim, const std::string& factory)
    : dim_(dim), factory_(factory), index_(MakeIndex(dim, factory)) {}
FaceIndex::~FaceIndex() = default;
FaceIndex::FaceIndex(FaceIndex&&) noexcept = default;
FaceIndex& FaceIndex::operator=(FaceIndex&&) noexcept = default;

int64_t FaceIndex::size() const { return index_->ntotal; }

void FaceIndex::Add(std::span<const int64_t> ids, std::span<const float> vectors) {
  if (vectors.size() != ids.size() * static_cast<size_t>(dim_)) {
    throw Error(ErrorCode::kInvalidArgument, "FaceIndex::Add: vectors do not match ids x dim");
  }
  if (ids.empty()) return;
  Faiss("cannot add to the index", [&] {
    index_->add_with_ids(static_cast<faiss::Index::idx_t>(ids.size()), vectors.data(), ids.data());
  });
}

int64_t FaceIndex::Remove(std::span<const int64_t> ids) {
  if (ids.empty()) return 0;
  const faiss::IDSelectorBatch selector(ids.size(), ids.data());
  return Faiss("cannot remove from the index",
               [&] { return static_cast<int64_t>(index_->remove_ids(selector)); });
}

std::vector<std::vector<Neighbor>> FaceIndex::Search(std::span<const float> queries, int k) const {
  if (queries.size() % static_cast<size_t>(dim_) != 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "FaceIndex::Search: queries are not a multiple of dim");
  }
  const auto n = static_cast<faiss::Index::idx_t>(queries.size() / static_cast<size_t>(dim_));
  std::vector<std::vector<Neighbor>> results(static_cast<size_t>(n));
  const auto kk = static_cast<faiss::Index::idx_t>(std::min<int64_t>(k, size()));
  if (n == 0 || kk <= 0) return results;
  std::vector<float> distances(static_cast<size_t>(n * kk));
  std::vector<faiss::Index::idx_t> labels(static_cast<size_t>(n * kk));
  Faiss("search failed",
        [&] { index_->search(n, queries.data(), kk, distances.data(), labels.data()); });
  for (faiss::Index::idx_t q = 0; q < n; ++q) {
    for (faiss::Index::idx_t j = 0; j < kk; ++j) {
      const size_t at = static_cast<size_t>(q * kk + j);
      if (labels[at] < 0) continue;  // fewer than k results
      results[static_cast<size_t>(q)].push_back(
          {labels[at], std::sqrt(std::max(0.0f, distances[at]))});
    }
  }
  return results;
}

void FaceIndex::Save(const fs::path& path, int64_t generation) const {
  // Index first, then its sidecar: a crash between the two renames leaves the old generation
  // beside the new index, which reads as stale (rebuilt), never as falsely fresh.
  const fs::path tmp = path.string() + ".tmp";
  Faiss("cannot write index " + path.string(),
        [&] { faiss::write_index(index_.get(), tmp.c_str()); });
  ReplaceAtomically(tmp, path);
  const nlohmann::json meta = {
      {"generation", generation}, {"size", size()}, {"dim", dim_}, {"factory", factory_}};
  const fs::path meta_tmp = MetaPath(path).string() + ".tmp";
  {
    std::ofstream out(meta_tmp, std::ios::trunc);
    out << meta.dump();
    if (!(out.flush()))
      throw Error(ErrorCode::kIo, "cannot write " + meta_tmp.string() + " (disk full?)");
  }
  ReplaceAtomically(meta_tmp, MetaPath(path));
}

std::optional<FaceIndex::Loaded> FaceIndex::Load(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec) || !fs::exists(MetaPath(path), ec)) return std::nullopt;
  nlohmann::json meta;
  try {
    std::ifstream in(MetaPath(path));
    meta = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kIndex,
                "index metadata " + MetaPath(path).string() + " is unreadable: " + e.what());
  }
  std::unique_ptr<faiss::Index> index(Faiss("index " + path.string() + " is unreadable",
                                            [&] { return faiss::read_index(path.c_str()); }));
  const int dim = meta.value("dim", 0);
  if (index->d != dim || index->ntotal != meta.value("size", int64_t{-1})) {
    throw Error(ErrorCode::kIndex, "index " + path.string() + " does not match its metadata");
  }
  FaceIndex loaded(dim, meta.value("factory", std::string("Flat")));
  loaded.index_ = std::move(index);
  return Loaded{std::move(loaded), meta.value("generation", int64_t{-1})};
}

}  // namespace facetrace
