#include "cluster/seeded_labels.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace facetrace {
namespace {

TEST(SeededLabelsTest, SeededGroupsKeepTheSeedAndOthersCountUpFromAboveIt) {
  EXPECT_EQ(LabelsFromGroups({42, 7, 42, 9, 7}, {-1, 5, -1, -1, -1}),
            (std::vector<int>{6, 5, 6, 7, 5}));
  EXPECT_EQ(LabelsFromGroups({3, 3, 1}, {-1, -1, -1}), (std::vector<int>{0, 0, 1}));
}

TEST(SeededLabelsTest, TwoSeedsInOneGroupOrMismatchedSizesThrow) {
  const auto expect_code = [](const std::vector<int>& groups, const std::vector<int>& seeds,
                              ErrorCode code) {
    try {
      LabelsFromGroups(groups, seeds);
      FAIL() << "expected an error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code);
    }
  };
  expect_code({1, 1}, {2, 3}, ErrorCode::kInternal);
  expect_code({1}, {}, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace facetrace
