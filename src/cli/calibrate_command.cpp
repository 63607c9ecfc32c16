// facetrace calibrate DIR... [--rank-by photo|template] --out FILE — what distances mean on the
// user's own labelled photos.
#include <iostream>

#include <fmt/format.h>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/labelled_input.h"
#include "eval/calibration_fit.h"

namespace facetrace::cli {

namespace {

struct CalibrateArgs {
  CommonOptions common;
  std::vector<std::string> dirs;
  std::string out;
  DecisionOptions decision;  // --rank-by: which comparison to calibrate
};

constexpr double kReportedRates[] = {1e-1, 1e-2, 1e-3, 1e-4, 1e-5};

void PrintSummary(const Calibration& c) {
  const CalibrationProvenance& p = c.provenance();
  std::cout << fmt::format(
      "calibrated {} distances on {} photos of {} identities: {} genuine and {} impostor "
      "pairs\n",
      ComparisonName(p.comparison), p.images, p.identities, p.genuine_pairs, p.impostor_pairs);
  std::cout << "  false-match rate  threshold  false-non-match rate\n";
  for (const double rate : kReportedRates) {
    if (rate < c.ResolvableRate()) {
      std::cout << fmt::format("  {:<16g}  (needs more than {} impostor pairs)\n", rate,
                               p.impostor_pairs);
      continue;
    }
    const float t = c.ThresholdFor(rate);
    std::cout << fmt::format("  {:<16g}  {:<9.3f}  {:.4f}\n", rate, t, c.FalseNonMatchRate(t));
  }
}

void PrintHeldOutChecks(const std::vector<LabelledSet>& sets, Comparison comparison) {
  const auto checks = CheckCalibrationOnHeldOutSets(sets, {1e-2, 1e-3}, comparison);
  if (checks.empty()) return;
  std::cout << "held-out check (fitted on the other folders, measured on this one):\n";
  for (const HeldOutCheck& h : checks) {
    std::cout << fmt::format(
        "  {:<20} target {:<6g} threshold {:.3f}  observed {:.2g} ({} pairs)\n", h.set,
        h.target_rate, h.threshold, h.observed_rate, h.impostor_pairs);
  }
}

int RunCalibrate(const CalibrateArgs& args) {
  const auto sets = EmbedLabelledFolders(args.dirs, args.common);
  const Comparison comparison = args.decision.RankBy();
  const Calibration calibration = FitCalibration(sets, args.common.Embedder().model_id, comparison);
  PrintSummary(calibration);
  PrintHeldOutChecks(sets, comparison);
  calibration.Save(args.out);
  std::cout << "written: " << args.out << "\n";
  return kExitOk;
}

}  // namespace

void RegisterCalibrate(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<CalibrateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "calibrate",
      "Measure what distances mean on labelled photos (DIR/<identity>/<photo>) and write a "
      "calibration for --calibration");
  cmd->add_option("DIR", args->dirs, "Folders of labelled photos, one sub-folder per identity")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--out", args->out, "Calibration file to write (JSON)")->required();
  AddPipelineOptions(*cmd, args->common);
  AddRankByOption(*cmd, args->decision);
  cmd->callback([args, &action] { action = [args] { return RunCalibrate(*args); }; });
}

}  // namespace facetrace::cli
