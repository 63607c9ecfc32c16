// facetrace_build_gallery: a large gallery for the service load test (docs/PERFORMANCE.md,
// "Analyst service under load").
//
// Real photos are enrolled first (the library's Enroll, exactly as `facetrace enroll` does), so
// searches with real probe photos have real answers. Synthetic face-like embeddings (see
// bench/index/synthetic_embeddings.h: identity clusters at dlib ResNet's distances) then fill
// the catalog and the index up to --faces: each synthetic identity "synthetic-N" gets one
// image record ("synthetic://N", no file) holding all its faces, one transaction per identity.
// Opening the gallery at the end rebuilds and saves the index from the catalog, as the server
// would on start.
//
//   build/facetrace_build_gallery --db /tmp/g100k.db --photos ../shared/datasets/dlib_johns
//                                 --faces 100000
#include <cstdio>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "embed/face_embedder.h"
#include "index/synthetic_embeddings.h"
#include "measure.h"
#include "pipeline/enroll_sources.h"
#include "pipeline/enroller.h"
#include "pipeline/gallery.h"

namespace facetrace::bench {
namespace {

int Run(const std::string& db, const std::string& photos, int64_t faces, uint64_t seed) {
  const auto start = Clock::now();
  int64_t real_faces = 0;
  {
    auto gallery = Gallery::Open(db);
    const EnrollSummary summary = Enroll(*gallery, ItemsFromFolder(photos), EnrollOptions{});
    real_faces = gallery->index().size();
    std::printf("enrolled %zu photos (%zu already present, %zu without a face): %lld faces\n",
                summary.enrolled, summary.already_present, summary.no_face,
                static_cast<long long>(real_faces));
  }
  const int64_t synthetic = std::max<int64_t>(0, faces - real_faces);
  SyntheticOptions options;
  options.faces = synthetic;
  options.seed = seed;
  const SyntheticGallery g = MakeGallery(options);
  // The synthetic faces join the model the real photos were enrolled with.
  const std::string model_id = Gallery::Open(db)->model().model_id;
  auto catalog = Catalog::Open(db);
  size_t row = 0;
  int64_t identities = 0;
  while (row < static_cast<size_t>(g.size())) {
    const int64_t identity = g.identities[row];
    const std::string name = fmt::format("synthetic-{}", identity);
    ImageRecord image;
    image.sha256 = fmt::format("synthetic-{}-seed-{}", identity, seed);
    image.path = fmt::format("synthetic://{}", identity);
    image.source = "facetrace_build_gallery";
    image.identity_id = catalog->EnsureIdentity(name, {{"source", "synthetic"}});
    std::vector<FaceRecord> records;
    for (; row < static_cast<size_t>(g.size()) && g.identities[row] == identity; ++row) {
      FaceRecord face;
      face.box = {0, 0, 150, 150};
      face.model_id = model_id;
      face.embedding.assign(g.vectors.begin() + static_cast<long>(row) * g.dim,
                            g.vectors.begin() + static_cast<long>(row + 1) * g.dim);
      records.push_back(std::move(face));
    }
    catalog->AddImage(image, records);
    ++identities;
  }
  catalog.reset();
  auto gallery = Gallery::Open(db);  // rebuilds and saves the index from the catalog
  const CatalogStats stats = gallery->catalog().Stats();
  std::printf(
      "added %lld synthetic faces of %lld identities; gallery: %lld faces, %lld "
      "identities, index %lld (%.1f s)\n",
      static_cast<long long>(g.size()), static_cast<long long>(identities),
      static_cast<long long>(stats.faces), static_cast<long long>(stats.identities),
      static_cast<long long>(gallery->index().size()), SecondsSince(start));
  return 0;
}

}  // namespace
}  // namespace facetrace::bench

int main(int argc, char** argv) {
  CLI::App app{"Build a large gallery: real enrolled photos plus synthetic face-like embeddings"};
  std::string db, photos;
  int64_t faces = 100000;
  uint64_t seed = 1;
  app.add_option("--db", db, "Catalog database to create or extend")->required();
  app.add_option("--photos", photos, "Folder of identity sub-folders to enroll for real")
      ->required()
      ->check(CLI::ExistingDirectory);
  app.add_option("--faces", faces, "Total faces wanted (real + synthetic)")->capture_default_str();
  app.add_option("--seed", seed, "Seed of the synthetic embeddings")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    return facetrace::bench::Run(db, photos, faces, seed);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "facetrace_build_gallery: %s\n", e.what());
    return 1;
  }
}
