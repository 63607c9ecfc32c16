#include "index/vectorized_flat.h"

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <faiss/IndexHNSW.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/index_io.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace facetrace {
namespace {

double ReferenceSquaredL2(const float* a, const float* b, size_t d) {
  double sum = 0;
  for (size_t i = 0; i < d; ++i) sum += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
  return sum;
}

// Every length a kernel splits differently: below one lane group, whole groups of 8 and 16,
// and remainders after them.
TEST(VectorizedFlatTest, BothKernelsMatchADoublePrecisionSumAtEveryLength) {
  for (size_t d : {0, 1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 128, 131}) {
    const auto a = testing::NormalFloats(d, 1), b = testing::NormalFloats(d, 2);
    const double want = ReferenceSquaredL2(a.data(), b.data(), d);
    EXPECT_NEAR(SquaredL2(a.data(), b.data(), d), want, 1e-5 * (1 + want)) << "d " << d;
    EXPECT_NEAR(PortableSquaredL2(a.data(), b.data(), d), want, 1e-5 * (1 + want)) << "d " << d;
  }
  const auto a = testing::NormalFloats(128, 3);
  EXPECT_EQ(SquaredL2(a.data(), a.data(), 128), 0.0f);
}

TEST(VectorizedFlatTest, RunsTheAvx2KernelExactlyWhenTheCpuHasAvx2AndFma) {
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  EXPECT_STREQ(SquaredL2Kernel(), avx2 ? "avx2+fma" : "portable");
}

constexpr int kDim = 32;
constexpr int kFaces = 2000;

std::unique_ptr<faiss::IndexHNSWFlat> FilledGraph(const std::vector<float>& vectors) {
  auto graph = std::make_unique<faiss::IndexHNSWFlat>(kDim, 16);
  graph->hnsw.efSearch = 64;
  graph->add(kFaces, vectors.data());
  return graph;
}

struct GraphHits {
  std::vector<float> distances;
  std::vector<faiss::Index::idx_t> labels;
};

GraphHits SearchAll(const faiss::Index& index, const std::vector<float>& queries, int k) {
  const auto n = static_cast<faiss::Index::idx_t>(queries.size() / kDim);
  GraphHits r{std::vector<float>(n * k), std::vector<faiss::Index::idx_t>(n * k)};
  index.search(n, queries.data(), k, r.distances.data(), r.labels.data());
  return r;
}

TEST(VectorizedFlatTest, AGraphKeepsItsVectorsAndFindsTheSameNeighbours) {
  const auto vectors = testing::NormalFloats(size_t{kFaces} * kDim, 4);
  const auto queries = testing::NormalFloats(size_t{50} * kDim, 5);
  auto graph = FilledGraph(vectors);
  const GraphHits before = SearchAll(*graph, queries, 10);

  ASSERT_TRUE(VectorizeFlat(graph->storage, graph->own_fields));
  auto* storage = dynamic_cast<VectorizedFlatL2*>(graph->storage);
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(storage->ntotal, kFaces);
  EXPECT_EQ(std::vector<float>(storage->get_xb(), storage->get_xb() + vectors.size()), vectors);
  EXPECT_TRUE(VectorizeFlat(graph->storage, graph->own_fields));  // again: nothing to do
  EXPECT_EQ(graph->storage, storage);

  const GraphHits after = SearchAll(*graph, queries, 10);
  EXPECT_EQ(after.labels, before.labels);
  for (size_t i = 0; i < before.distances.size(); ++i) {
    EXPECT_NEAR(after.distances[i], before.distances[i], 1e-4 * (1 + before.distances[i]));
  }
}

// Inserts measure through the storage too: a graph built on it must be as good as FAISS's.
TEST(VectorizedFlatTest, AGraphBuiltOnItFindsTheExactNeighbours) {
  const auto vectors = testing::NormalFloats(size_t{kFaces} * kDim, 6);
  const auto queries = testing::NormalFloats(size_t{100} * kDim, 7);
  auto graph = std::make_unique<faiss::IndexHNSWFlat>(kDim, 16);
  ASSERT_TRUE(VectorizeFlat(graph->storage, graph->own_fields));
  graph->hnsw.efSearch = 128;
  graph->add(kFaces, vectors.data());
  faiss::IndexFlatL2 exact(kDim);
  exact.add(kFaces, vectors.data());

  const GraphHits found = SearchAll(*graph, queries, 1);
  const GraphHits truth = SearchAll(exact, queries, 1);
  int same = 0;
  for (size_t i = 0; i < truth.labels.size(); ++i) same += found.labels[i] == truth.labels[i];
  EXPECT_GE(same, 97) << "of 100 nearest neighbours";
}

TEST(VectorizedFlatTest, SavesAsFaissOwnFlatGraphAndLoadsWithTheSameVectors) {
  const testing::ScratchDir dir;
  const auto vectors = testing::NormalFloats(size_t{kFaces} * kDim, 8);
  auto graph = FilledGraph(vectors);
  ASSERT_TRUE(VectorizeFlat(graph->storage, graph->own_fields));
  const auto path = (dir.path() / "graph.faiss").string();
  faiss::write_index(graph.get(), path.c_str());

  std::unique_ptr<faiss::Index> loaded(faiss::read_index(path.c_str()));
  auto* plain = dynamic_cast<faiss::IndexHNSWFlat*>(loaded.get());
  ASSERT_NE(plain, nullptr);
  ASSERT_EQ(dynamic_cast<VectorizedFlatL2*>(plain->storage), nullptr);
  auto* flat = dynamic_cast<faiss::IndexFlat*>(plain->storage);
  ASSERT_NE(flat, nullptr);
  EXPECT_EQ(std::vector<float>(flat->get_xb(), flat->get_xb() + vectors.size()), vectors);
  EXPECT_TRUE(VectorizeFlat(plain->storage, plain->own_fields));
}

void ExpectSameNeighbours(const GraphHits& got, const GraphHits& want) {
  EXPECT_EQ(got.labels, want.labels);
  ASSERT_EQ(got.distances.size(), want.distances.size());
  for (size_t i = 0; i < want.distances.size(); ++i) {
    EXPECT_NEAR(got.distances[i], want.distances[i], 1e-4 * (1 + std::abs(want.distances[i])));
  }
}

// A lone probe, a few, and a batch FAISS hands to BLAS; galleries below and above the size
// that splits the scan between threads; k beyond the gallery (padding with -1).
TEST(VectorizedFlatTest, FlatSearchFindsWhatFaissFindsForLoneProbesAndBatches) {
  for (int faces : {5, 3000, 70000}) {
    const auto vectors = testing::NormalFloats(size_t(faces) * kDim, 9);
    faiss::IndexFlatL2 faiss_flat(kDim);
    faiss_flat.add(faces, vectors.data());
    faiss::Index* slot = new faiss::IndexFlatL2(kDim);  // VectorizeFlat deletes it
    slot->add(faces, vectors.data());
    ASSERT_TRUE(VectorizeFlat(slot, /*owned=*/true));
    const std::unique_ptr<faiss::Index> vectorized(slot);
    for (int probes : {1, 3, 25}) {
      SCOPED_TRACE(std::to_string(faces) + " faces, " + std::to_string(probes) + " probes");
      const auto queries = testing::NormalFloats(size_t(probes) * kDim, 10);
      ExpectSameNeighbours(SearchAll(*vectorized, queries, 10), SearchAll(faiss_flat, queries, 10));
    }
  }
}

TEST(VectorizedFlatTest, FlatSearchWithAnIdSelectorKeepsToTheSelection) {
  const auto vectors = testing::NormalFloats(size_t{3000} * kDim, 11);
  faiss::Index* slot = new faiss::IndexFlatL2(kDim);  // VectorizeFlat deletes it
  slot->add(3000, vectors.data());
  ASSERT_TRUE(VectorizeFlat(slot, /*owned=*/true));
  const std::unique_ptr<faiss::Index> vectorized(slot);
  faiss::IDSelectorRange first_hundred(0, 100);
  faiss::SearchParameters params;
  params.sel = &first_hundred;
  const auto query = testing::NormalFloats(kDim, 12);
  std::vector<float> distances(5);
  std::vector<faiss::Index::idx_t> labels(5);
  vectorized->search(1, query.data(), 5, distances.data(), labels.data(), &params);
  for (auto label : labels) EXPECT_LT(label, 100);
}

// No neighbours asked for is FAISS's error, as it would be without the vectorized scan.
TEST(VectorizedFlatTest, FlatSearchForNoNeighboursIsFaissError) {
  faiss::Index* slot = new faiss::IndexFlatL2(kDim);  // VectorizeFlat deletes it
  const auto vectors = testing::NormalFloats(size_t{100} * kDim, 13);
  slot->add(100, vectors.data());
  ASSERT_TRUE(VectorizeFlat(slot, /*owned=*/true));
  const std::unique_ptr<faiss::Index> vectorized(slot);
  float distance = 0;
  faiss::Index::idx_t label = 0;
  EXPECT_THROW(vectorized->search(1, vectors.data(), 0, &distance, &label), faiss::FaissException);
}

TEST(VectorizedFlatTest, LeavesOtherStorageAndBorrowedStorageAlone) {
  faiss::IndexHNSWSQ quantized(kDim, faiss::ScalarQuantizer::QT_8bit, 16);
  const faiss::Index* before = quantized.storage;
  EXPECT_FALSE(VectorizeFlat(quantized.storage, quantized.own_fields));
  EXPECT_EQ(quantized.storage, before);

  faiss::IndexHNSWFlat inner_product(kDim, 16, faiss::METRIC_INNER_PRODUCT);
  EXPECT_FALSE(VectorizeFlat(inner_product.storage, inner_product.own_fields));

  faiss::IndexFlatL2 borrowed(kDim);
  faiss::IndexHNSW graph(&borrowed, 16);  // own_fields is false: the caller owns `borrowed`
  EXPECT_FALSE(VectorizeFlat(graph.storage, graph.own_fields));
  EXPECT_EQ(graph.storage, &borrowed);
}

}  // namespace
}  // namespace facetrace
