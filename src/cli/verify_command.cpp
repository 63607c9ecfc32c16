// facetrace verify [--json] A B — are the main faces of two photos the same person?
#include <iostream>

#include <fmt/format.h>

#include "cli/app.h"
#include "cli/commands.h"
#include "core/error.h"
#include "embed/face_embedder.h"
#include "pipeline/match_score.h"
#include "pipeline/result_json.h"

namespace facetrace::cli {

namespace {

struct VerifyArgs {
  CommonOptions common;
  std::string a, b;
  bool json = false;
  float threshold = -1;  // --threshold; unset: from the decision policy
  DecisionOptions decision;
};

// The largest face of a photo; throws Error(kNoFace) naming it when there is none.
Face MainFace(FacePipeline& pipeline, const std::string& path) {
  ImageFaces faces = pipeline.ProcessFile(path);
  const int main = MainFaceIndex(faces.faces);
  if (main < 0) throw Error(ErrorCode::kNoFace, "no face found in " + path);
  return std::move(faces.faces[static_cast<size_t>(main)]);
}

int RunVerify(const VerifyArgs& args) {
  FacePipeline pipeline(args.common.ToPipelineOptions());
  Face a, b;
  try {
    a = MainFace(pipeline, args.a);
    b = MainFace(pipeline, args.b);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kModelMissing || e.code() == ErrorCode::kModelInvalid) throw;
    std::cerr << e.what() << "\n";
    if (args.json) {
      std::cout << JsonLine({{"same", nullptr}, {"error", e.what()}}) << "\n";
    }
    return kExitSomeFailed;
  }
  // The calibration always reports the rate; it sets the threshold unless --threshold does.
  const Calibration calibration = args.decision.LoadFor(args.common);
  const float threshold = args.threshold >= 0
                              ? args.threshold
                              : calibration.ThresholdFor(args.decision.max_false_match_rate);
  const float distance = EmbeddingDistance(a.embedding, b.embedding);
  const bool same = distance <= threshold;
  const double false_match_rate = calibration.FalseMatchRate(distance);
  if (args.json) {
    std::cout << JsonLine({{"same", same},
                           {"distance", distance},
                           {"threshold", threshold},
                           {"false_match_rate", false_match_rate},
                           {"score", MatchScore(distance, args.common.Embedder().match_distance)}})
              << "\n";
  } else {
    std::cout << fmt::format(
        "{} (distance {:.3f}, threshold {:.3f}, estimated false-match rate {:.2g})\n",
        same ? "same person (candidate match: needs human review)" : "different people", distance,
        threshold, false_match_rate);
  }
  return kExitOk;
}

}  // namespace

void RegisterVerify(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand("verify", "1:1: compare the main faces of two photos");
  cmd->add_option("A", args->a, "First photo")->required();
  cmd->add_option("B", args->b, "Second photo")->required();
  cmd->add_flag("--json", args->json,
                "Print {\"same\", \"distance\", \"threshold\", \"false_match_rate\", \"score\"}");
  cmd->add_option("--threshold", args->threshold,
                  "Distance at or below which faces match (default: from --max-false-match-rate)")
      ->check(CLI::Range(0.0, 4.0));
  AddDecisionOptions(*cmd, args->decision);
  AddPipelineOptions(*cmd, args->common);
  cmd->callback([args, &action] { action = [args] { return RunVerify(*args); }; });
}

}  // namespace facetrace::cli
