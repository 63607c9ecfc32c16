#include "index/faiss_capacity.h"

#include <memory>
#include <vector>

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVFFlat.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace facetrace {
namespace {

using idx_t = faiss::Index::idx_t;
constexpr int kDim = 16;

std::vector<float> RandomVectors(size_t n, unsigned seed) {
  return testing::NormalFloats(n * kDim, seed);
}

// Adds `faces` vectors in ten batches, as a build streams them.
void AddInBatches(faiss::Index& index, idx_t faces) {
  const auto vectors = RandomVectors(static_cast<size_t>(faces), 1);
  for (idx_t start = 0; start < faces; start += faces / 10) {
    std::vector<idx_t> ids(static_cast<size_t>(faces / 10));
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = 1000 + start + static_cast<idx_t>(i);
    index.add_with_ids(static_cast<idx_t>(ids.size()), vectors.data() + start * kDim, ids.data());
  }
}

TEST(FaissCapacityTest, AGraphBuildNeverMovesItsArraysAfterReserving) {
  auto* graph = new faiss::IndexHNSWFlat(kDim, 16);
  faiss::IndexIDMap2 index(graph);
  index.own_fields = true;
  ReserveCapacity(&index, 5000);
  auto* flat = dynamic_cast<faiss::IndexFlatCodes*>(graph->storage);
  ASSERT_NE(flat, nullptr);
  const uint8_t* vectors = flat->codes.data();
  const int* links = graph->hnsw.neighbors.data();
  const int* levels = graph->hnsw.levels.data();
  const size_t* offsets = graph->hnsw.offsets.data();
  const idx_t* ids = index.id_map.data();
  const size_t buckets = index.rev_map.bucket_count();

  AddInBatches(index, 5000);
  EXPECT_EQ(index.ntotal, 5000);
  EXPECT_EQ(flat->codes.data(), vectors);
  EXPECT_EQ(graph->hnsw.neighbors.data(), links);
  EXPECT_EQ(graph->hnsw.levels.data(), levels);
  EXPECT_EQ(graph->hnsw.offsets.data(), offsets);
  EXPECT_EQ(index.id_map.data(), ids);
  EXPECT_EQ(index.rev_map.bucket_count(), buckets);  // never rehashed
  // The links reserved are the expected count plus 1 %, not a blind over-allocation.
  EXPECT_LE(graph->hnsw.neighbors.capacity(), graph->hnsw.neighbors.size() * 103 / 100);
}

TEST(FaissCapacityTest, AFlatBuildNeverMovesItsVectorsAfterReserving) {
  faiss::IndexIDMap2 index(new faiss::IndexFlatL2(kDim));
  index.own_fields = true;
  ReserveCapacity(&index, 3000);
  auto* flat = dynamic_cast<faiss::IndexFlatCodes*>(index.index);
  const uint8_t* vectors = flat->codes.data();
  AddInBatches(index, 3000);
  EXPECT_EQ(flat->codes.data(), vectors);
  EXPECT_EQ(flat->codes.capacity(), flat->codes.size());
}

TEST(FaissCapacityTest, LeavesWhatItCannotSizeAlone) {
  faiss::IndexFlatL2 quantizer(kDim);
  faiss::IndexIVFFlat ivf(&quantizer, kDim, 4);
  ReserveCapacity(&ivf, 1000);  // lists grow as faces arrive; the quantizer holds centroids
  EXPECT_EQ(quantizer.codes.capacity(), 0u);
  ReserveCapacity(nullptr, 1000);
  faiss::IndexFlatL2 flat(kDim);
  ReserveCapacity(&flat, 0);
  ReserveCapacity(&flat, -5);
  EXPECT_EQ(flat.codes.capacity(), 0u);
}

}  // namespace
}  // namespace facetrace
