#include "index/face_index.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <thread>
#include <unordered_set>

#include <faiss/IndexFlat.h>
#include <faiss/index_io.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "index/bounded_scan_flat.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;

constexpr int kDim = 16;

std::vector<float> RandomVectors(size_t n, unsigned seed) {
  return testing::NormalFloats(n * kDim, seed);
}

// Distinct, scattered ids, like catalog face ids after deletions.
std::vector<int64_t> Ids(size_t n, int64_t first = 100) {
  std::vector<int64_t> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = first + 7 * static_cast<int64_t>(i);
  return ids;
}

std::span<const float> Row(const std::vector<float>& vectors, size_t i) {
  return std::span(vectors).subspan(i * kDim, kDim);
}

// Exact k nearest of `query` among the rows of `vectors` whose id is not in `removed`.
std::vector<Neighbor> BruteForce(std::span<const float> query, const std::vector<float>& vectors,
                                 const std::vector<int64_t>& ids, size_t k,
                                 const std::unordered_set<int64_t>& removed = {}) {
  std::vector<Neighbor> all;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (removed.count(ids[i])) continue;
    double s = 0;
    for (int d = 0; d < kDim; ++d) s += std::pow(query[d] - vectors[i * kDim + d], 2);
    all.push_back({ids[i], static_cast<float>(std::sqrt(s))});
  }
  std::sort(all.begin(), all.end(),
            [](const Neighbor& a, const Neighbor& b) { return a.distance < b.distance; });
  all.resize(std::min(k, all.size()));
  return all;
}

// The exact top 10 of each query, from a Flat index over `vectors`.
std::vector<std::vector<Neighbor>> ExactTop10(const std::vector<float>& vectors,
                                              const std::vector<int64_t>& ids,
                                              const std::vector<float>& queries) {
  FaceIndex flat(kDim);
  flat.Add(ids, vectors);
  return flat.Search(queries, 10);
}

void ExpectSameNeighbours(const std::vector<Neighbor>& actual,
                          const std::vector<Neighbor>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].id, expected[i].id) << "rank " << i;
    EXPECT_NEAR(actual[i].distance, expected[i].distance, 1e-4f) << "rank " << i;
  }
}

template <typename F>
std::string ExpectError(ErrorCode code, F&& f) {
  return testing::ExpectErrorCode(code, std::forward<F>(f));
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

fs::path Sidecar(const fs::path& index) { return index.string() + ".meta.json"; }

TEST(FaceIndexTest, ExactSearchMatchesBruteForce) {
  FaceIndex index(kDim);
  EXPECT_EQ(index.dim(), kDim);
  const auto vectors = RandomVectors(500, 1);
  const auto ids = Ids(500);
  index.Add(ids, vectors);
  EXPECT_EQ(index.size(), 500);
  const auto queries = RandomVectors(10, 2);
  const auto results = index.Search(queries, 8);
  ASSERT_EQ(results.size(), 10u);
  for (size_t q = 0; q < 10; ++q) {
    SCOPED_TRACE("query " + std::to_string(q));
    ExpectSameNeighbours(results[q], BruteForce(Row(queries, q), vectors, ids, 8));
  }
  // A stored vector finds itself at distance 0 (not NaN from a slightly negative square).
  const auto self = index.Search(Row(vectors, 42), 1);
  EXPECT_EQ(self[0][0].id, ids[42]);
  EXPECT_EQ(self[0][0].distance, 0.0f);
}

TEST(FaceIndexTest, RemovedIdsAreGoneAndTheRestStillExact) {
  FaceIndex index(kDim);
  const auto vectors = RandomVectors(300, 3);
  const auto ids = Ids(300);
  index.Add(ids, vectors);
  std::vector<int64_t> gone;
  for (size_t i = 0; i < ids.size(); i += 3) gone.push_back(ids[i]);
  std::vector<int64_t> request = gone;
  request.push_back(5);  // never added
  EXPECT_EQ(index.Remove(request), static_cast<int64_t>(gone.size()));
  EXPECT_EQ(index.size(), 200);
  EXPECT_EQ(index.Remove(gone), 0);  // already removed
  EXPECT_EQ(index.Remove({}), 0);
  const std::unordered_set<int64_t> removed(gone.begin(), gone.end());
  const auto queries = RandomVectors(5, 4);
  const auto results = index.Search(queries, 300);  // everything that is left
  for (size_t q = 0; q < 5; ++q) {
    SCOPED_TRACE("query " + std::to_string(q));
    ExpectSameNeighbours(results[q], BruteForce(Row(queries, q), vectors, ids, 300, removed));
  }
  // A removed id may come back (a face re-enrolled after a rebuild).
  index.Add(std::span(gone).first(1), Row(vectors, 0));
  EXPECT_EQ(index.Search(Row(vectors, 0), 1)[0][0].id, gone[0]);
}

TEST(FaceIndexTest, SmallAndEmptyIndexes) {
  FaceIndex index(kDim);
  const auto two_queries = RandomVectors(2, 5);
  const auto empty = index.Search(two_queries, 5);
  ASSERT_EQ(empty.size(), 2u);  // one (empty) list per query
  EXPECT_TRUE(empty[0].empty());
  EXPECT_TRUE(empty[1].empty());
  EXPECT_TRUE(index.Search({}, 5).empty());
  index.Add({}, {});
  EXPECT_EQ(index.size(), 0);

  const auto vectors = RandomVectors(3, 6);
  const auto ids = Ids(3);
  index.Add(ids, vectors);
  const auto all = index.Search(Row(vectors, 1), 10)[0];  // k > size: all of them, in order
  ExpectSameNeighbours(all, BruteForce(Row(vectors, 1), vectors, ids, 10));
  EXPECT_EQ(all.size(), 3u);
  EXPECT_TRUE(index.Search(Row(vectors, 1), 0)[0].empty());
  EXPECT_TRUE(index.Search(Row(vectors, 1), -1)[0].empty());
}

TEST(FaceIndexTest, RejectsBadInput) {
  FaceIndex index(kDim);
  ExpectError(ErrorCode::kInvalidArgument, [&] { index.Add(Ids(2), RandomVectors(1, 7)); });
  ExpectError(ErrorCode::kInvalidArgument, [&] { index.Search(std::vector<float>(kDim + 1), 1); });
  ExpectError(ErrorCode::kIndex, [] { FaceIndex(kDim, "NoSuchIndex"); });
  ExpectError(ErrorCode::kInvalidArgument, [] { FaceIndex(0); });
  ExpectError(ErrorCode::kInvalidArgument, [] { FaceIndex(kDim, "IDMap,Flat"); });

  // Duplicates, in the index or within one call, would come back twice from every search.
  const auto vectors = RandomVectors(2, 8);
  index.Add(Ids(2), vectors);
  const std::vector<int64_t> again = {Ids(2)[1]};
  const std::string message =
      ExpectError(ErrorCode::kInvalidArgument, [&] { index.Add(again, Row(vectors, 0)); });
  EXPECT_TRUE(Contains(message, std::to_string(again[0]))) << message;
  const std::vector<int64_t> twice = {900, 900};
  ExpectError(ErrorCode::kInvalidArgument, [&] { index.Add(twice, vectors); });
  EXPECT_EQ(index.size(), 2);

  // A factory that needs training cannot be filled without it.
  FaceIndex ivf(kDim, "IVF4,Flat");
  const std::string untrained =
      ExpectError(ErrorCode::kIndex, [&] { ivf.Add(Ids(2), RandomVectors(2, 9)); });
  EXPECT_TRUE(Contains(untrained, "training")) << untrained;
}

// Fraction of the exact top-k ids that `found` also returns.
double RecallAtK(const std::vector<Neighbor>& found, const std::vector<Neighbor>& exact) {
  std::unordered_set<int64_t> truth;
  for (const Neighbor& n : exact) truth.insert(n.id);
  size_t hits = 0;
  for (const Neighbor& n : found) hits += truth.count(n.id);
  return exact.empty() ? 1.0 : static_cast<double>(hits) / static_cast<double>(exact.size());
}

TEST(FaceIndexTest, TrainedAndGraphFactoriesFindWhatFlatFinds) {
  const auto vectors = RandomVectors(4000, 20);
  const auto ids = Ids(4000);
  const auto queries = RandomVectors(20, 21);
  const auto exact = ExactTop10(vectors, ids, queries);
  for (const std::string factory : {"HNSW32", "IVF4,Flat", "IVF4,PQ4x4"}) {
    SCOPED_TRACE(factory);
    FaceIndex index(kDim, factory);
    EXPECT_EQ(index.factory(), factory);
    if (index.needs_training()) index.Train(vectors);
    EXPECT_FALSE(index.needs_training());
    index.Add(ids, vectors);
    EXPECT_EQ(index.size(), 4000);
    const auto found = index.Search(queries, 10);
    double recall = 0;
    for (size_t q = 0; q < found.size(); ++q) recall += RecallAtK(found[q], exact[q]);
    // A loose floor: these are approximate (one IVF list probed), and 16-D Gaussians are their
    // hardest case; bench/index_bench.cpp measures recall on face-like data.
    EXPECT_GT(recall / static_cast<double>(found.size()), 0.15);
  }
  EXPECT_FALSE(FaceIndex(kDim).needs_training());
}

// A lone probe takes the vectorized scan (Flat, and an IVF's flat quantizer choosing lists),
// a batch of 20 FAISS's BLAS path: they must agree on every neighbour.
TEST(FaceIndexTest, ALoneProbeFindsWhatTheSameProbeFindsInABatch) {
  const auto vectors = RandomVectors(4000, 30);
  const auto ids = Ids(4000);
  const auto queries = RandomVectors(20, 31);
  for (const std::string factory : {"Flat", "IVF16,Flat", "HNSW32"}) {
    SCOPED_TRACE(factory);
    FaceIndex index(kDim, factory);
    if (index.needs_training()) index.Train(vectors);
    index.Add(ids, vectors);
    if (factory != "Flat") index.SetSearchBreadth(2);
    const auto batch = index.Search(queries, 10);
    for (size_t q = 0; q < batch.size(); ++q) {
      const auto lone = index.Search(std::span(queries).subspan(q * kDim, kDim), 10);
      ASSERT_EQ(lone[0].size(), batch[q].size());
      for (size_t j = 0; j < batch[q].size(); ++j) {
        EXPECT_EQ(lone[0][j].id, batch[q][j].id) << "query " << q << ", rank " << j;
        EXPECT_NEAR(lone[0][j].distance, batch[q][j].distance, 1e-4);
      }
    }
  }
}

// Reserving changes where FAISS's arrays live, never what they hold.
TEST(FaceIndexTest, AReservedIndexFindsWhatAnUnreservedOneFinds) {
  const auto vectors = RandomVectors(3000, 32);
  const auto ids = Ids(3000);
  const auto queries = RandomVectors(10, 33);
  for (const std::string factory : {"Flat", "IVF16,Flat", "HNSW32"}) {
    SCOPED_TRACE(factory);
    FaceIndex plain(kDim, factory), reserved(kDim, factory);
    for (FaceIndex* index : {&plain, &reserved}) {
      if (index->needs_training()) index->Train(vectors);
    }
    reserved.Reserve(1000);
    reserved.Reserve(0);
    plain.Add(std::span(ids).first(1000), std::span(vectors).first(1000 * kDim));
    reserved.Add(std::span(ids).first(1000), std::span(vectors).first(1000 * kDim));
    reserved.Reserve(2000);  // the rest, on top of the faces held
    plain.Add(std::span(ids).subspan(1000), std::span(vectors).subspan(1000 * kDim));
    reserved.Add(std::span(ids).subspan(1000), std::span(vectors).subspan(1000 * kDim));
    EXPECT_EQ(reserved.size(), 3000);
    for (size_t i = 0; i < 3000; i += 150) {  // every face is there, with its own vector
      EXPECT_EQ(reserved.Search(Row(vectors, i), 1)[0][0].id, ids[i]) << "face " << i;
    }
    if (factory == "HNSW32") continue;  // graphs built on two threads differ run to run
    const auto want = plain.Search(queries, 10);
    const auto got = reserved.Search(queries, 10);
    for (size_t q = 0; q < want.size(); ++q) ExpectSameNeighbours(got[q], want[q]);
  }
  FaceIndex index(kDim, "Flat");
  const std::string negative = ExpectError(ErrorCode::kInvalidArgument, [&] { index.Reserve(-1); });
  EXPECT_TRUE(Contains(negative, "-1")) << negative;
  ExpectError(ErrorCode::kInvalidArgument, [&] { index.Reserve(IdSet::kMaxId + 1); });
}

TEST(FaceIndexTest, WiderSearchesFindMoreOfTheTrueNeighbours) {
  const auto vectors = RandomVectors(4000, 25);
  const auto ids = Ids(4000);
  const auto queries = RandomVectors(20, 26);
  FaceIndex flat(kDim);
  flat.Add(ids, vectors);
  const auto exact = flat.Search(queries, 10);
  flat.SetSearchBreadth(8);  // ignored
  EXPECT_EQ(flat.Search(queries, 10)[0].front().id, exact[0].front().id);
  for (const std::string factory : {"HNSW32", "IVF16,Flat"}) {
    SCOPED_TRACE(factory);
    FaceIndex index(kDim, factory);
    if (index.needs_training()) index.Train(vectors);
    index.Add(ids, vectors);
    ExpectError(ErrorCode::kInvalidArgument, [&] { index.SetSearchBreadth(0); });
    auto recall = [&] {
      const auto found = index.Search(queries, 10);
      double sum = 0;
      for (size_t q = 0; q < found.size(); ++q) sum += RecallAtK(found[q], exact[q]);
      return sum / static_cast<double>(found.size());
    };
    index.SetSearchBreadth(1);
    const double narrow = recall();
    index.SetSearchBreadth(factory == "HNSW32" ? 4000 : 64);  // everything (IVF: 16 lists): exact
    EXPECT_GE(recall(), narrow);
    EXPECT_GT(recall(), 0.99);
  }
}

TEST(FaceIndexTest, ProbingEveryListThroughAnHnswQuantizerIsExact) {
  // An HNSW coarse quantizer answers with at most its efSearch lists (16 by default) however
  // many are probed, unless the probe count raises it. Adds assign a big batch to lists by
  // BLAS against the centroids and a small one through the graph with a narrowed breadth,
  // then restored: either way probing every list finds the exact neighbours, and a face
  // searched for with one list probed finds itself.
  const auto vectors = RandomVectors(20000, 30);
  const auto ids = Ids(20000);
  const auto queries = RandomVectors(20, 31);
  const auto exact = ExactTop10(vectors, ids, queries);
  FaceIndex index(kDim, "IVF1024_HNSW32,Flat");
  index.Train(vectors);
  index.SetSearchBreadth(1024);
  const size_t small = kExactAssignBatch - 1;
  const size_t big = ids.size() - small;
  index.Add(std::span(ids).first(big), std::span(vectors).first(big * kDim));
  index.Add(std::span(ids).subspan(big), std::span(vectors).subspan(big * kDim));
  EXPECT_EQ(index.search_breadth(), 1024);
  const auto found = index.Search(queries, 10);
  for (size_t q = 0; q < found.size(); ++q) ExpectSameNeighbours(found[q], exact[q]);
  index.SetSearchBreadth(1);
  for (size_t row : {size_t{0}, big - 1, big, ids.size() - 1}) {
    const auto self = index.Search(std::span(vectors).subspan(row * kDim, kDim), 1);
    EXPECT_EQ(self[0][0].id, ids[row]) << row;
  }
}

TEST(FaceIndexTest, StartsFromTheMeasuredBreadthsNotFaissDefaults) {
  EXPECT_EQ(FaceIndex(kDim).search_breadth(), 0);
  EXPECT_EQ(FaceIndex(kDim, "HNSW32").search_breadth(), kDefaultHnswBreadth);
  EXPECT_EQ(DefaultIvfBreadth(4), 4);  // never more lists than there are
  EXPECT_EQ(DefaultIvfBreadth(64), 16);
  EXPECT_EQ(DefaultIvfBreadth(4096), 128);
  EXPECT_EQ(DefaultIvfBreadth(65536), 256);
  FaceIndex ivf(kDim, "IVF64,Flat");
  EXPECT_EQ(ivf.search_breadth(), 16);
  ivf.SetSearchBreadth(1000);
  EXPECT_EQ(ivf.search_breadth(), 64);  // capped at the number of lists

  // A loaded index starts from the defaults too, whatever its file says.
  testing::ScratchDir dir;
  const auto vectors = RandomVectors(3000, 27);
  FaceIndex hnsw(kDim, "HNSW32");
  hnsw.Add(Ids(3000), vectors);
  hnsw.SetSearchBreadth(20);
  hnsw.Save(dir / "h.faiss", 1);
  EXPECT_EQ(FaceIndex::Load(dir / "h.faiss")->index.search_breadth(), kDefaultHnswBreadth);
}

// The build breadth, unlike the search breadth, shapes the graph: it is kept with the index.
TEST(FaceIndexTest, BuildBreadthIsAGraphSettingSavedWithTheIndex) {
  EXPECT_EQ(FaceIndex(kDim).build_breadth(), 0);
  FaceIndex flat(kDim);
  flat.SetBuildBreadth(80);  // nothing to build: ignored
  EXPECT_EQ(flat.build_breadth(), 0);
  FaceIndex hnsw(kDim, "HNSW32");
  EXPECT_EQ(hnsw.build_breadth(), kDefaultHnswBuildBreadth);  // not FAISS's 40
  ExpectError(ErrorCode::kInvalidArgument, [&] { hnsw.SetBuildBreadth(0); });
  hnsw.SetBuildBreadth(60);
  EXPECT_EQ(hnsw.build_breadth(), 60);
  const auto vectors = RandomVectors(2000, 28);
  hnsw.Add(Ids(2000), vectors);
  testing::ScratchDir dir;
  hnsw.Save(dir / "h.faiss", 1);
  auto loaded = FaceIndex::Load(dir / "h.faiss");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->index.build_breadth(), 60);  // the file's, not the default
  const auto self = loaded->index.Search(std::span(vectors).subspan(0, kDim), 1);
  EXPECT_EQ(self[0][0].id, Ids(1)[0]);
}

TEST(FaceIndexTest, TrainRejectsBadSamples) {
  FaceIndex ivf(kDim, "IVF4,Flat");
  EXPECT_TRUE(ivf.needs_training());
  ExpectError(ErrorCode::kInvalidArgument, [&] { ivf.Train({}); });
  ExpectError(ErrorCode::kInvalidArgument, [&] { ivf.Train(std::vector<float>(kDim + 1)); });
  ExpectError(ErrorCode::kIndex, [&] { ivf.Train(RandomVectors(2, 22)); });  // < 4 centroids
  FaceIndex flat(kDim);
  flat.Add(Ids(2), RandomVectors(2, 23));
  ExpectError(ErrorCode::kIndex, [&] { flat.Train(RandomVectors(2, 24)); });
}

TEST(FaceIndexTest, ConcurrentSearchesAgreeWithSerialOnes) {
  FaceIndex index(kDim);
  const auto vectors = RandomVectors(2000, 10);
  index.Add(Ids(2000), vectors);
  const auto queries = RandomVectors(40, 11);
  std::vector<std::vector<Neighbor>> serial;
  for (size_t q = 0; q < 40; ++q) serial.push_back(index.Search(Row(queries, q), 5)[0]);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (size_t q = 0; q < 40; ++q) {
          const auto found = index.Search(Row(queries, q), 5)[0];
          for (size_t i = 0; i < found.size(); ++i) {
            if (found.size() != serial[q].size() || found[i].id != serial[q][i].id ||
                found[i].distance != serial[q][i].distance) {
              ++mismatches[static_cast<size_t>(t)];
            }
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(FaceIndexTest, SaveAndLoadKeepVectorsIdsAndGeneration) {
  ScratchDir dir;
  const auto path = dir / "g.faiss";
  const auto vectors = RandomVectors(50, 12);
  const auto ids = Ids(50);
  const auto queries = RandomVectors(4, 13);
  std::vector<std::vector<Neighbor>> before;
  {
    FaceIndex index(kDim);
    index.Add(ids, vectors);
    before = index.Search(queries, 6);
    index.Save(path, 42);
  }
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
  EXPECT_FALSE(fs::exists(Sidecar(path).string() + ".tmp"));
  const auto sidecar = nlohmann::json::parse(testing::ReadFile(Sidecar(path)));
  EXPECT_EQ(sidecar["generation"], 42);
  EXPECT_EQ(sidecar["size"], 50);
  EXPECT_EQ(sidecar["dim"], kDim);
  EXPECT_EQ(sidecar["factory"], "Flat");

  auto loaded = FaceIndex::Load(path);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->generation, 42);
  FaceIndex& index = loaded->index;
  EXPECT_EQ(index.size(), 50);
  EXPECT_EQ(index.dim(), kDim);
  const auto after = index.Search(queries, 6);
  for (size_t q = 0; q < before.size(); ++q) ExpectSameNeighbours(after[q], before[q]);
  // The id map came back whole: removal by id, and the duplicate check, still work.
  const std::vector<int64_t> first = {ids[0]};
  EXPECT_EQ(index.Remove(first), 1);
  ExpectError(ErrorCode::kInvalidArgument, [&] { index.Add({&ids[1], 1}, Row(vectors, 1)); });
  index.Add(first, Row(vectors, 0));

  // Saving again replaces both files.
  index.Remove(std::span(ids).first(10));
  index.Save(path, 43);
  auto reloaded = FaceIndex::Load(path);
  ASSERT_TRUE(reloaded);
  EXPECT_EQ(reloaded->generation, 43);
  EXPECT_EQ(reloaded->index.size(), 40);
}

// A Flat gallery answers lone probes by the bounded scan (index/bounded_scan_flat.h), when it
// is made and when it is loaded; other kinds never do.
TEST(FaceIndexTest, FlatGalleriesAnswerLoneProbesByTheBoundedScan) {
  ScratchDir dir;
  const auto path = dir / "g.faiss";
  const auto vectors = RandomVectors(500, 30);
  const auto ids = Ids(500);
  const auto probe = RandomVectors(1, 31);
  const auto answered = [] { return BoundedScanFlatL2::ProbesAnswered(); };
  {
    FaceIndex index(kDim);
    index.Add(ids, vectors);
    const uint64_t before = answered();
    ExpectSameNeighbours(index.Search(probe, 8)[0], BruteForce(probe, vectors, ids, 8));
    EXPECT_EQ(answered(), before + 1);
    index.Save(path, 1);
  }
  auto loaded = FaceIndex::Load(path);
  ASSERT_TRUE(loaded);
  uint64_t before = answered();
  ExpectSameNeighbours(loaded->index.Search(probe, 8)[0], BruteForce(probe, vectors, ids, 8));
  EXPECT_EQ(answered(), before + 1);

  FaceIndex graph(kDim, "HNSW32");
  graph.Add(ids, vectors);
  before = answered();
  graph.Search(probe, 8);
  EXPECT_EQ(answered(), before);
}

TEST(FaceIndexTest, MissingFilesAreNotAnError) {
  ScratchDir dir;
  const auto path = dir / "g.faiss";
  EXPECT_FALSE(FaceIndex::Load(path));
  FaceIndex index(kDim);
  index.Add(Ids(3), RandomVectors(3, 14));
  index.Save(path, 1);
  fs::remove(Sidecar(path));  // a first save cut between its two renames
  EXPECT_FALSE(FaceIndex::Load(path));
  index.Save(path, 1);
  fs::remove(path);
  EXPECT_FALSE(FaceIndex::Load(path));
}

TEST(FaceIndexTest, DamageIsAnIndexErrorNamingTheFile) {
  ScratchDir dir;
  const auto path = dir / "g.faiss";
  FaceIndex index(kDim);
  index.Add(Ids(20), RandomVectors(20, 15));
  index.Save(path, 1);
  const std::string good_index = testing::ReadFile(path);
  const std::string good_sidecar = testing::ReadFile(Sidecar(path));
  auto expect_damaged = [&](const std::string& file_name) {
    const std::string message = ExpectError(ErrorCode::kIndex, [&] { FaceIndex::Load(path); });
    EXPECT_TRUE(Contains(message, file_name)) << message;
  };

  testing::WriteFile(path, "definitely not faiss");
  expect_damaged("g.faiss");
  testing::WriteFile(path, good_index.substr(0, good_index.size() / 2));  // truncated
  expect_damaged("g.faiss");
  testing::WriteFile(path, "");
  expect_damaged("g.faiss");
  testing::WriteFile(path, good_index);

  for (const std::string bad : {"{not json", "[]", R"({"generation": 1, "size": 20, "dim": 16})",
                                R"({"generation": "1", "size": 20, "dim": 16, "factory": "Flat"})",
                                R"({"generation": 1, "size": -1, "dim": 16, "factory": "Flat"})"}) {
    SCOPED_TRACE(bad);
    testing::WriteFile(Sidecar(path), bad);
    expect_damaged("g.faiss.meta.json");
  }
  testing::WriteFile(Sidecar(path), good_sidecar);
  ASSERT_TRUE(FaceIndex::Load(path));

  // A FAISS index without the id map is not one of ours.
  faiss::IndexFlatL2 flat(kDim);
  faiss::write_index(&flat, path.c_str());
  testing::WriteFile(Sidecar(path),
                     R"({"generation": 1, "size": 0, "dim": 16, "factory": "Flat"})");
  const std::string foreign = ExpectError(ErrorCode::kIndex, [&] { FaceIndex::Load(path); });
  EXPECT_TRUE(Contains(foreign, "id map")) << foreign;
  testing::WriteFile(Sidecar(path), good_sidecar);

  // A valid index of another size than the sidecar says.
  FaceIndex(kDim).Save(dir / "x.faiss", 0);
  testing::WriteFile(path, testing::ReadFile(dir / "x.faiss"));  // a valid IDMap2, 0 vectors
  expect_damaged("g.faiss");  // size disagrees with the sidecar's 20
}

// Save writes the index, then the sidecar. Simulate a crash between the two renames: the new
// index is in place, the sidecar still describes the previous save.
TEST(FaceIndexTest, CrashBetweenIndexAndSidecarReadsAsStale) {
  ScratchDir dir;
  const auto path = dir / "g.faiss";
  const auto vectors = RandomVectors(6, 16);
  const auto ids = Ids(6);
  FaceIndex index(kDim);
  index.Add(std::span(ids).first(5), std::span(vectors).first(5 * kDim));
  index.Save(path, 1);

  // Generation 2 replaced one face by another: same size, different content.
  index.Remove(std::span(ids).first(1));
  index.Add(std::span(ids).subspan(5), Row(vectors, 5));
  index.Save(dir / "next.faiss", 2);
  fs::rename(dir / "next.faiss", path);  // only the index reached its place
  auto loaded = FaceIndex::Load(path);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->generation, 1);  // the old generation: the caller sees 1 != 2, rebuilds

  // Generation 3 grew the index: the sizes disagree, which Load reports.
  index.Add(std::vector<int64_t>{999}, Row(vectors, 0));
  index.Save(dir / "next.faiss", 3);
  fs::rename(dir / "next.faiss", path);
  const std::string message = ExpectError(ErrorCode::kIndex, [&] { FaceIndex::Load(path); });
  EXPECT_TRUE(Contains(message, "interrupted")) << message;

  // Real failures of Save: where the index cannot be written, nothing changes (had the
  // sidecar gone first, it would now claim generation 4 for the old index)...
  fs::create_directory(path.string() + ".tmp");  // fopen of the temp file fails: EISDIR
  ExpectError(ErrorCode::kIo, [&] { index.Save(path, 4); });
  fs::remove(path.string() + ".tmp");
  index.Save(path, 3);
  index.Add(std::vector<int64_t>{1000}, Row(vectors, 1));
  fs::create_directory(path.string() + ".tmp");
  ExpectError(ErrorCode::kIo, [&] { index.Save(path, 4); });
  fs::remove(path.string() + ".tmp");
  EXPECT_EQ(FaceIndex::Load(path)->generation, 3);
  EXPECT_EQ(FaceIndex::Load(path)->index.size(), 6);  // not the 7 of the failed save
  // ...and where only the sidecar cannot be written, the new index reads as stale.
  index.Remove(std::vector<int64_t>{1000, 999});
  const auto fresh = RandomVectors(1, 99);
  index.Add(std::vector<int64_t>{1001}, fresh);  // the saved size, new content
  fs::create_directory(Sidecar(path).string() + ".tmp");
  ExpectError(ErrorCode::kIo, [&] { index.Save(path, 5); });
  fs::remove(Sidecar(path).string() + ".tmp");
  auto stale = FaceIndex::Load(path);
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->generation, 3);
  EXPECT_EQ(stale->index.Search(fresh, 1)[0][0].id, 1001);

  // A temp file left by a crash before the first rename does not matter.
  testing::WriteFile(path.string() + ".tmp", "half an index");
  index.Save(path, 3);
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
  EXPECT_EQ(FaceIndex::Load(path)->generation, 3);
}

// HNSW graphs cannot drop nodes: removed faces become tombstones that searches skip, fetching
// more so that a top-k stays full, and a saved index keeps them.
TEST(FaceIndexTest, TombstonesAreNeverReturnedAndTopKStaysFull) {
  ScratchDir dir;
  const auto vectors = RandomVectors(600, 30);
  const auto ids = Ids(600);
  const auto queries = RandomVectors(25, 31);  // 25 >= 20: FAISS's batch path too
  FaceIndex index(kDim, "HNSW32");
  index.Add(ids, vectors);
  index.SetSearchBreadth(600);  // the whole graph: exact, so results compare with brute force
  // Remove the true nearest 8 of every query: all of them would be in its top-10.
  std::unordered_set<int64_t> removed;
  for (const auto& hits : index.Search(queries, 8)) {
    for (const Neighbor& n : hits) removed.insert(n.id);
  }
  const std::vector<int64_t> gone(removed.begin(), removed.end());
  EXPECT_EQ(index.Remove(gone), static_cast<int64_t>(gone.size()));
  EXPECT_EQ(index.Remove(gone), 0);  // already gone
  EXPECT_EQ(index.size(), 600 - static_cast<int64_t>(gone.size()));
  EXPECT_EQ(index.tombstones(), static_cast<int64_t>(gone.size()));
  EXPECT_FALSE(index.Contains(gone[0]));
  EXPECT_TRUE(index.Holds(gone[0]));
  EXPECT_FALSE(index.StoredVector(gone[0]));
  const auto check = [&](const FaceIndex& idx) {
    const auto found = idx.Search(queries, 10);
    for (size_t q = 0; q < found.size(); ++q) {
      ASSERT_EQ(found[q].size(), 10u) << "query " << q;
      for (const Neighbor& n : found[q]) EXPECT_FALSE(removed.count(n.id)) << n.id;
      ExpectSameNeighbours(found[q], BruteForce(Row(queries, q), vectors, ids, 10, removed));
    }
  };
  check(index);
  // A tombstoned id cannot come back until a rebuild: FAISS would hold it twice.
  const std::string again = ExpectError(ErrorCode::kInvalidArgument, [&] {
    index.Add(std::vector<int64_t>{gone[0]}, Row(vectors, 0));
  });
  EXPECT_TRUE(Contains(again, "rebuild")) << again;

  index.Save(dir / "g.faiss", 4);
  auto loaded = FaceIndex::Load(dir / "g.faiss");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->index.tombstones(), index.tombstones());
  EXPECT_EQ(loaded->index.size(), index.size());
  loaded->index.SetSearchBreadth(600);
  check(loaded->index);
}

// Flat and in-memory IVF remove for real: no tombstones.
TEST(FaceIndexTest, FlatAndIvfRemoveWithoutTombstones) {
  const auto vectors = RandomVectors(400, 32);
  const auto ids = Ids(400);
  for (const std::string factory : {"Flat", "IVF4,Flat"}) {
    SCOPED_TRACE(factory);
    FaceIndex index(kDim, factory);
    if (index.needs_training()) index.Train(vectors);
    index.Add(ids, vectors);
    EXPECT_EQ(index.Remove(std::span(ids).first(50)), 50);
    EXPECT_EQ(index.size(), 350);
    EXPECT_EQ(index.tombstones(), 0);
    EXPECT_FALSE(index.Holds(ids[0]));
    index.Add(std::span(ids).first(1), Row(vectors, 0));  // an id can come back
    EXPECT_EQ(index.size(), 351);
  }
}

// IVF-PQ ranks by compressed distances; Rerank re-orders its best candidates by exact distance
// to the fp16 vectors in the store, which finds the true neighbours PQ misorders.
TEST(FaceIndexTest, RerankingRestoresExactOrderFromStoredVectors) {
  ScratchDir dir;
  const auto vectors = RandomVectors(3000, 33);
  const auto ids = Ids(3000);
  const auto queries = RandomVectors(30, 34);
  FaceIndex flat(kDim);
  flat.Add(ids, vectors);
  const auto exact = flat.Search(queries, 10);
  ExpectError(ErrorCode::kInvalidArgument, [&] { FaceIndex(kDim, "IVF8,PQ4,Rerank50"); });
  ExpectError(ErrorCode::kInvalidArgument, [&] { flat.SetRerankDepth(10); });

  FaceIndex plain(kDim, "IVF8,PQ4");
  FaceIndex reranked(kDim, "IVF8,PQ4,Rerank300", dir / "g.f16");
  EXPECT_EQ(reranked.rerank_depth(), 300);
  for (FaceIndex* index : {&plain, &reranked}) {
    EXPECT_GT(index->training_sample_size(), 0);
    index->Train(vectors);
    EXPECT_EQ(index->training_sample_size(), 0);
    index->Add(ids, vectors);
    index->SetSearchBreadth(8);  // every list: only the codes' error remains
  }
  const auto recall = [&](const FaceIndex& index) {
    const auto found = index.Search(queries, 10);
    double sum = 0;
    for (size_t q = 0; q < found.size(); ++q) sum += RecallAtK(found[q], exact[q]);
    return sum / static_cast<double>(found.size());
  };
  const double before = recall(plain);
  const double after = recall(reranked);
  EXPECT_LT(before, 0.9);  // 4-byte codes of 16-D Gaussians lose most of the order...
  EXPECT_GT(after, 0.99);  // ...which re-ranking 300 candidates restores
  // Re-ranked distances are exact up to fp16 rounding (about 1e-4 relative).
  const auto found = reranked.Search(Row(queries, 0), 10)[0];
  ASSERT_EQ(found.size(), exact[0].size());
  for (size_t i = 0; i < found.size(); ++i) {
    EXPECT_EQ(found[i].id, exact[0][i].id) << "rank " << i;
    EXPECT_NEAR(found[i].distance, exact[0][i].distance, 1e-3f * exact[0][i].distance);
  }
  // Every face's stored vector is its own, at fp16: its own nearest neighbour at ~0.
  const auto stored = reranked.StoredVector(ids[7]);
  ASSERT_TRUE(stored);
  for (int d = 0; d < kDim; ++d) EXPECT_NEAR((*stored)[d], vectors[7 * kDim + d], 5e-3f);
  EXPECT_EQ(reranked.Search(*stored, 1)[0][0].id, ids[7]);
  EXPECT_FALSE(plain.StoredVector(ids[7]));  // codes only: nothing exact to give back
  EXPECT_TRUE(flat.StoredVector(ids[7]));
  // Deeper and shallower re-ranking on demand.
  reranked.SetRerankDepth(10);
  EXPECT_LT(recall(reranked), after);
}

// A big IVF index loads memory-mapped: same answers, read-only, removals as tombstones.
TEST(FaceIndexTest, MemoryMappedIvfSearchesLikeTheLoadedOne) {
  ScratchDir dir;
  const auto path = dir / "g.faiss";
  const auto vectors = RandomVectors(2000, 35);
  const auto ids = Ids(2000);
  const auto queries = RandomVectors(20, 36);
  {
    FaceIndex index(kDim, "IVF16,PQ4,Rerank100", dir / "g.faiss.f16");
    index.Train(vectors);
    index.Add(ids, vectors);
    index.Save(path, 9);
    std::vector<std::string> names;
    for (const auto& f : FaceIndex::Files(path)) names.push_back(f.filename().string());
    EXPECT_EQ(names, (std::vector<std::string>{"g.faiss", "g.faiss.live", "g.faiss.meta.json",
                                               "g.faiss.f16"}));
  }
  EXPECT_EQ(FaceIndex::SavedGeneration(path), 9);
  EXPECT_FALSE(FaceIndex::SavedGeneration(dir / "absent.faiss"));
  auto in_memory = FaceIndex::Load(path);
  auto mapped = FaceIndex::Load(path, {.map = true});
  ASSERT_TRUE(in_memory && mapped);
  EXPECT_FALSE(in_memory->index.read_only());
  EXPECT_TRUE(mapped->index.read_only());
  EXPECT_EQ(mapped->generation, 9);
  EXPECT_EQ(mapped->index.size(), 2000);
  for (auto* loaded : {&in_memory, &mapped}) (*loaded)->index.SetSearchBreadth(4);
  const auto expected = in_memory->index.Search(queries, 10);
  const auto actual = mapped->index.Search(queries, 10);
  for (size_t q = 0; q < expected.size(); ++q) ExpectSameNeighbours(actual[q], expected[q]);

  const std::string add = ExpectError(
      ErrorCode::kIndex, [&] { mapped->index.Add(std::vector<int64_t>{1}, Row(vectors, 0)); });
  EXPECT_TRUE(Contains(add, "read-only")) << add;
  ExpectError(ErrorCode::kIndex, [&] { mapped->index.Save(dir / "other.faiss", 10); });
  ExpectError(ErrorCode::kIndex, [&] { mapped->index.Reserve(10); });
  const int64_t nearest = actual[0][0].id;
  EXPECT_EQ(mapped->index.Remove(std::vector<int64_t>{nearest}), 1);
  EXPECT_EQ(mapped->index.tombstones(), 1);
  const auto after = mapped->index.Search(Row(queries, 0), 10)[0];
  ASSERT_EQ(after.size(), 10u);
  for (const Neighbor& n : after) EXPECT_NE(n.id, nearest);

  // A re-ranking index whose store has gone cannot load: rebuild.
  fs::remove(dir / "g.faiss.f16");
  const std::string gone = ExpectError(ErrorCode::kIndex, [&] { FaceIndex::Load(path); });
  EXPECT_TRUE(Contains(gone, "g.faiss.f16")) << gone;
}

TEST(FaceIndexTest, FailedSaveKeepsThePreviousFiles) {
  ScratchDir dir;
  const std::string missing =
      ExpectError(ErrorCode::kIo, [&] { FaceIndex(kDim).Save(dir / "no/such/g.faiss", 1); });
  EXPECT_TRUE(Contains(missing, "no/such/g.faiss")) << missing;

  // A file size limit makes the write fail as a full disk would (EFBIG rather than ENOSPC).
  const auto path = dir / "g.faiss";
  FaceIndex small(kDim);
  small.Add(Ids(10), RandomVectors(10, 17));
  small.Save(path, 1);
  FaceIndex big(kDim);
  big.Add(Ids(5000), RandomVectors(5000, 18));  // 320 KB of vectors
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {  // the limit applies to this process only; report through the exit status
    signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{64 * 1024, 64 * 1024};
    setrlimit(RLIMIT_FSIZE, &limit);
    try {
      big.Save(path, 2);
      _exit(10);
    } catch (const Error& e) {
      const bool clear = e.code() == ErrorCode::kIo && Contains(e.what(), "disk full") &&
                         Contains(e.what(), "g.faiss");
      _exit(clear ? 0 : 11);
    } catch (...) {
      _exit(12);
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: saved anyway, 11: unclear error, 12: not an Error";
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
  auto loaded = FaceIndex::Load(path);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->generation, 1);
  EXPECT_EQ(loaded->index.size(), 10);
}

}  // namespace
}  // namespace facetrace
