#include "index/vector_store.h"

#include <cmath>

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

using testing::ScratchDir;

using testing::ExpectErrorCode;

TEST(VectorStoreTest, RowsComeBackAtHalfPrecisionByIdAcrossReopens) {
  ScratchDir dir;
  const auto path = dir / "v.f16";
  const std::vector<float> rows = {0.05f, -0.1f, 0.333f, 1.5f,    // id 2
                                   0.0f,  0.25f, -0.75f, 0.01f};  // id 7
  {
    auto store = VectorStore::Open(path, 4, /*writable=*/true);
    EXPECT_FALSE(store->Covers(2));
    store->Put(std::vector<int64_t>{2, 7}, rows);
    EXPECT_TRUE(store->Covers(2));
    EXPECT_TRUE(store->Covers(7));
    EXPECT_FALSE(store->Covers(8));
    store->Sync();
  }
  auto store = VectorStore::Open(path, 4, /*writable=*/false);
  EXPECT_EQ(store->file_bytes(), 16u + 8 * 4 * 2);  // header + rows 0..7
  std::vector<float> out(4);
  store->Get(7, out.data());
  for (int d = 0; d < 4; ++d) EXPECT_NEAR(out[d], rows[4 + d], 1e-3f * (1 + std::abs(rows[4 + d])));
  const std::vector<float> query = {0, 0, 0, 0};
  float expected = 0;
  for (int d = 0; d < 4; ++d) expected += rows[d] * rows[d];
  EXPECT_NEAR(store->SquaredDistance(2, query.data()), expected, 1e-3f);
  // Read-only: a store loaded for searching refuses writes.
  ExpectErrorCode(ErrorCode::kIndex,
                  [&] { store->Put(std::vector<int64_t>{1}, std::vector<float>(4)); });
}

TEST(VectorStoreTest, RefusesMissingForeignAndMismatchedFiles) {
  ScratchDir dir;
  const std::string missing =
      ExpectErrorCode(ErrorCode::kIndex, [&] { VectorStore::Open(dir / "none.f16", 4, false); });
  EXPECT_NE(missing.find("none.f16"), std::string::npos) << missing;
  testing::WriteFile(dir / "foreign.f16", "this is not a vector store at all");
  ExpectErrorCode(ErrorCode::kIndex, [&] { VectorStore::Open(dir / "foreign.f16", 4, true); });
  VectorStore::Open(dir / "v.f16", 4, true);
  const std::string dim =
      ExpectErrorCode(ErrorCode::kIndex, [&] { VectorStore::Open(dir / "v.f16", 8, true); });
  EXPECT_NE(dim.find("dim 4"), std::string::npos) << dim;
  auto store = VectorStore::Open(dir / "v.f16", 4, true);
  ExpectErrorCode(ErrorCode::kInvalidArgument,
                  [&] { store->Put(std::vector<int64_t>{1}, std::vector<float>(3)); });
  ExpectErrorCode(ErrorCode::kInvalidArgument,
                  [&] { store->Put(std::vector<int64_t>{-1}, std::vector<float>(4)); });
  ExpectErrorCode(ErrorCode::kIo, [&] { VectorStore::Open(dir / "no/such/v.f16", 4, true); });
}

}  // namespace
}  // namespace facetrace
