// Durability through the real CLI: kill -9 at any moment of an enroll, or a full disk, and the
// same command again leaves catalog and index in agreement, with nothing duplicated and nothing
// committed before the interruption lost.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "integration/cli_runner.h"

namespace facetrace::testing {
namespace {

namespace fs = std::filesystem;

// 12 ORL identities x 10 photos, as a gallery folder of symlinks into the shared dataset.
fs::path MakeGallery(const ScratchDir& dir) {
  const fs::path gallery = dir / "gallery";
  std::vector<fs::path> identities;
  for (const auto& e : fs::directory_iterator(DatasetFile("orl_att")))
    identities.push_back(e.path());
  std::sort(identities.begin(), identities.end());
  identities.resize(12);
  for (const auto& id : identities) {
    fs::create_directories(gallery / id.filename());
    for (const auto& f : SortedImages(id))
      fs::create_symlink(f, gallery / id.filename() / f.filename());
  }
  return gallery;
}

nlohmann::json Stats(const std::string& db) {
  const auto r = RunFacetrace({"stats", "--db", db, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
}

std::string IntegrityCheck(const std::string& db) {
  return RunCommand({"/usr/bin/sqlite3", db, "PRAGMA integrity_check;"}).out;
}

int64_t ImagesCommitted(const std::string& db) {
  if (!fs::exists(db)) return 0;
  try {
    return Catalog::Open(db)->Stats().images;
  } catch (const std::exception&) {
    return 0;  // the schema may not be there yet
  }
}

class DurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gallery_ = MakeGallery(dir_);
    // Reference: the same enroll, uninterrupted.
    const auto ref_db = (dir_ / "reference.db").string();
    const auto r = RunFacetrace({"enroll", "--db", ref_db, gallery_.string()});
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 2) << r.err;
    reference_ = Stats(ref_db);
    ASSERT_GT(reference_["images"].get<int>(), 100);
  }

  void ExpectConsistentAndComplete(const std::string& db) {
    EXPECT_EQ(IntegrityCheck(db), "ok\n");
    const auto r = RunFacetrace({"enroll", "--db", db, gallery_.string()});
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 2) << r.err;
    const auto stats = Stats(db);
    EXPECT_EQ(stats["images"], reference_["images"]);
    EXPECT_EQ(stats["faces"], reference_["faces"]);
    EXPECT_EQ(stats["identities"], reference_["identities"]);
    EXPECT_EQ(stats["indexed_faces"], stats["faces"]);
  }

  ScratchDir dir_;
  fs::path gallery_;
  nlohmann::json reference_;
};

TEST_F(DurabilityTest, KillNineMidEnrollThenResume) {
  const auto db = (dir_ / "g.db").string();
  // Kill at three different depths of the same enroll; each run resumes the previous one.
  for (const int64_t kill_after : {5, 40, 80}) {
    const int pid = SpawnFacetrace({"enroll", "--db", db, gallery_.string()});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (ImagesCommitted(db) < kill_after && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid, SIGKILL);
    EXPECT_EQ(WaitForChild(pid), 128 + SIGKILL) << "enroll ended before it could be killed";
    const int64_t committed = ImagesCommitted(db);
    EXPECT_GE(committed, kill_after);
    // Nothing half-written: every image has its face, the index is rebuilt to match.
    EXPECT_EQ(IntegrityCheck(db), "ok\n");
    const auto stats = Stats(db);
    EXPECT_EQ(stats["faces"], stats["images"]);
    EXPECT_EQ(stats["indexed_faces"], stats["faces"]);
    EXPECT_GE(stats["images"].get<int64_t>(), committed);
  }
  ExpectConsistentAndComplete(db);
}

TEST_F(DurabilityTest, DiskFullIsAClearErrorAndResumable) {
  const auto db = (dir_ / "g.db").string();
  // RLIMIT_FSIZE makes every write past 96 KiB fail as a full disk would (EFBIG instead of
  // ENOSPC); the CLI ignores SIGXFSZ so the failing write returns an error.
  const auto r = RunCommand({"/usr/bin/prlimit", "--fsize=98304", FacetraceBinary().string(),
                             "enroll", "--db", db, gallery_.string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("error"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("g.db"), std::string::npos) << r.err;
  EXPECT_LT(ImagesCommitted(db), reference_["images"].get<int64_t>());
  ExpectConsistentAndComplete(db);
}

}  // namespace
}  // namespace facetrace::testing
