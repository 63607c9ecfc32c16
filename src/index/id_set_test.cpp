#include "index/id_set.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace facetrace {
namespace {

TEST(IdSetTest, InsertEraseContains) {
  IdSet set;
  EXPECT_FALSE(set.Contains(5));
  EXPECT_TRUE(set.Insert(5));
  EXPECT_FALSE(set.Insert(5));
  EXPECT_TRUE(set.Insert(0));
  EXPECT_TRUE(set.Insert(1000003));
  EXPECT_EQ(set.size(), 3);
  EXPECT_TRUE(set.Contains(1000003));
  EXPECT_FALSE(set.Contains(1000002));
  EXPECT_FALSE(set.Contains(-1));
  EXPECT_FALSE(set.Contains(int64_t{1} << 50));
  EXPECT_TRUE(set.Erase(5));
  EXPECT_FALSE(set.Erase(5));
  EXPECT_FALSE(set.Erase(77));
  EXPECT_EQ(set.size(), 2);
  EXPECT_EQ(set.ToVector(), (std::vector<int64_t>{0, 1000003}));
}

TEST(IdSetTest, RoundTripsThroughWords) {
  IdSet set;
  for (int64_t id : {3, 64, 65, 129, 4096}) set.Insert(id);
  const std::vector<uint64_t> words(set.words().begin(), set.words().end());
  const IdSet copy = IdSet::FromWords(words);
  EXPECT_EQ(copy.size(), 5);
  EXPECT_EQ(copy.ToVector(), set.ToVector());
}

TEST(IdSetTest, RefusesIdsOutsideTheCatalogRange) {
  IdSet set;
  for (int64_t bad : {int64_t{-1}, IdSet::kMaxId}) {
    try {
      set.Insert(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    }
  }
  EXPECT_EQ(set.size(), 0);
}

}  // namespace
}  // namespace facetrace
