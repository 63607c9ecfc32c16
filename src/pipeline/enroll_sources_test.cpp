#include "pipeline/enroll_sources.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "pipeline/input_paths.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

using testing::ScratchDir;
using testing::WriteFile;

TEST(ItemsFromFolderTest, OneIdentityPerSubFolderSorted) {
  ScratchDir dir;
  WriteFile(dir / "bob/2.jpg", "x");
  WriteFile(dir / "bob/1.png", "x");
  WriteFile(dir / "bob/notes.txt", "not an image");
  WriteFile(dir / "alice/trip/3.JPG", "x");
  const auto items = ItemsFromFolder(dir.path());
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].identity, "alice");
  EXPECT_EQ(items[0].image.filename(), "3.JPG");
  EXPECT_EQ(items[1].identity, "bob");
  EXPECT_EQ(items[1].image.filename(), "1.png");
  EXPECT_TRUE(items[2].image.is_absolute());
}

TEST(ItemsFromFolderTest, LooseImagesAndMissingFolderAreRefused) {
  ScratchDir dir;
  WriteFile(dir / "loose.jpg", "x");
  EXPECT_THROW(ItemsFromFolder(dir.path()), Error);
  EXPECT_THROW(ItemsFromFolder(dir / "absent"), Error);
}

TEST(ItemsFromManifestTest, ColumnsBecomeMetadata) {
  ScratchDir dir;
  WriteFile(dir / "m.csv",
            "identity,image,birth_date,notes,source\n"
            "Ann Lee,photos/a.jpg,1990-01-02,\"said \"\"hi\"\", left\",https://example.org/a\n"
            "\n"
            "Bo,/abs/b.png,,,\n");
  const auto items = ItemsFromManifest(dir / "m.csv");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].identity, "Ann Lee");
  EXPECT_EQ(items[0].image, dir / "photos/a.jpg");
  EXPECT_EQ(items[0].metadata["birth_date"], "1990-01-02");
  EXPECT_EQ(items[0].metadata["notes"], "said \"hi\", left");
  EXPECT_EQ(items[0].source, "https://example.org/a");
  EXPECT_EQ(items[1].image, "/abs/b.png");
  EXPECT_TRUE(items[1].metadata.empty());
}

TEST(ItemsFromManifestTest, MalformedManifestsNameTheProblem) {
  ScratchDir dir;
  WriteFile(dir / "nohdr.csv", "name,file\nA,a.jpg\n");
  WriteFile(dir / "quote.csv", "identity,image\n\"A,a.jpg\n");
  WriteFile(dir / "blank.csv", "identity,image\n,a.jpg\n");
  WriteFile(dir / "empty.csv", "");
  for (const char* name : {"nohdr.csv", "quote.csv", "blank.csv", "empty.csv"}) {
    try {
      ItemsFromManifest(dir / name);
      ADD_FAILURE() << name << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << name;
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(ItemsFromManifest(dir / "absent.csv"), Error);
}

TEST(ExpandImagePathsTest, FilesAsGivenFoldersWalked) {
  ScratchDir dir;
  WriteFile(dir / "f/b.jpg", "x");
  WriteFile(dir / "f/a/c.gif", "x");
  WriteFile(dir / "f/readme.md", "x");
  const auto paths = ExpandImagePaths({(dir / "f").string(), (dir / "explicit.txt").string()});
  ASSERT_EQ(paths.size(), 3u);
  EXPECT_EQ(paths[0].filename(), "c.gif");
  EXPECT_EQ(paths[1].filename(), "b.jpg");
  EXPECT_EQ(paths[2].filename(), "explicit.txt");  // reported later by the loader
}

}  // namespace
}  // namespace facetrace
