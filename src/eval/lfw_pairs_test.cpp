#include "eval/lfw_pairs.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

TEST(LfwPairsTest, ReadsFoldsOfGenuineThenImpostorPairs) {
  testing::ScratchDir dir;
  testing::WriteFile(dir / "pairs.txt", "2 1\nAnn 1 2\nAnn 1 Bob 3\nBob 2 3\nBob 1 Ann 2\n");
  const auto pairs = ReadLfwPairs(dir / "pairs.txt");
  ASSERT_EQ(pairs.size(), 4u);
  EXPECT_TRUE(pairs[0].genuine);
  EXPECT_EQ(pairs[0].name_b, "Ann");
  EXPECT_EQ(pairs[0].index_b, 2);
  EXPECT_FALSE(pairs[1].genuine);
  EXPECT_EQ(pairs[1].name_b, "Bob");
  EXPECT_EQ(pairs[1].fold, 0);
  EXPECT_EQ(pairs[2].fold, 1);
  EXPECT_EQ(pairs[3].fold, 1);
}

TEST(LfwPairsTest, MalformedLinesAreNamed) {
  testing::ScratchDir dir;
  const std::vector<std::pair<std::string, std::string>> bad = {{"a.txt", "1 1\nAnn 1\n"},
                                                                {"b.txt", "1 1\nAnn x 2\n"},
                                                                {"c.txt", "Ann 1 2\n"},
                                                                {"d.txt", ""},
                                                                {"short.txt", "2 1\nAnn 1 2\n"}};
  for (const auto& [name, text] : bad) {
    testing::WriteFile(dir / name, text);
    try {
      ReadLfwPairs(dir / name);
      ADD_FAILURE() << name;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << name;
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(ReadLfwPairs(dir / "absent.txt"), Error);
}

TEST(LfwPairsTest, ResolvesLfwNamesThenSortedPositions) {
  testing::ScratchDir dir;
  testing::WriteFile(dir / "Ann" / "Ann_0001.jpg", "x");
  testing::WriteFile(dir / "Bob" / "z.png", "x");
  testing::WriteFile(dir / "Bob" / "a.png", "x");
  testing::WriteFile(dir / "Cat" / "Cat_0001.jpg", "x");  // LFW names: no positional fallback
  testing::WriteFile(dir / "Cat" / "extra.jpg", "x");
  EXPECT_EQ(ResolvePairImage(dir.path(), "Ann", 1), dir / "Ann" / "Ann_0001.jpg");
  EXPECT_EQ(ResolvePairImage(dir.path(), "Bob", 2), dir / "Bob" / "z.png");
  EXPECT_THROW(ResolvePairImage(dir.path(), "Bob", 3), Error);
  EXPECT_THROW(ResolvePairImage(dir.path(), "Cid", 1), Error);
  EXPECT_THROW(ResolvePairImage(dir.path(), "Cat", 2), Error);
}

TEST(LfwPairsTest, WritesReproduciblePairsItCanReadBack) {
  const auto root = testing::DatasetFile("dlib_johns");
  testing::ScratchDir dir;
  WriteLfwPairs(root, 3, 10, 7, dir / "a.txt");
  WriteLfwPairs(root, 3, 10, 7, dir / "b.txt");
  const auto a = ReadLfwPairs(dir / "a.txt");
  const auto b = ReadLfwPairs(dir / "b.txt");
  ASSERT_EQ(a.size(), 60u);
  int genuine = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].name_a, b[i].name_a);
    EXPECT_EQ(a[i].index_b, b[i].index_b);
    EXPECT_EQ(a[i].fold, static_cast<int>(i / 20));
    genuine += a[i].genuine ? 1 : 0;
    EXPECT_EQ(a[i].genuine, a[i].name_a == a[i].name_b);
    EXPECT_NO_THROW(ResolvePairImage(root, a[i].name_b, a[i].index_b));
  }
  EXPECT_EQ(genuine, 30);
  EXPECT_THROW(WriteLfwPairs(root, 1, 100000, 1, dir / "c.txt"), Error);  // not enough photos
}

}  // namespace
}  // namespace facetrace
