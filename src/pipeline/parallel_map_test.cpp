#include "pipeline/parallel_map.h"

#include <atomic>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace facetrace {
namespace {

struct Counter {
  int made_on_thread = 0;
};

TEST(ParallelMapTest, DeliversEveryResultInInputOrder) {
  std::vector<size_t> seen;
  std::atomic<int> states{0};
  ParallelMap<Counter, size_t>(
      1000, 4, 8,
      [&] {
        ++states;
        return std::make_unique<Counter>();
      },
      [](Counter&, size_t i) {
        if (i % 7 == 0) std::this_thread::yield();
        return i * 2;
      },
      [&](size_t i, size_t&& r) {
        EXPECT_EQ(r, i * 2);
        seen.push_back(i);
      });
  ASSERT_EQ(seen.size(), 1000u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i);
  EXPECT_EQ(states.load(), 4);  // one state per worker, not per item
}

TEST(ParallelMapTest, BoundsResultsWaitingForTheConsumer) {
  std::atomic<size_t> produced{0};
  size_t max_ahead = 0;
  size_t consumed = 0;
  ParallelMap<Counter, int>(
      200, 3, 5, [] { return std::make_unique<Counter>(); },
      [&](Counter&, size_t) {
        ++produced;
        return 0;
      },
      [&](size_t, int&&) {
        ++consumed;
        max_ahead = std::max(max_ahead, produced.load() - consumed);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      });
  EXPECT_EQ(consumed, 200u);
  EXPECT_LE(max_ahead, 5u + 3u);  // window plus the items being worked on
}

TEST(ParallelMapTest, StateConstructionFailureIsRethrown) {
  EXPECT_THROW(
      (ParallelMap<Counter, int>(
          10, 2, 4, []() -> std::unique_ptr<Counter> { throw std::runtime_error("no model"); },
          [](Counter&, size_t) { return 0; }, [](size_t, int&&) {})),
      std::runtime_error);
}

TEST(ParallelMapTest, ConsumerFailureStopsTheWorkers) {
  std::atomic<int> done{0};
  EXPECT_THROW((ParallelMap<Counter, int>(
                   10000, 2, 4, [] { return std::make_unique<Counter>(); },
                   [&](Counter&, size_t) {
                     ++done;
                     return 0;
                   },
                   [](size_t i, int&&) {
                     if (i == 10) throw std::logic_error("disk full");
                   })),
               std::logic_error);
  EXPECT_LT(done.load(), 100);
}

TEST(ParallelMapTest, ZeroItemsIsANoOp) {
  bool made = false;
  ParallelMap<Counter, int>(
      0, 2, 4,
      [&] {
        made = true;
        return std::make_unique<Counter>();
      },
      [](Counter&, size_t) { return 0; }, [](size_t, int&&) {});
  EXPECT_FALSE(made);
}

}  // namespace
}  // namespace facetrace
