#include "index/face_index.h"

#include <algorithm>
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

constexpr int kDim = 16;

std::vector<float> RandomVectors(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0, 1);
  std::vector<float> v(n * kDim);
  for (float& x : v) x = d(rng);
  return v;
}

std::vector<int64_t> Ids(size_t n, int64_t first = 100) {
  std::vector<int64_t> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = first + static_cast<int64_t>(i);
  return ids;
}

float Distance(const float* a, const float* b) {
  double s = 0;
  for (int i = 0; i < kDim; ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return static_cast<float>(std::sqrt(s));
}

TEST(FaceIndexTest, ExactSearchMatchesBruteForce) {
  FaceIndex index(kDim);
  const auto vectors = RandomVectors(500, 1);
  const auto ids = Ids(500);
  index.Add(ids, vectors);
  EXPECT_EQ(index.size(), 500);
  const auto queries = RandomVectors(3, 2);
  const auto results = index.Search(queries, 5);
  ASSERT_EQ(results.size(), 3u);
  for (size_t q = 0; q < 3; ++q) {
    std::vector<std::pair<float, int64_t>> brute;
    for (size_t i = 0; i < 500; ++i)
      brute.emplace_back(Distance(&queries[q * kDim], &vectors[i * kDim]), ids[i]);
    std::sort(brute.begin(), brute.end());
    ASSERT_EQ(results[q].size(), 5u);
    for (size_t k = 0; k < 5; ++k) {
      EXPECT_EQ(results[q][k].id, brute[k].second);
      EXPECT_NEAR(results[q][k].distance, brute[k].first, 1e-3f);
    }
  }
}

TEST(FaceIndexTest, RemoveAndSmallOrEmptyIndexes) {
  FaceIndex index(kDim);
  EXPECT_TRUE(index.Search(RandomVectors(1, 3), 5)[0].empty());
  const auto vectors = RandomVectors(3, 4);
  index.Add(Ids(3), vectors);
  EXPECT_EQ(index.Search(std::span(vectors).subspan(0, kDim), 10)[0].size(), 3u);  // k > size
  const std::vector<int64_t> gone = {100, 555};
  EXPECT_EQ(index.Remove(gone), 1);
  EXPECT_EQ(index.size(), 2);
  const auto result = index.Search(std::span(vectors).subspan(0, kDim), 10)[0];
  ASSERT_EQ(result.size(), 2u);
  EXPECT_NE(result[0].id, 100);
  EXPECT_EQ(index.Remove({}), 0);
}

TEST(FaceIndexTest, RejectsMismatchedShapes) {
  FaceIndex index(kDim);
  EXPECT_THROW(index.Add(Ids(2), RandomVectors(1, 5)), Error);
  EXPECT_THROW(index.Search(std::vector<float>(kDim + 1), 1), Error);
  EXPECT_THROW(FaceIndex(kDim, "NoSuchIndex"), Error);
}

TEST(FaceIndexTest, SaveAndLoadKeepVectorsIdsAndGeneration) {
  testing::ScratchDir dir;
  const auto path = dir / "g.faiss";
  EXPECT_FALSE(FaceIndex::Load(path));
  const auto vectors = RandomVectors(50, 6);
  {
    FaceIndex index(kDim);
    index.Add(Ids(50), vectors);
    index.Save(path, 42);
  }
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
  auto loaded = FaceIndex::Load(path);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->generation, 42);
  EXPECT_EQ(loaded->index.size(), 50);
  EXPECT_EQ(loaded->index.dim(), kDim);
  const auto result = loaded->index.Search(std::span(vectors).subspan(7 * kDim, kDim), 1);
  EXPECT_EQ(result[0][0].id, 107);
  EXPECT_NEAR(result[0][0].distance, 0, 1e-4f);
}

TEST(FaceIndexTest, DamageIsAnIndexErrorNamingTheFile) {
  testing::ScratchDir dir;
  const auto path = dir / "g.faiss";
  FaceIndex index(kDim);
  index.Add(Ids(5), RandomVectors(5, 7));
  index.Save(path, 1);
  testing::WriteFile(path, "definitely not faiss");
  try {
    FaceIndex::Load(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIndex);
    EXPECT_NE(std::string(e.what()).find("g.faiss"), std::string::npos);
  }
  // An index whose sidecar describes another size (a crash between the two renames).
  index.Save(path, 2);
  FaceIndex bigger(kDim);
  bigger.Add(Ids(6), RandomVectors(6, 8));
  bigger.Save(dir / "other.faiss", 3);
  std::filesystem::copy_file(dir / "other.faiss", path,
                             std::filesystem::copy_options::overwrite_existing);
  EXPECT_THROW(FaceIndex::Load(path), Error);
  testing::WriteFile(path.string() + ".meta.json", "{not json");
  EXPECT_THROW(FaceIndex::Load(path), Error);
}

}  // namespace
}  // namespace facetrace
