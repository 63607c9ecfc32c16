// facetrace index build|info|verify --db DB
//
// build   (re)builds the vector index from the catalog with --factory, the catalog's setting or
//         the size-based choice, and saves it; --factory is remembered as the setting.
// info    what the index is: factory, faces, tombstones, bytes on disk, generation vs catalog.
// verify  checks the index against the catalog: the same faces, each with its stored vector
//         (where the index keeps one), a sample found by exact-match search, and no deleted
//         face returned. Exit 1 with what is wrong otherwise.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <random>
#include <unordered_set>

#include <fmt/format.h>

#include "cli/app.h"
#include "cli/commands.h"
#include "core/error.h"
#include "embed/face_embedder.h"
#include "index/index_spec.h"
#include "pipeline/gallery.h"
#include "pipeline/result_json.h"

namespace facetrace::cli {

namespace {

struct IndexArgs {
  std::string db;
  std::string factory;  // build: empty = the setting, or auto
  int sample = 1000;    // verify: faces searched for themselves
  bool json = false;
};

uint64_t BytesOnDisk(const std::filesystem::path& index_path) {
  uint64_t bytes = 0;
  for (const auto& f : FaceIndex::Files(index_path)) bytes += std::filesystem::file_size(f);
  return bytes;
}

nlohmann::json Info(const Gallery& gallery) {
  const FaceIndex& index = gallery.index();
  const auto saved = FaceIndex::SavedGeneration(gallery.index_path());
  return {{"factory", index.factory()},
          {"configured_factory", gallery.ConfiguredFactory()},
          {"factory_for_rebuild", gallery.FactoryForRebuild()},
          {"faces", index.size()},
          {"tombstones", index.tombstones()},
          {"bytes_on_disk", BytesOnDisk(gallery.index_path())},
          {"index_generation", saved.value_or(-1)},
          {"catalog_generation", gallery.catalog().Generation()},
          {"index_rebuilt", gallery.index_was_rebuilt()}};
}

void Print(const nlohmann::json& info, bool json) {
  if (json) {
    std::cout << JsonLine(info) << "\n";
    return;
  }
  std::cout << fmt::format(
      "factory         {}\nconfigured      {} (a rebuild now uses {})\nfaces           {}\n"
      "tombstones      {}\nbytes on disk   {}\ngeneration      {} (catalog {})\n",
      info["factory"].get<std::string>(), info["configured_factory"].get<std::string>(),
      info["factory_for_rebuild"].get<std::string>(), info["faces"].get<int64_t>(),
      info["tombstones"].get<int64_t>(), info["bytes_on_disk"].get<uint64_t>(),
      info["index_generation"].get<int64_t>(), info["catalog_generation"].get<int64_t>());
}

int RunBuild(const IndexArgs& args) {
  const auto gallery = Gallery::Open(args.db);
  if (!args.factory.empty()) {
    // Checked before it is stored, so a typo never becomes the gallery's setting.
    if (args.factory != "auto") ParseIndexSpec(args.factory);
    gallery->RebuildIndex(args.factory == "auto"
                              ? ChooseFactory(gallery->catalog().CountFaces(gallery->model().model_id))
                              : args.factory);
    gallery->catalog().SetSetting(Gallery::kIndexFactorySetting, args.factory);
  } else {
    gallery->RebuildIndex(gallery->FactoryForRebuild());
  }
  Print(Info(*gallery), args.json);
  return kExitOk;
}

int RunInfo(const IndexArgs& args) {
  Print(Info(*Gallery::Open(args.db)), args.json);
  return kExitOk;
}

// Problems found, each a sentence; the first few are printed.
struct Findings {
  std::vector<std::string> problems;
  int64_t total = 0;
  void Add(std::string problem) {
    ++total;
    if (problems.size() < 10) problems.push_back(std::move(problem));
  }
};

int RunVerify(const IndexArgs& args) {
  // The saved index as it is on disk: opening a gallery would quietly rebuild a stale one.
  const auto catalog = Catalog::Open(args.db);
  const std::filesystem::path path = args.db + ".faiss";
  const auto loaded = FaceIndex::Load(path);
  if (!loaded) {
    std::cerr << "index " << path.string() << " does not exist: run facetrace index build\n";
    return kExitFatal;
  }
  const FaceIndex& index = loaded->index;
  Findings findings;
  if (loaded->generation != catalog->Generation()) {
    findings.Add(fmt::format("index is at generation {} but the catalog at {}: stale",
                             loaded->generation, catalog->Generation()));
  }
  // Every catalog face of the active model is in the index, with its own vector where the
  // index keeps one. (The saved index is checked as it is: opening a Gallery would rebuild it.)
  const auto active = catalog->ActiveModel();
  const std::string model_id = active ? active->model_id : "";
  std::vector<std::pair<int64_t, Embedding>> faces;
  catalog->ForEachFace(model_id, [&](const FaceRecord& face) {
    if (!index.Contains(face.id)) {
      findings.Add(fmt::format("face {} is in the catalog but not in the index", face.id));
      return;
    }
    if (const auto stored = index.StoredVector(face.id)) {
      float worst = 0;
      for (size_t d = 0; d < face.embedding.size(); ++d) {
        worst = std::max(worst, std::abs((*stored)[d] - face.embedding[d]));
      }
      if (worst > 1e-3f) {  // fp16 keeps embeddings to about 1e-4
        findings.Add(
            fmt::format("face {}: the index holds another vector (off by {:.4f})", face.id, worst));
      }
    }
    faces.emplace_back(face.id, face.embedding);
  });
  const auto catalog_faces = catalog->CountFaces(model_id);
  if (index.size() != catalog_faces) {
    findings.Add(
        fmt::format("index holds {} live faces, the catalog {}", index.size(), catalog_faces));
  }
  // A sample searched for itself: each must come back first, and nothing returned may be a
  // face the catalog no longer has (a deletion the index missed).
  std::shuffle(faces.begin(), faces.end(), std::mt19937_64(1));
  faces.resize(std::min(faces.size(), static_cast<size_t>(std::max(args.sample, 0))));
  std::vector<float> queries;
  for (const auto& [id, e] : faces) queries.insert(queries.end(), e.begin(), e.end());
  const auto found = index.Search(queries, 10);
  std::vector<int64_t> returned;
  for (const auto& hits : found) {
    for (const Neighbor& n : hits) returned.push_back(n.id);
  }
  const auto owners = catalog->FaceIdentities(returned);
  std::unordered_set<int64_t> reported;
  for (size_t i = 0; i < faces.size(); ++i) {
    const auto& hits = found[i];
    const bool self = std::any_of(hits.begin(), hits.end(), [&](const Neighbor& n) {
      return n.id == faces[i].first && n.distance < 1e-2f;
    });
    if (!self) {
      findings.Add(
          fmt::format("face {} is not found by searching for its own vector", faces[i].first));
    }
    for (const Neighbor& n : hits) {
      if (!owners.count(n.id) && reported.insert(n.id).second) {
        findings.Add(fmt::format("search returned face {}, which the catalog no longer has", n.id));
      }
    }
  }
  const nlohmann::json out = {{"ok", findings.total == 0},
                              {"faces", catalog_faces},
                              {"searched", faces.size()},
                              {"problems", findings.total},
                              {"first_problems", findings.problems}};
  if (args.json) {
    std::cout << JsonLine(out) << "\n";
  } else if (findings.total == 0) {
    std::cout << fmt::format("ok: {} faces in index and catalog agree ({} found by self-search)\n",
                             catalog_faces, faces.size());
  }
  if (findings.total > 0) {
    std::cerr << fmt::format("index {} does not match the catalog ({} problems):\n", path.string(),
                             findings.total);
    for (const auto& p : findings.problems) std::cerr << "  " << p << "\n";
    std::cerr << "run facetrace index build to rebuild it\n";
    return kExitFatal;
  }
  return kExitOk;
}

}  // namespace

void RegisterIndex(CLI::App& app, CommandAction& action) {
  CLI::App* cmd = app.add_subcommand("index", "Build, describe or check the vector index");
  cmd->require_subcommand(1);
  const auto add = [&](const char* name, const char* help, int (*run)(const IndexArgs&)) {
    auto args = std::make_shared<IndexArgs>();
    CLI::App* sub = cmd->add_subcommand(name, help);
    sub->add_option("--db", args->db, "Catalog database file")
        ->required()
        ->check(CLI::ExistingFile);
    sub->add_flag("--json", args->json, "JSON output");
    sub->callback([args, run, &action] { action = [args, run] { return run(*args); }; });
    return std::make_pair(sub, args);
  };
  auto [build, build_args] =
      add("build", "(Re)build the index from the catalog and save it", RunBuild);
  build->add_option("--factory", build_args->factory,
                    "Index kind: Flat, HNSW32, IVF16384_HNSW32,PQ32,Rerank100, ... or auto "
                    "(by gallery size); remembered for later rebuilds");
  add("info", "Factory, size, tombstones, bytes on disk, generation", RunInfo);
  auto [verify, verify_args] =
      add("verify", "Check the index against the catalog (exit 1 when they differ)", RunVerify);
  verify->add_option("--sample", verify_args->sample, "Faces searched for themselves")
      ->check(CLI::NonNegativeNumber);
}

}  // namespace facetrace::cli
