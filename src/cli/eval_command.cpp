// facetrace eval verify|identify|pairs — accuracy on labelled data, as LFW and NIST measure it.
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/labelled_input.h"
#include "cli/progress_bar.h"
#include "core/atomic_file.h"
#include "eval/identification_protocol.h"
#include "eval/verification_protocol.h"

namespace facetrace::cli {

namespace {

struct ReportOptions {
  std::string report;  // --report FILE.json
  std::string plots;   // --plots DIR
};

void AddReportOptions(CLI::App& cmd, ReportOptions& options) {
  cmd.add_option("--report", options.report, "Write the full report as JSON to this file");
  cmd.add_option("--plots", options.plots, "Write the charts (SVG) into this folder");
}

void WriteReport(const ReportOptions& options, const nlohmann::json& report) {
  if (!options.report.empty()) WriteTextFileAtomically(options.report, report.dump(2) + "\n");
}

std::string Rate(const nlohmann::json& value) {
  return value.is_null() ? "n/a" : fmt::format("{:.4f}", value.get<double>());
}

struct VerifyEvalArgs {
  CommonOptions common;
  ReportOptions output;
  std::string pairs;
  std::string root;
};

int RunEvalVerify(const VerifyEvalArgs& args) {
  const auto pairs = ReadLfwPairs(args.pairs);
  ProgressBar bar("embedding");
  const PairsEvaluation e =
      EvaluatePairs(pairs, args.root, args.common.ToBatchOptions(),
                    [&](size_t done, size_t total) { bar.Update(done, total); });
  bar.Clear();
  const nlohmann::json& r = e.report;
  std::cout << fmt::format(
      "pairs: {} ({} genuine, {} impostor, {} without a face)\n"
      "accuracy ({}-fold): {:.4f} +- {:.4f}\n"
      "TAR at FAR 1e-2: {}\nTAR at FAR 1e-3: {}\nEER: {:.4f} (at distance {:.3f})\n",
      pairs.size(), e.metrics.genuine_pairs, e.metrics.impostor_pairs, e.pairs_without_face,
      e.metrics.folds, e.metrics.accuracy_mean, e.metrics.accuracy_std, Rate(r["tar_at_far_1e-2"]),
      Rate(r["tar_at_far_1e-3"]), e.metrics.eer, e.metrics.eer_threshold);
  WriteReport(args.output, r);
  if (!args.output.plots.empty()) WriteVerificationCharts(e.metrics, args.output.plots);
  for (const auto& error : r["unreadable_images"]) {
    std::cerr << error.get<std::string>() << "\n";
  }
  if (e.metrics.folds == 1) {
    std::cerr << "note: one fold: the accuracy threshold was tuned on the pairs it is scored on\n";
  }
  return r["unreadable_images"].empty() ? kExitOk : kExitSomeFailed;
}

struct IdentifyEvalArgs {
  CommonOptions common;
  ReportOptions output;
  std::vector<std::string> dirs;
  IdentificationOptions protocol;
  std::string template_mode = "best";
};

void PrintIdentification(const nlohmann::json& r) {
  const auto& closed = r["closed_set"];
  std::cout << fmt::format(
      "closed set: {} probes ({} without a face)\n  rank-1 {}  rank-5 {}  rank-10 {}\n",
      closed["probes"].get<int>(), closed["probes_without_face"].get<int>(), Rate(closed["rank1"]),
      Rate(closed["rank5"]), Rate(closed["rank10"]));
  for (const auto& [label, t] : closed["by_subset"].items()) {
    std::cout << fmt::format("  {:<28} rank-1 {:.4f} ({} probes)\n", label,
                             t["rank1"].get<double>(), t["probes"].get<int>());
  }
  const auto& open = r["open_set"];
  std::cout << fmt::format(
      "open set: {} identities enrolled, {} held out; {} mated, {} non-mated probes\n",
      open["enrolled_identities"].get<int>(), open["held_out_identities"].get<int>(),
      open["mated_probes"].get<int>(), open["non_mated_probes"].get<int>());
  for (const auto& [fpir, point] : open["dir_at_fpir"].items()) {
    std::cout << (point.is_null()
                      ? fmt::format("  DIR at FPIR {}: n/a (too few non-mated probes)\n", fpir)
                      : fmt::format("  DIR at FPIR {}: {:.4f} (distance {:.3f})\n", fpir,
                                    point["dir"].get<double>(), point["threshold"].get<double>()));
  }
}

int RunEvalIdentify(IdentifyEvalArgs args) {
  args.protocol.mode = ParseTemplateMode(args.template_mode);
  const auto sets = EmbedLabelledFolders(args.dirs, args.common);
  IdentificationResult result = EvaluateIdentification(sets, args.protocol);
  nlohmann::json names = nlohmann::json::array();
  for (const LabelledSet& s : sets) names.push_back(s.name);
  result.report["sets"] = names;
  result.report["flip_fusion"] = args.common.flip_fusion;
  result.report["model"] = args.common.Embedder().model_id;
  PrintIdentification(result.report);
  WriteReport(args.output, result.report);
  if (!args.output.plots.empty()) WriteIdentificationCharts(result, args.output.plots);
  return kExitOk;
}

struct PairsArgs {
  std::string dir, out;
  int folds = 10, per_fold = 300;
  unsigned seed = 1;
};

void RegisterEvalVerify(CLI::App& eval, CommandAction& action) {
  auto args = std::make_shared<VerifyEvalArgs>();
  CLI::App* cmd = eval.add_subcommand("verify", "1:1 accuracy over an LFW-format pairs file");
  cmd->add_option("--pairs", args->pairs, "pairs.txt (LFW format)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--root", args->root, "Folder the pairs' names are sub-folders of")
      ->required()
      ->check(CLI::ExistingDirectory);
  AddReportOptions(*cmd, args->output);
  AddPipelineOptions(*cmd, args->common);
  cmd->callback([args, &action] { action = [args] { return RunEvalVerify(*args); }; });
}

void RegisterEvalIdentify(CLI::App& eval, CommandAction& action) {
  auto args = std::make_shared<IdentifyEvalArgs>();
  CLI::App* cmd = eval.add_subcommand(
      "identify",
      "1:N accuracy, closed set (CMC) and open set (DIR at FPIR), over labelled folders");
  cmd->add_option("DIR", args->dirs, "Folders of labelled photos, one sub-folder per identity")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--holdout", args->protocol.holdout, "Fraction of identities held out (open set)")
      ->check(CLI::Range(0.0, 0.95))
      ->capture_default_str();
  cmd->add_option("--max-rank", args->protocol.max_rank, "Longest rank of the CMC curve")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--template", args->template_mode, "Identity template: best, mean, quality-mean")
      ->check(CLI::IsMember({"best", "mean", "quality-mean"}))
      ->capture_default_str();
  AddReportOptions(*cmd, args->output);
  AddPipelineOptions(*cmd, args->common);
  cmd->callback([args, &action] { action = [args] { return RunEvalIdentify(*args); }; });
}

void RegisterEvalPairs(CLI::App& eval, CommandAction& action) {
  auto args = std::make_shared<PairsArgs>();
  CLI::App* cmd = eval.add_subcommand(
      "pairs", "Draw an LFW-format pairs file from a folder of labelled photos");
  cmd->add_option("DIR", args->dir, "Folder with one sub-folder per identity")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--out", args->out, "pairs.txt to write")->required();
  cmd->add_option("--folds", args->folds, "Folds")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option("--per-fold", args->per_fold, "Genuine (and impostor) pairs per fold")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Random seed")->capture_default_str();
  cmd->callback([args, &action] {
    action = [args] {
      WriteLfwPairs(args->dir, args->folds, args->per_fold, args->seed, args->out);
      std::cout << "written: " << args->out << "\n";
      return kExitOk;
    };
  });
}

}  // namespace

void RegisterEval(CLI::App& app, CommandAction& action) {
  CLI::App* eval = app.add_subcommand("eval", "Measure accuracy on labelled photos");
  eval->require_subcommand(1);
  RegisterEvalVerify(*eval, action);
  RegisterEvalIdentify(*eval, action);
  RegisterEvalPairs(*eval, action);
}

}  // namespace facetrace::cli
