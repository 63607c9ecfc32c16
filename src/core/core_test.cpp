#include <cstdlib>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "core/comparison.h"
#include "core/error.h"
#include "core/face.h"
#include "core/markup_escape.h"
#include "core/model_paths.h"
#include "core/utc_time.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

TEST(ErrorTest, CarriesCodeAndMessage) {
  const Error e(ErrorCode::kCorruptImage, "photo.jpg is truncated");
  EXPECT_EQ(e.code(), ErrorCode::kCorruptImage);
  EXPECT_STREQ(e.what(), "photo.jpg is truncated");
}

TEST(ErrorTest, EveryCodeHasADistinctName) {
  std::set<std::string_view> names;
  for (int c = 0; c <= static_cast<int>(ErrorCode::kInternal); ++c) {
    const auto name = ErrorCodeName(static_cast<ErrorCode>(c));
    EXPECT_NE(name, "unknown");
    names.insert(name);
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(ErrorCode::kInternal) + 1);
  EXPECT_EQ(ErrorCodeName(ErrorCode::kImageTooLarge), "image_too_large");
}

TEST(ComparisonTest, NamesRoundTripAndUnknownNamesAreInvalid) {
  for (const Comparison c : {Comparison::kPhoto, Comparison::kMeanTemplate}) {
    EXPECT_EQ(ParseComparison(ComparisonName(c)), c);
  }
  EXPECT_EQ(ComparisonName(Comparison::kMeanTemplate), "template");
  testing::ExpectErrorCode(ErrorCode::kInvalidArgument, [] { ParseComparison("mean"); });
}

TEST(MarkupEscapeTest, EscapesTheFiveMarkupCharacters) {
  EXPECT_EQ(EscapeMarkup("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(EscapeMarkup("plain text, é"), "plain text, é");
  EXPECT_EQ(EscapeMarkup(""), "");
}

TEST(UtcTimeTest, FormatsAndParsesIso8601) {
  EXPECT_EQ(FormatUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtc(1700000000), "2023-11-14T22:13:20Z");
  EXPECT_EQ(ParseUtc("2023-11-14T22:13:20Z"), std::optional<std::time_t>(1700000000));
  const std::string now = NowUtc();
  ASSERT_TRUE(ParseUtc(now));
  EXPECT_EQ(FormatUtc(*ParseUtc(now)), now);
}

TEST(UtcTimeTest, RefusesOtherForms) {
  EXPECT_FALSE(ParseUtc(""));
  EXPECT_FALSE(ParseUtc("2023-11-14 22:13:20Z"));
  EXPECT_FALSE(ParseUtc("2023-13-14T22:13:20Z"));
  EXPECT_FALSE(ParseUtc("2023-11-14T22:13:20Z'; DROP TABLE x; --"));
}

TEST(BoxTest, IntersectionOverUnion) {
  const Box a{0, 0, 10, 10};
  EXPECT_FLOAT_EQ(IntersectionOverUnion(a, a), 1.0f);
  EXPECT_FLOAT_EQ(IntersectionOverUnion(a, Box{5, 0, 10, 10}), 50.0f / 150.0f);
  EXPECT_FLOAT_EQ(IntersectionOverUnion(a, Box{20, 20, 5, 5}), 0.0f);
  EXPECT_FLOAT_EQ(IntersectionOverUnion(a, Box{0, 0, 0, 0}), 0.0f);
  EXPECT_FLOAT_EQ((Box{0, 0, -1, 4}.area()), 0.0f);
}

TEST(ModelPathsTest, ExplicitDirectoryWins) {
  testing::ScratchDir dir;
  testing::WriteFile(dir / "a.dat", "x");
  const ModelPaths paths = ModelPaths::Resolve(dir.path());
  EXPECT_EQ(paths.directory(), dir.path());
  EXPECT_EQ(paths.Require("a.dat"), dir.path() / "a.dat");
}

TEST(ModelPathsTest, EnvironmentVariableIsUsed) {
  testing::ScratchDir dir;
  ::setenv("FACETRACE_MODELS", dir.path().c_str(), 1);
  const ModelPaths paths = ModelPaths::Resolve();
  ::unsetenv("FACETRACE_MODELS");
  EXPECT_EQ(paths.directory(), dir.path());
}

TEST(ModelPathsTest, MissingModelNamesTheSetupCommand) {
  testing::ScratchDir dir;
  try {
    ModelPaths(dir.path()).Require(ModelFiles::kResnet);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kModelMissing);
    EXPECT_NE(std::string(e.what()).find("scripts/setup"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(ModelFiles::kResnet), std::string::npos);
  }
}

TEST(ModelPathsTest, DefaultFindsTheRepositoryModels) {
  // The test binaries live in build/; setup puts the models in <repo>/models.
  ::unsetenv("FACETRACE_MODELS");
  const ModelPaths paths = ModelPaths::Resolve();
  EXPECT_NO_THROW(paths.Require(ModelFiles::kResnet));
}

}  // namespace
}  // namespace facetrace
