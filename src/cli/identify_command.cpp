// facetrace identify --db DB [--top-k K] [--rank-by photo|template] [--json] PATH...
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "cli/app.h"
#include "cli/candidate_table.h"
#include "cli/commands.h"
#include "pipeline/image_batch.h"
#include "pipeline/input_paths.h"
#include "pipeline/result_json.h"

namespace facetrace::cli {

namespace {

struct IdentifyArgs {
  CommonOptions common;
  std::string db;
  int top_k = 5;
  bool json = false;
  std::vector<std::string> inputs;
  DecisionOptions decision;
};

void PrintTable(const ImageResult& result, const std::vector<std::vector<Candidate>>& candidates) {
  if (!result.ok()) {
    std::cout << result.path.string() << "\n  error: " << result.error << "\n";
    return;
  }
  std::cout << result.path.string() << ": " << result.faces.size() << " face(s)\n";
  for (size_t f = 0; f < result.faces.size(); ++f) {
    const Face& face = result.faces[f];
    const Box& b = face.detection.box;
    std::cout << fmt::format("  face {}  box {:.0f},{:.0f} {:.0f}x{:.0f}  quality {:.2f}\n", f + 1,
                             b.x, b.y, b.width, b.height, face.quality);
    PrintCandidates(candidates[f]);
  }
}

int RunIdentify(const IdentifyArgs& args) {
  const MatchPolicy policy = args.decision.ToPolicy(args.common);
  const auto gallery =
      Gallery::Open(args.db, args.common.Embedder(), {.rank_by = args.decision.RankBy()});
  const auto paths = ExpandImagePaths(args.inputs);
  size_t failed = 0;
  const BatchOptions options = args.common.ToBatchOptions();
  ProcessImages(paths, options, [&](ImageResult&& result) {
    if (!result.ok()) {
      ++failed;
      std::fprintf(stderr, "%s\n", result.error.c_str());
    }
    // All faces of the image in one index call (a crowd photo is a batch).
    std::vector<Embedding> probes;
    for (const Face& face : result.faces) probes.push_back(face.embedding);
    auto candidates = gallery->Search(probes, args.top_k);
    for (auto& face_candidates : candidates) policy.Apply(face_candidates);
    if (!args.json) {
      PrintTable(result, candidates);
      return;
    }
    std::cout << JsonLine(IdentifyResultToJson(result, candidates)) << "\n" << std::flush;
  });
  return failed > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace

void RegisterIdentify(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<IdentifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "identify", "Search the gallery for every face in the given photos (files or folders)");
  cmd->add_option("--db", args->db, "Catalog database file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--top-k", args->top_k, "Candidates per face")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "One JSON object per input image per line");
  cmd->add_option("PATH", args->inputs, "Photos or folders")->required();
  AddPipelineOptions(*cmd, args->common);
  AddDecisionOptions(*cmd, args->decision);
  AddRankByOption(*cmd, args->decision);
  cmd->callback([args, &action] { action = [args] { return RunIdentify(*args); }; });
}

}  // namespace facetrace::cli
