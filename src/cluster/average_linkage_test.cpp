#include "cluster/average_linkage.h"

#include <gtest/gtest.h>

#include "cluster/test_embeddings.h"
#include "core/error.h"
#include "embed/dlib_resnet_embedder.h"

namespace facetrace {
namespace {

using testing::AxisEmbedding;

TEST(AverageLinkageTest, GroupsNearbyEmbeddingsAndNumbersByFirstItem) {
  // Person A on axis 0, person B on axis 1 (1.41 apart), photos 0.1 around them.
  const std::vector<Embedding> items = {
      AxisEmbedding(1, 1, 0.01f, 1), AxisEmbedding(0, 1, 0.01f, 2), AxisEmbedding(1, 1, 0.01f, 3),
      AxisEmbedding(0, 1, 0.01f, 4)};
  EXPECT_EQ(ClusterAverageLinkage(items, 0.5f), (std::vector<int>{0, 1, 0, 1}));
}

TEST(AverageLinkageTest, EverythingApartBelowTheClosestPairAndTogetherAboveTheFarthest) {
  const std::vector<Embedding> items = {AxisEmbedding(0, 1), AxisEmbedding(1, 1),
                                        AxisEmbedding(2, 1)};
  EXPECT_EQ(ClusterAverageLinkage(items, 1.0f), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(ClusterAverageLinkage(items, 1.5f), (std::vector<int>{0, 0, 0}));
  EXPECT_TRUE(ClusterAverageLinkage({}, 0.5f).empty());
}

TEST(AverageLinkageTest, OneBridgingPairDoesNotMergeTwoGroups) {
  // Two tight groups of 4, 1.0 apart, and one item halfway: single linkage would chain all
  // nine at threshold 0.55; average linkage keeps the groups apart.
  std::vector<Embedding> items;
  for (int i = 0; i < 4; ++i) items.push_back(AxisEmbedding(0, 0, 0.005f, i));
  for (int i = 0; i < 4; ++i) {
    Embedding e = AxisEmbedding(0, 0, 0.005f, 10 + i);
    e[0] += 1.0f;
    items.push_back(e);
  }
  Embedding bridge(DlibResnetEmbedder::kDim, 0.0f);
  bridge[0] = 0.5f;
  items.push_back(bridge);
  const std::vector<int> labels = ClusterAverageLinkage(items, 0.55f);
  EXPECT_NE(labels[0], labels[4]);
  for (int i = 1; i < 4; ++i) EXPECT_EQ(labels[i], labels[0]);
  for (int i = 5; i < 8; ++i) EXPECT_EQ(labels[i], labels[4]);
}

TEST(AverageLinkageTest, SeededGroupsKeepTheirLabelsAndNeverMerge) {
  // Seeds 4 and 9 are the same person (distance 0.02) but must stay apart; the new face near
  // them joins one; the far new face gets a fresh label above every seed.
  const std::vector<Embedding> items = {AxisEmbedding(0, 1, 0.001f, 1),
                                        AxisEmbedding(0, 1, 0.001f, 2),
                                        AxisEmbedding(0, 1, 0.001f, 3), AxisEmbedding(5, 1)};
  const std::vector<int> labels = ClusterAverageLinkage(items, {4, 9, -1, -1}, 0.5f);
  EXPECT_EQ(labels[0], 4);
  EXPECT_EQ(labels[1], 9);
  EXPECT_TRUE(labels[2] == 4 || labels[2] == 9);
  EXPECT_EQ(labels[3], 10);
}

TEST(AverageLinkageTest, SeedsOfTheWrongLengthAreRefused) {
  try {
    ClusterAverageLinkage({AxisEmbedding(0, 1)}, std::vector<int>{}, 0.5f);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace facetrace
