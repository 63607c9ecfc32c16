#include "cluster/chinese_whispers.h"

#include <gtest/gtest.h>

#include "cluster/test_embeddings.h"
#include "core/error.h"

namespace facetrace {
namespace {

using testing::AxisEmbedding;

std::vector<Embedding> TwoPeople() {
  std::vector<Embedding> items;
  for (unsigned i = 0; i < 6; ++i)
    items.push_back(AxisEmbedding(static_cast<int>(i % 2), 1, 0.01f, i));
  return items;
}

TEST(ChineseWhispersTest, GroupsNearbyEmbeddingsAndNumbersByFirstItem) {
  const std::vector<int> none(6, -1);
  EXPECT_EQ(ClusterChineseWhispers(TwoPeople(), none, 0.5f), (std::vector<int>{0, 1, 0, 1, 0, 1}));
  // Below every distance, each face is alone.
  EXPECT_EQ(ClusterChineseWhispers(TwoPeople(), none, 0.01f), (std::vector<int>{0, 1, 2, 3, 4, 5}));
  // Even when every pair is an edge, closer pairs outvote farther ones (weighted edges).
  EXPECT_EQ(ClusterChineseWhispers(TwoPeople(), none, 2.0f), (std::vector<int>{0, 1, 0, 1, 0, 1}));
  EXPECT_TRUE(ClusterChineseWhispers({}, {}, 0.5f).empty());
}

TEST(ChineseWhispersTest, IsReproducible) {
  std::vector<Embedding> items;
  for (unsigned i = 0; i < 60; ++i)
    items.push_back(AxisEmbedding(static_cast<int>(i % 5), 1, 0.05f, i));
  const std::vector<int> none(items.size(), -1);
  EXPECT_EQ(ClusterChineseWhispers(items, none, 0.6f), ClusterChineseWhispers(items, none, 0.6f));
}

TEST(ChineseWhispersTest, SeedsKeepTheirLabelsAndNeverMerge) {
  // Items 0 and 1 are one person under two seeds: they stay apart; 2 joins one of them; the
  // other person (3, 5) gets a fresh label above the seeds.
  const std::vector<Embedding> items = {AxisEmbedding(0, 1, 0.001f, 1),
                                        AxisEmbedding(0, 1, 0.001f, 2),
                                        AxisEmbedding(0, 1, 0.001f, 3),
                                        AxisEmbedding(1, 1, 0.001f, 4),
                                        AxisEmbedding(9, 1),
                                        AxisEmbedding(1, 1, 0.001f, 5)};
  const std::vector<int> labels = ClusterChineseWhispers(items, {3, 8, -1, -1, -1, -1}, 0.5f);
  EXPECT_EQ(labels[0], 3);
  EXPECT_EQ(labels[1], 8);
  EXPECT_TRUE(labels[2] == 3 || labels[2] == 8);
  EXPECT_EQ(labels[3], 9);
  EXPECT_EQ(labels[4], 10);
  EXPECT_EQ(labels[5], 9);
}

TEST(ChineseWhispersTest, SeedsOfTheWrongLengthAreRefused) {
  try {
    ClusterChineseWhispers({AxisEmbedding(0, 1)}, {}, 0.5f);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace facetrace
