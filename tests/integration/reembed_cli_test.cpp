// facetrace reembed through the real CLI: moving a small gallery to another model without
// losing identities; missing photos reported and counted; resumable and idempotent.
#include <map>

#include <gtest/gtest.h>

#include "integration/cli_runner.h"

namespace facetrace::testing {
namespace {

namespace fs = std::filesystem;

// A gallery folder of its own (copies, so that a test may delete a photo): two Johns, three
// photos each; and one more photo of each, kept out of the gallery as a probe.
struct SmallGallery {
  ScratchDir dir;
  fs::path db = dir / "g.db";
  fs::path photos = dir / "photos";
  std::map<std::string, fs::path> probes;

  SmallGallery() {
    for (const char* who : {"John_Salley", "John_Savage"}) {
      const auto files = SortedImages(DatasetsDir() / "dlib_johns" / who);
      for (size_t i = 0; i < 3; ++i) {
        fs::create_directories(photos / who);
        fs::copy_file(files[i], photos / who / files[i].filename());
      }
      probes[who] = files[4];
    }
  }
};

nlohmann::json Stats(const fs::path& db) {
  const auto r = RunFacetrace({"stats", "--db", db.string(), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

std::string ActiveModel(const nlohmann::json& stats) {
  for (const auto& m : stats["models"])
    if (m["active"].get<bool>()) return m["model_id"].get<std::string>();
  return "";
}

// The first candidate's identity for `probe`, searched with `options`.
std::string TopIdentity(const fs::path& db, const fs::path& probe,
                        std::vector<std::string> options = {}) {
  std::vector<std::string> args = {"identify", "--db", db.string(), "--json"};
  args.insert(args.end(), options.begin(), options.end());
  args.push_back(probe.string());
  const auto r = RunFacetrace(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto lines = ParseJsonLines(r.out);
  if (lines.empty() || lines[0]["faces"].empty()) return "";
  return lines[0]["faces"][0]["candidates"][0]["identity"].get<std::string>();
}

TEST(ReembedCliTest, MovesAGalleryToAnotherModelWithoutLosingIdentities) {
  SmallGallery g;
  ASSERT_EQ(RunFacetrace({"enroll", "--db", g.db.string(), g.photos.string()}).exit_code, 0);
  EXPECT_EQ(ActiveModel(Stats(g.db)), "dlib_resnet_v1");

  // One photo has gone missing: it is reported and counted, the rest is re-embedded, and
  // search stays on the old model (switching would drop that photo from search).
  const fs::path gone =
      g.photos / "John_Savage" / SortedImages(g.photos / "John_Savage")[1].filename();
  fs::rename(gone, g.dir / "aside.jpg");
  const auto partial = RunFacetrace({"reembed", "--db", g.db.string(), "--no-flip-fusion"});
  EXPECT_EQ(partial.exit_code, 2) << partial.err;
  EXPECT_NE(partial.err.find(gone.string()), std::string::npos) << partial.err;
  EXPECT_NE(partial.out.find("5 photo(s) re-embedded"), std::string::npos) << partial.out;
  EXPECT_NE(partial.out.find("1 missing"), std::string::npos) << partial.out;
  EXPECT_NE(partial.out.find("active model stays dlib_resnet_v1"), std::string::npos);
  auto stats = Stats(g.db);
  EXPECT_EQ(ActiveModel(stats), "dlib_resnet_v1");
  EXPECT_EQ(stats["faces"], 11);  // 6 old + 5 new: nothing replaced
  EXPECT_EQ(TopIdentity(g.db, g.probes["John_Savage"]), "John_Savage");

  // Restored: the next run resumes (the 5 done are not embedded again) and switches.
  fs::rename(g.dir / "aside.jpg", gone);
  const auto resumed = RunFacetrace({"reembed", "--db", g.db.string(), "--no-flip-fusion"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("1 photo(s) re-embedded, 5 already done"), std::string::npos)
      << resumed.out;
  EXPECT_NE(resumed.out.find("active model: dlib_resnet_v1-noflip (6 faces indexed)"),
            std::string::npos)
      << resumed.out;
  stats = Stats(g.db);
  EXPECT_EQ(ActiveModel(stats), "dlib_resnet_v1-noflip");
  EXPECT_EQ(stats["identities"], 2);
  EXPECT_EQ(stats["images"], 6);
  EXPECT_EQ(stats["indexed_faces"], 6);

  // Search now takes the new model's embeddings only; the old options are refused, not mixed.
  EXPECT_EQ(TopIdentity(g.db, g.probes["John_Savage"], {"--no-flip-fusion"}), "John_Savage");
  EXPECT_EQ(TopIdentity(g.db, g.probes["John_Salley"], {"--no-flip-fusion"}), "John_Salley");
  const auto mixed = RunFacetrace({"identify", "--db", g.db.string(), g.probes["John_Salley"]});
  EXPECT_EQ(mixed.exit_code, 1);
  EXPECT_NE(mixed.err.find("reembed"), std::string::npos) << mixed.err;
  const auto enroll_old = RunFacetrace({"enroll", "--db", g.db.string(), g.photos.string()});
  EXPECT_EQ(enroll_old.exit_code, 1);

  // Idempotent: again adds nothing.
  const auto again = RunFacetrace({"reembed", "--db", g.db.string(), "--no-flip-fusion"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("0 photo(s) re-embedded, 6 already done"), std::string::npos)
      << again.out;
  EXPECT_EQ(Stats(g.db)["faces"], 12);

  // And back: the flip-fused embeddings are still there, so nothing is recomputed.
  const auto back = RunFacetrace({"reembed", "--db", g.db.string()});
  EXPECT_EQ(back.exit_code, 0) << back.err;
  EXPECT_NE(back.out.find("0 photo(s) re-embedded, 6 already done"), std::string::npos) << back.out;
  EXPECT_EQ(ActiveModel(Stats(g.db)), "dlib_resnet_v1");
  EXPECT_EQ(TopIdentity(g.db, g.probes["John_Savage"]), "John_Savage");
}

TEST(ReembedCliTest, IncompleteSwitchOnlyWhenAskedAndBadInput) {
  SmallGallery g;
  ASSERT_EQ(RunFacetrace({"enroll", "--db", g.db.string(), g.photos.string()}).exit_code, 0);
  fs::remove_all(g.photos / "John_Salley");
  const auto r =
      RunFacetrace({"reembed", "--db", g.db.string(), "--no-flip-fusion", "--allow-incomplete"});
  EXPECT_EQ(r.exit_code, 2) << r.err;  // still reports the failures
  EXPECT_NE(r.out.find("3 missing"), std::string::npos) << r.out;
  const auto stats = Stats(g.db);
  EXPECT_EQ(ActiveModel(stats), "dlib_resnet_v1-noflip");
  EXPECT_EQ(stats["identities"], 2);  // the identity stays, with its old embeddings
  EXPECT_EQ(stats["indexed_faces"], 3);

  ScratchDir empty;
  EXPECT_EQ(RunFacetrace({"reembed", "--db", (empty / "missing.db").string()}).exit_code, 1);
  const auto unknown =
      RunFacetrace({"reembed", "--db", g.db.string(), "--embedder", "no_such_model"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no_such_model"), std::string::npos) << unknown.err;
}

TEST(ReembedCliTest, ToTheOptionalOnnxModelAndItsLargerEmbeddings) {
  const fs::path config = SourceDir() / "models" / "faceplugin_mfn.json";
  if (!fs::exists(config)) {
    GTEST_SKIP() << "optional model absent: run scripts/setup --with-faceplugin";
  }
  SmallGallery g;
  ASSERT_EQ(RunFacetrace({"enroll", "--db", g.db.string(), g.photos.string()}).exit_code, 0);
  const auto r = RunFacetrace({"reembed", "--db", g.db.string(), "--embedder", "faceplugin_mfn"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto stats = Stats(g.db);
  EXPECT_EQ(ActiveModel(stats), "faceplugin_mfn_v1");
  for (const auto& m : stats["models"]) {
    EXPECT_EQ(m["dim"].get<int>(), m["model_id"] == "faceplugin_mfn_v1" ? 512 : 128);
  }
  EXPECT_EQ(TopIdentity(g.db, g.probes["John_Savage"], {"--embedder", "faceplugin_mfn"}),
            "John_Savage");
}

}  // namespace
}  // namespace facetrace::testing
