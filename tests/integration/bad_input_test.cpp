// Bad input through the real CLI: every class gets a clear error naming the file, the batch
// goes on, the exit status says "some inputs failed", and nothing already stored is lost.
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "integration/cli_runner.h"

namespace facetrace::testing {
namespace {

namespace fs = std::filesystem;

// A PNG whose header claims 30000x30000 pixels: refused from the header, never decoded.
std::string HugePngHeader() {
  std::string png = "\x89PNG\r\n\x1a\n";
  png += std::string("\x00\x00\x00\x0dIHDR", 8);
  png += std::string("\x00\x00\x75\x30\x00\x00\x75\x30\x08\x02\x00\x00\x00", 13);
  png += std::string("\x00\x00\x00\x00", 4);  // CRC (not checked before the size limit)
  return png;
}

struct BadInputs {
  explicit BadInputs(const ScratchDir& dir) {
    good = DatasetFile("dlib_johns/John_Salley/000179_02159509.jpg");
    const std::string jpeg = ReadFile(DatasetFile("deepface/id_img1/img1.jpg"));
    WriteFile(dir / "empty.jpg", "");
    WriteFile(dir / "truncated.jpg", jpeg.substr(0, jpeg.size() / 2));
    WriteFile(dir / "notes.jpg", "this is a text file, not a photo\n");
    WriteFile(dir / "huge.png", HugePngHeader());
    // A real face shrunk to ~10 px: too small to find.
    cv::Mat face = cv::imread(good.string()), tiny;
    cv::resize(face, tiny, cv::Size(16, 16), 0, 0, cv::INTER_AREA);
    cv::imwrite((dir / "tiny.png").string(), tiny);
    for (const char* name : {"empty.jpg", "truncated.jpg", "notes.jpg", "huge.png"}) {
      failing.push_back(dir / name);
    }
    failing.push_back(dir / "missing.jpg");
    no_face = dir / "tiny.png";
  }
  fs::path good;
  fs::path no_face;
  std::vector<fs::path> failing;
};

TEST(BadInputTest, IdentifyReportsEachBadFileAndGoesOn) {
  ScratchDir dir;
  const BadInputs inputs(dir);
  WriteFile(dir / "g/John_Salley/a.jpg", ReadFile(inputs.good));
  ASSERT_EQ(
      RunFacetrace({"enroll", "--db", (dir / "g.db").string(), (dir / "g").string()}).exit_code, 0);

  std::vector<std::string> args = {"identify",
                                   "--db",
                                   (dir / "g.db").string(),
                                   "--json",
                                   inputs.good.string(),
                                   inputs.no_face.string()};
  for (const auto& f : inputs.failing) args.push_back(f.string());
  const auto r = RunFacetrace(args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const auto lines = ParseJsonLines(r.out);
  ASSERT_EQ(lines.size(), 2 + inputs.failing.size());
  EXPECT_TRUE(lines[0]["error"].is_null());
  EXPECT_EQ(lines[0]["faces"][0]["candidates"][0]["identity"], "John_Salley");
  EXPECT_TRUE(lines[1]["error"].is_null());  // a photo with no findable face is not an error
  EXPECT_TRUE(lines[1]["faces"].empty());
  for (size_t i = 0; i < inputs.failing.size(); ++i) {
    const auto& line = lines[2 + i];
    const std::string name = inputs.failing[i].filename().string();
    ASSERT_TRUE(line["error"].is_string()) << name;
    EXPECT_NE(line["error"].get<std::string>().find(name), std::string::npos) << line["error"];
    EXPECT_NE(r.err.find(name), std::string::npos) << "not reported on stderr: " << name;
  }
  EXPECT_NE(lines[2]["error"].get<std::string>().find("empty"), std::string::npos);
  EXPECT_NE(lines[5]["error"].get<std::string>().find("30000"), std::string::npos);
}

TEST(BadInputTest, EnrollSkipsBadFilesAndKeepsTheRest) {
  ScratchDir dir;
  const BadInputs inputs(dir);
  std::vector<std::pair<std::string, fs::path>> items = {{"good", inputs.good},
                                                         {"tiny", inputs.no_face}};
  for (const auto& f : inputs.failing) items.emplace_back("bad", f);
  const auto manifest = WriteManifest(dir / "m.csv", items);
  const auto db = (dir / "g.db").string();
  const auto r = RunFacetrace({"enroll", "--db", db, "--manifest", manifest.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("enrolled 1 image(s)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 without a face"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("5 failed"), std::string::npos) << r.err;
  for (const auto& f : inputs.failing)
    EXPECT_NE(r.err.find(f.filename().string()), std::string::npos);
  const auto stats = nlohmann::json::parse(RunFacetrace({"stats", "--db", db, "--json"}).out);
  EXPECT_EQ(stats["images"], 1);
  EXPECT_EQ(stats["identities"], 1);
}

TEST(BadInputTest, MissingModelsNameTheSetupCommand) {
  ScratchDir dir;
  const auto r = RunFacetrace({"detect", "--models", (dir / "nowhere").string(),
                               DatasetFile("dlib_johns/John_Salley/000179_02159509.jpg").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("scripts/setup"), std::string::npos) << r.err;
}

TEST(BadInputTest, CorruptDatabaseIsAClearFatalError) {
  ScratchDir dir;
  WriteFile(dir / "g.db", std::string(8192, 'z'));
  const auto r = RunFacetrace({"stats", "--db", (dir / "g.db").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("g.db"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace facetrace::testing
