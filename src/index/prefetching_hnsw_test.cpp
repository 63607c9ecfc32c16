#include "index/prefetching_hnsw.h"

#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/index_io.h>
#include <gtest/gtest.h>

#include "index/vectorized_flat.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

using idx_t = faiss::Index::idx_t;
constexpr int kDim = 24;

// Faces as clusters (identities) with spread, so that neighbours are near-ties the way a
// gallery's are and the two searches would part at the first step they took differently.
std::vector<float> ClusteredVectors(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0, 1);
  std::vector<float> centres(size_t{40} * kDim);
  for (float& c : centres) c = normal(rng);
  std::uniform_int_distribution<size_t> pick(0, 39);
  std::vector<float> v(n * kDim);
  for (size_t i = 0; i < n; ++i) {
    const size_t c = pick(rng);
    for (size_t j = 0; j < kDim; ++j) v[i * kDim + j] = centres[c * kDim + j] + 0.6f * normal(rng);
  }
  return v;
}

struct Hits {
  std::vector<float> distances;
  std::vector<idx_t> labels;
};

// The graph's own search (the override), or FAISS's for the same graph.
Hits Search(const faiss::IndexHNSW& graph, const std::vector<float>& queries, idx_t k, bool faiss,
            const faiss::SearchParameters* params = nullptr) {
  const auto n = static_cast<idx_t>(queries.size() / kDim);
  Hits h{std::vector<float>(n * k), std::vector<idx_t>(n * k)};
  if (faiss) {
    graph.faiss::IndexHNSW::search(n, queries.data(), k, h.distances.data(), h.labels.data(),
                                   params);
  } else {
    graph.search(n, queries.data(), k, h.distances.data(), h.labels.data(), params);
  }
  return h;
}

// Bit for bit: the same walk measures the same vectors with the same distance computer.
void ExpectSameAsFaiss(const faiss::IndexHNSW& graph, const std::vector<float>& queries, idx_t k,
                       const faiss::SearchParameters* params = nullptr) {
  const Hits want = Search(graph, queries, k, /*faiss=*/true, params);
  const Hits got = Search(graph, queries, k, /*faiss=*/false, params);
  EXPECT_EQ(got.labels, want.labels) << "k " << k << ", efSearch " << graph.hnsw.efSearch;
  EXPECT_EQ(got.distances, want.distances) << "k " << k << ", efSearch " << graph.hnsw.efSearch;
}

std::unique_ptr<PrefetchingHnswFlat> Graph(const std::vector<float>& vectors, int links = 16) {
  faiss::Index* slot = new faiss::IndexHNSWFlat(kDim, links);
  EXPECT_TRUE(PrefetchHnswSearch(slot, /*owned=*/true));
  std::unique_ptr<PrefetchingHnswFlat> graph(dynamic_cast<PrefetchingHnswFlat*>(slot));
  graph->add(static_cast<idx_t>(vectors.size() / kDim), vectors.data());
  return graph;
}

// FAISS's search counts its walks in faiss::hnsw_stats; this one does not, which tells the two
// apart (so the tests below compare this walk with FAISS's, not FAISS's with itself).
bool TookItsOwnWalk(const faiss::IndexHNSW& graph, const std::vector<float>& queries, idx_t k,
                    const faiss::SearchParameters* params = nullptr) {
  faiss::hnsw_stats.reset();
  Search(graph, queries, k, /*faiss=*/false, params);
  return faiss::hnsw_stats.n1 == 0;
}

TEST(PrefetchingHnswTest, TakesItsOwnWalkUnlessFaissMustSearch) {
  const auto graph = Graph(ClusteredVectors(1000, 20));
  const auto queries = ClusteredVectors(5, 21);
  const std::vector<float> lone(queries.begin(), queries.begin() + kDim);
  EXPECT_TRUE(TookItsOwnWalk(*graph, lone, 10));
  EXPECT_TRUE(TookItsOwnWalk(*graph, queries, 10));
  faiss::SearchParametersHNSW breadth;
  EXPECT_FALSE(TookItsOwnWalk(*graph, queries, 10, &breadth));
  graph->hnsw.search_bounded_queue = false;
  EXPECT_FALSE(TookItsOwnWalk(*graph, queries, 10));
  graph->hnsw.search_bounded_queue = true;
  graph->hnsw.upper_beam = 2;
  EXPECT_FALSE(TookItsOwnWalk(*graph, queries, 10));
  graph->hnsw.upper_beam = 1;
  faiss::hnsw_stats.reset();
  Search(*graph, queries, 10, /*faiss=*/true);
  EXPECT_GT(faiss::hnsw_stats.n1, 0u);  // the tell itself works
}

TEST(PrefetchingHnswTest, FindsExactlyWhatFaissFindsForLoneProbesAndBatches) {
  const auto graph = Graph(ClusteredVectors(4000, 1));
  const auto batch = ClusteredVectors(150, 2);
  const std::vector<float> lone(batch.begin(), batch.begin() + kDim);
  for (int breadth : {16, 64, 300}) {
    graph->hnsw.efSearch = breadth;
    for (idx_t k : {1, 10, 40}) {
      ExpectSameAsFaiss(*graph, lone, k);
      ExpectSameAsFaiss(*graph, batch, k);
    }
  }
  // More neighbours asked for than the candidate list holds: the list grows to k, as FAISS's.
  graph->hnsw.efSearch = 8;
  ExpectSameAsFaiss(*graph, batch, 50);
}

TEST(PrefetchingHnswTest, FindsWhatFaissFindsWithoutTheRelativeDistanceCheck) {
  const auto graph = Graph(ClusteredVectors(3000, 3));
  graph->hnsw.check_relative_distance = false;
  graph->hnsw.efSearch = 32;
  const auto queries = ClusteredVectors(100, 4);
  ExpectSameAsFaiss(*graph, queries, 10);
  graph->hnsw.efSearch = 6;  // fewer steps than neighbours asked for
  ExpectSameAsFaiss(*graph, queries, 20);
}

// Searches from many threads at once share the graph, never a visited table.
TEST(PrefetchingHnswTest, ConcurrentSearchesFindWhatFaissFinds) {
  const auto graph = Graph(ClusteredVectors(4000, 22));
  graph->hnsw.efSearch = 64;
  const auto queries = ClusteredVectors(200, 23);
  const Hits want = Search(*graph, queries, 10, /*faiss=*/true);
  std::vector<Hits> got(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      got[t] =
          Hits{std::vector<float>(want.distances.size()), std::vector<idx_t>(want.labels.size())};
      for (size_t q = 0; q < 200; ++q) {  // one at a time: each on this thread's own table
        graph->search(1, queries.data() + q * kDim, 10, got[t].distances.data() + q * 10,
                      got[t].labels.data() + q * 10);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const Hits& hits : got) {
    EXPECT_EQ(hits.labels, want.labels);
    EXPECT_EQ(hits.distances, want.distances);
  }
}

// Sparse graphs (2 links: many levels, a high entry point) to dense ones, with duplicated
// faces (exact ties) and probes that are gallery faces, breadths from 1, and k past the
// gallery's size.
TEST(PrefetchingHnswTest, FindsWhatFaissFindsOnGraphsOfEveryShape) {
  auto faces = ClusteredVectors(2000, 31);
  for (size_t i = 3; i < 2000; i += 3) {  // every third face a copy of the one before
    std::copy_n(faces.begin() + static_cast<long>((i - 1) * kDim), kDim,
                faces.begin() + static_cast<long>(i * kDim));
  }
  const auto probes = ClusteredVectors(40, 32);
  const std::vector<float> gallery_probes(faces.begin(), faces.begin() + 40 * kDim);
  for (int links : {2, 4, 32, 64}) {
    auto graph = Graph(faces, links);
    if (links == 2) {
      EXPECT_GE(graph->hnsw.max_level, 3);
    }
    for (int breadth : {1, 7, 100}) {
      graph->hnsw.efSearch = breadth;
      for (idx_t k : {1, 33, 2500}) {
        SCOPED_TRACE("links " + std::to_string(links));
        ExpectSameAsFaiss(*graph, std::vector<float>(probes.begin(), probes.begin() + kDim), k);
        ExpectSameAsFaiss(*graph, probes, k);
        ExpectSameAsFaiss(*graph, gallery_probes, k);
      }
    }
  }
}

// Level 0 of HNSW256 holds 512 links, the most the walk handles; HNSW257 goes to FAISS.
TEST(PrefetchingHnswTest, WalksListsUpToItsLimitAndLeavesLongerOnesToFaiss) {
  const auto faces = ClusteredVectors(1200, 33);
  const auto probes = ClusteredVectors(20, 34);
  for (int links : {256, 257}) {
    auto graph = Graph(faces, links);
    graph->hnsw.efSearch = 40;
    EXPECT_EQ(TookItsOwnWalk(*graph, probes, 10), links == 256) << links;
    ExpectSameAsFaiss(*graph, probes, 10);
  }
}

TEST(PrefetchingHnswTest, FindsWhatFaissFindsOnVectorizedStorage) {
  const auto graph = Graph(ClusteredVectors(3000, 5));
  ASSERT_TRUE(VectorizeFlat(graph->storage, graph->own_fields));
  graph->hnsw.efSearch = 64;
  ExpectSameAsFaiss(*graph, ClusteredVectors(100, 6), 10);
}

// Each thread keeps its visited table across searches and graphs: marks of one search must
// never hide a node from the next, also after the counter wraps around (every 249 searches)
// and when a smaller graph is searched between two searches of a larger one.
TEST(PrefetchingHnswTest, KeepsFindingTheSameAcrossManySearchesOfGraphsOfEverySize) {
  const auto large = Graph(ClusteredVectors(5000, 7));
  const auto small = Graph(ClusteredVectors(300, 8));
  large->hnsw.efSearch = small->hnsw.efSearch = 32;
  const auto queries = ClusteredVectors(600, 9);
  for (size_t q = 0; q < 600; ++q) {
    const std::vector<float> one(queries.begin() + q * kDim, queries.begin() + (q + 1) * kDim);
    const auto& graph = q % 3 == 1 ? *small : *large;
    const Hits want = Search(graph, one, 5, /*faiss=*/true);
    const Hits got = Search(graph, one, 5, /*faiss=*/false);
    ASSERT_EQ(got.labels, want.labels) << "search " << q;
  }
}

// On a new thread, whose visited table starts empty, so that both searches grow it.
TEST(PrefetchingHnswTest, SearchesAGraphThatGrewAfterItsFirstSearches) {
  const auto vectors = ClusteredVectors(4000, 10);
  const std::vector<float> first(vectors.begin(), vectors.begin() + 1000 * kDim);
  auto graph = Graph(first);
  graph->hnsw.efSearch = 48;
  const auto queries = ClusteredVectors(50, 11);
  std::thread([&] {
    for (size_t q = 0; q < 50; ++q) {
      const std::vector<float> one(queries.begin() + q * kDim, queries.begin() + (q + 1) * kDim);
      ExpectSameAsFaiss(*graph, one, 10);
    }
    graph->add(3000, vectors.data() + 1000 * kDim);
    for (size_t q = 0; q < 50; ++q) {
      const std::vector<float> one(queries.begin() + q * kDim, queries.begin() + (q + 1) * kDim);
      ExpectSameAsFaiss(*graph, one, 10);
    }
  }).join();
}

TEST(PrefetchingHnswTest, AnEmptyGraphFindsNothing) {
  const auto graph = Graph({});
  const Hits got = Search(*graph, ClusteredVectors(3, 12), 4, /*faiss=*/false);
  EXPECT_EQ(got.labels, std::vector<idx_t>(12, -1));
  ExpectSameAsFaiss(*graph, ClusteredVectors(3, 12), 4);
}

// Parameters (a per-call breadth, an id selector) go to FAISS's own search.
TEST(PrefetchingHnswTest, SearchParametersGoToFaiss) {
  const auto graph = Graph(ClusteredVectors(2000, 13));
  const auto queries = ClusteredVectors(20, 14);
  faiss::SearchParametersHNSW breadth;
  breadth.efSearch = 100;
  ExpectSameAsFaiss(*graph, queries, 10, &breadth);

  faiss::IDSelectorRange first_half(0, 1000);
  faiss::SearchParametersHNSW selected;
  selected.efSearch = 100;
  selected.sel = &first_half;
  const Hits got = Search(*graph, queries, 10, /*faiss=*/false, &selected);
  for (idx_t label : got.labels) EXPECT_LT(label, 1000);
  ExpectSameAsFaiss(*graph, queries, 10, &selected);
}

TEST(PrefetchingHnswTest, TakesOverAFaissGraphWithoutCopyingIt) {
  const auto vectors = ClusteredVectors(2000, 15);
  auto* plain = new faiss::IndexHNSWFlat(kDim, 16);
  plain->hnsw.efSearch = 40;
  plain->add(2000, vectors.data());
  const auto queries = ClusteredVectors(30, 16);
  Hits before{std::vector<float>(300), std::vector<idx_t>(300)};
  plain->search(30, queries.data(), 10, before.distances.data(), before.labels.data());
  const faiss::Index* storage = plain->storage;
  const int* links = plain->hnsw.neighbors.data();

  faiss::Index* slot = plain;
  ASSERT_TRUE(PrefetchHnswSearch(slot, /*owned=*/true));
  std::unique_ptr<faiss::Index> owner(slot);
  auto* graph = dynamic_cast<PrefetchingHnswFlat*>(slot);
  ASSERT_NE(graph, nullptr);
  EXPECT_EQ(graph->storage, storage);
  EXPECT_EQ(graph->hnsw.neighbors.data(), links);
  EXPECT_EQ(graph->ntotal, 2000);
  EXPECT_EQ(graph->d, kDim);
  EXPECT_TRUE(graph->own_fields);
  EXPECT_TRUE(graph->is_trained);
  EXPECT_EQ(graph->hnsw.efSearch, 40);
  EXPECT_TRUE(PrefetchHnswSearch(slot, /*owned=*/true));  // again: nothing to do
  EXPECT_EQ(slot, graph);
  const Hits after = Search(*graph, queries, 10, /*faiss=*/false);
  EXPECT_EQ(after.labels, before.labels);
  EXPECT_EQ(after.distances, before.distances);
}

TEST(PrefetchingHnswTest, LeavesOtherIndexesAlone) {
  faiss::IndexHNSWFlat inner_product(kDim, 16, faiss::METRIC_INNER_PRODUCT);
  faiss::Index* slot = &inner_product;
  EXPECT_FALSE(PrefetchHnswSearch(slot, /*owned=*/true));
  faiss::IndexHNSWFlat borrowed(kDim, 16);
  slot = &borrowed;
  EXPECT_FALSE(PrefetchHnswSearch(slot, /*owned=*/false));
  faiss::IndexHNSWSQ compressed(kDim, faiss::ScalarQuantizer::QT_8bit, 16);
  slot = &compressed;
  EXPECT_FALSE(PrefetchHnswSearch(slot, /*owned=*/true));
  faiss::IndexFlatL2 flat(kDim);
  slot = &flat;
  EXPECT_FALSE(PrefetchHnswSearch(slot, /*owned=*/true));
  slot = nullptr;
  EXPECT_FALSE(PrefetchHnswSearch(slot, /*owned=*/true));
  EXPECT_EQ(slot, nullptr);
}

TEST(PrefetchingHnswTest, SavesAsFaissOwnGraphAndSearchesTheSameAfterLoading) {
  const testing::ScratchDir dir;
  const auto graph = Graph(ClusteredVectors(2000, 17));
  graph->hnsw.efSearch = 50;
  const auto path = (dir.path() / "graph.faiss").string();
  faiss::write_index(graph.get(), path.c_str());

  faiss::Index* slot = faiss::read_index(path.c_str());
  EXPECT_EQ(typeid(*slot), typeid(faiss::IndexHNSWFlat));
  ASSERT_TRUE(PrefetchHnswSearch(slot, /*owned=*/true));
  const std::unique_ptr<faiss::Index> owner(slot);
  const auto queries = ClusteredVectors(40, 18);
  const Hits want = Search(*graph, queries, 10, /*faiss=*/false);
  const Hits got = Search(*dynamic_cast<PrefetchingHnswFlat*>(slot), queries, 10, false);
  EXPECT_EQ(got.labels, want.labels);
  EXPECT_EQ(got.distances, want.distances);
}

}  // namespace
}  // namespace facetrace
