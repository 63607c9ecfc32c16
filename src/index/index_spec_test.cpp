#include "index/index_spec.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace facetrace {
namespace {

TEST(IndexSpecTest, SplitsTheRerankSuffixFromTheFaissFactory) {
  EXPECT_EQ(ParseIndexSpec("Flat").faiss_factory, "Flat");
  EXPECT_EQ(ParseIndexSpec("Flat").rerank, 0);
  const IndexSpec spec = ParseIndexSpec("IVF1024_HNSW32,PQ32,Rerank150");
  EXPECT_EQ(spec.faiss_factory, "IVF1024_HNSW32,PQ32");
  EXPECT_EQ(spec.rerank, 150);
}

TEST(IndexSpecTest, RejectsMalformedFactories) {
  for (const std::string bad :
       {"", "IDMap,Flat", "IDMap2,HNSW32", "IVF64,PQ8,Rerank", "IVF64,PQ8,Rerank0",
        "IVF64,PQ8,Rerank-5", "IVF64,PQ8,Rerank1x", ",Rerank10"}) {
    SCOPED_TRACE(bad);
    try {
      ParseIndexSpec(bad);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(std::string(e.what()).find("index factory"), std::string::npos) << e.what();
    }
  }
}

TEST(IndexSpecTest, ChoosesByGallerySize) {
  EXPECT_EQ(ChooseFactory(0), "Flat");
  EXPECT_EQ(ChooseFactory(kFlatUpTo), "Flat");
  EXPECT_EQ(ChooseFactory(kFlatUpTo + 1), "HNSW32");
  EXPECT_EQ(ChooseFactory(kHnswUpTo), "HNSW32");
  EXPECT_EQ(ChooseFactory(kHnswUpTo + 1), "IVF8192_HNSW32,PQ32,Rerank100");
  // Past HNSW: IVF-PQ with re-ranking, lists growing with the gallery within FAISS's range.
  const std::string at_50m = ChooseFactory(50'000'000);
  EXPECT_EQ(at_50m, "IVF16384_HNSW32,PQ32,Rerank100");
  EXPECT_GT(ParseIndexSpec(at_50m).rerank, 0);
  EXPECT_EQ(ChooseFactory(1'000'000'000), "IVF65536_HNSW32,PQ32,Rerank100");
  EXPECT_EQ(ChooseFactory(int64_t{100'000'000'000}), "IVF65536_HNSW32,PQ32,Rerank100");
}

}  // namespace
}  // namespace facetrace
