#include "cli/progress_bar.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

namespace facetrace::cli {
namespace {

using std::chrono::milliseconds;
using TimePoint = std::chrono::steady_clock::time_point;

TEST(FormatProgressLine, ShowsShareDoneRateAndTimeLeft) {
  EXPECT_EQ(FormatProgressLine("enroll", 3, 10, 1.5),
            "enroll [#########                     ] 3/10 2.0/s ETA 4s ");
  EXPECT_EQ(FormatProgressLine("enroll", 10, 10, 5.0),
            "enroll [##############################] 10/10 2.0/s ETA 0s ");
  EXPECT_EQ(FormatProgressLine("e", 0, 4, 0.0),
            "e [                              ] 0/4 0.0/s ETA 0s ");
}

TEST(FormatProgressLine, MoreDoneThanPlannedFillsTheBarWithoutOverflowing) {
  EXPECT_EQ(FormatProgressLine("x", 12, 10, 2.0),
            "x [##############################] 12/10 6.0/s ETA 0s ");
  EXPECT_EQ(FormatProgressLine("x", 5, 0, 1.0),
            "x [                              ] 5/0 5.0/s ETA 0s ");
}

// Captures what a bar draws, on a clock the test moves.
class ProgressBarTest : public ::testing::Test {
 protected:
  void SetUp() override { out_ = open_memstream(&buffer_, &size_); }
  void TearDown() override {
    std::fclose(out_);
    std::free(buffer_);
  }
  std::string Drawn() {
    std::fflush(out_);
    return std::string(buffer_, size_);
  }
  ProgressBar::Clock Clock() {
    return [this] { return now_; };
  }

  std::FILE* out_ = nullptr;
  char* buffer_ = nullptr;
  size_t size_ = 0;
  TimePoint now_{};
};

TEST_F(ProgressBarTest, DrawsAtMostTenTimesASecondButAlwaysTheLastStep) {
  {
    ProgressBar bar("job", out_, Clock());
    now_ += milliseconds(1000);
    bar.Update(1, 4);
    const std::string first = "\r" + FormatProgressLine("job", 1, 4, 1.0);
    EXPECT_EQ(Drawn(), first);
    now_ += milliseconds(50);
    bar.Update(2, 4);  // too soon: not drawn
    EXPECT_EQ(Drawn(), first);
    now_ += milliseconds(100);
    bar.Update(3, 4);
    const std::string third = first + "\r" + FormatProgressLine("job", 3, 4, 1.15);
    EXPECT_EQ(Drawn(), third);
    now_ += milliseconds(1);
    bar.Update(4, 4);  // done: drawn however soon
    EXPECT_EQ(Drawn(), third + "\r" + FormatProgressLine("job", 4, 4, 1.151));
  }
  // Leaving scope clears the line.
  EXPECT_EQ(Drawn().substr(Drawn().size() - 4), "\r\033[K");
}

TEST_F(ProgressBarTest, ClearsOnlyWhatItDrew) {
  ProgressBar bar("job", out_, Clock());
  bar.Clear();
  bar.Update(0, 0);  // nothing planned: nothing drawn
  EXPECT_EQ(Drawn(), "");
  bar.Update(1, 2);
  bar.Clear();
  bar.Clear();
  EXPECT_EQ(Drawn(), "\r" + FormatProgressLine("job", 1, 2, 0.0) + "\r\033[K");
}

TEST(ProgressBar, DrawsNothingWhenStderrIsNotATerminal) {
  ::testing::internal::CaptureStderr();  // stderr is now a file, before the bar looks at it
  {
    ProgressBar bar("job");
    bar.Update(1, 2);
    bar.Update(2, 2);
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

}  // namespace
}  // namespace facetrace::cli
