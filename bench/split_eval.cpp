// facetrace_split_eval: rank-1 of the split protocol (per identity, files sorted by name: even
// positions enrolled, odd identified; hit = the largest face's first candidate is right) for
// pipeline variants, so docs/ACCURACY.md can compare them with one command:
//
//   build/facetrace_split_eval --datasets ../shared/datasets [--no-flip-fusion] [--detector hog]
//                              [--embedder dlib|CONFIG.json|dlib+CONFIG.json] [--jitter N]
//                              [--rank-by photo|template]
#include <cstdio>
#include <filesystem>
#include <ranges>
#include <string>
#include <vector>

#include <unistd.h>
#include <CLI/CLI.hpp>

#include "pipeline/enroller.h"
#include "pipeline/gallery.h"
#include "pipeline/image_batch.h"

namespace fs = std::filesystem;

namespace facetrace {
namespace {

double RankOne(const fs::path& set_dir, const PipelineOptions& options, Comparison rank_by,
               const fs::path& db, bool verbose) {
  std::vector<EnrollItem> gallery_items;
  std::vector<fs::path> probes;
  std::vector<std::string> truth;
  std::string last;
  size_t position = 0;
  for (const EnrollItem& item : ItemsFromFolder(set_dir)) {
    position = item.identity == last ? position + 1 : 0;
    last = item.identity;
    if (position % 2 == 0) {
      gallery_items.push_back(item);
    } else {
      probes.push_back(item.image);
      truth.push_back(item.identity);
    }
  }
  fs::remove(db);
  auto gallery = Gallery::Open(db, DescribePipelineEmbedder(options), {.rank_by = rank_by});
  EnrollOptions enroll;
  enroll.pipeline = options;
  Enroll(*gallery, gallery_items, enroll);
  size_t hits = 0, i = 0;
  ProcessImages(probes, {.threads = 0, .pipeline = options}, [&](ImageResult&& r) {
    if (!r.faces.empty()) {
      const auto candidates = gallery->Search(r.faces.front().embedding, 1);
      if (!candidates.empty() && candidates[0].identity == truth[i]) {
        ++hits;
      } else if (verbose) {
        std::fprintf(stderr, "miss: %s (%s) -> %s\n", r.path.c_str(), truth[i].c_str(),
                     candidates.empty() ? "-" : candidates[0].identity.c_str());
      }
    }
    ++i;
  });
  return static_cast<double>(hits) / static_cast<double>(probes.size());
}

int Main(int argc, char** argv) {
  CLI::App app{"split-protocol rank-1 per dataset"};
  std::string datasets = "../shared/datasets";
  std::string sets =
      "celeb5_kaggle,cs131_faces,deepface,dlib_johns,facerecjs_bbt,orl_att,extyaleb_subset,"
      "yalefaces";
  PipelineOptions options;
  app.add_option("--datasets", datasets);
  app.add_option("--sets", sets);
  app.add_option("--detector", options.detector);
  app.add_flag("--flip-fusion,!--no-flip-fusion", options.embedder_options.flip_fusion);
  app.add_option("--embedder", options.embedder, "dlib, an ONNX config, or a+b (fusion)");
  app.add_option("--jitter", options.embedder_options.jitters, "dlib jitter fusion: copies");
  app.add_flag("--equalize-chip", options.equalize_chip, "CLAHE on each aligned chip");
  std::string rank_by = "photo";
  app.add_option("--rank-by", rank_by, "photo or template (core/comparison.h)");
  bool verbose = false;
  app.add_flag("--verbose", verbose, "List each miss on stderr");
  CLI11_PARSE(app, argc, argv);
  const fs::path db =
      fs::temp_directory_path() / ("facetrace-split-" + std::to_string(::getpid()) + ".db");
  for (auto part : std::views::split(sets, ',')) {
    const std::string set(part.begin(), part.end());
    std::printf("%-16s rank-1 %.4f\n", set.c_str(),
                RankOne(fs::path(datasets) / set, options, ParseComparison(rank_by), db, verbose));
    std::fflush(stdout);
    fs::remove(db);
    fs::remove(db.string() + ".faiss");
    fs::remove(db.string() + ".faiss.meta.json");
  }
  return 0;
}

}  // namespace
}  // namespace facetrace

int main(int argc, char** argv) { return facetrace::Main(argc, argv); }
