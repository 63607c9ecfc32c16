// facetrace enroll --db DB DIR | --manifest FILE.csv
#include <cstdio>

#include <fmt/format.h>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "pipeline/enroller.h"

namespace facetrace::cli {

namespace {

struct EnrollArgs {
  CommonOptions common;
  std::string db;
  std::string folder;
  std::string manifest;
  bool quiet = false;
};

const char* StatusWord(EnrollStatus status) {
  switch (status) {
    case EnrollStatus::kEnrolled:
      return "enrolled";
    case EnrollStatus::kAlreadyPresent:
      return "already present";
    case EnrollStatus::kNoFace:
      return "no face";
    case EnrollStatus::kFailed:
      return "failed";
  }
  return "?";
}

int RunEnroll(const EnrollArgs& args) {
  const std::vector<EnrollItem> items =
      args.manifest.empty() ? ItemsFromFolder(args.folder) : ItemsFromManifest(args.manifest);
  auto gallery = Gallery::Open(args.db, args.common.Embedder());

  ProgressBar progress("enroll");
  EnrollOptions options;
  options.threads = args.common.threads;
  options.pipeline = args.common.ToPipelineOptions();
  options.on_progress = [&](const EnrollProgress& p) { progress.Update(p.done, p.total); };
  options.on_item = [&](const EnrollItem& item, const EnrollOutcome& outcome) {
    if (outcome.status == EnrollStatus::kNoFace || outcome.status == EnrollStatus::kFailed) {
      progress.Clear();
      std::fprintf(stderr, "%s: %s: %s\n", item.image.c_str(), StatusWord(outcome.status),
                   outcome.error.c_str());
    }
  };
  const EnrollSummary summary = Enroll(*gallery, items, options);
  progress.Clear();
  if (!args.quiet) {
    std::fputs(fmt::format("enrolled {} image(s), {} already present, {} without a face, {} failed "
                           "({} unchanged since an earlier enroll and not read again; {} total, "
                           "{:.1f} s, {:.2f} images/s)\n",
                           summary.enrolled, summary.already_present, summary.no_face,
                           summary.failed, summary.unchanged, summary.total(), summary.seconds,
                           summary.seconds > 0 ? summary.total() / summary.seconds : 0.0)
                   .c_str(),
               stderr);
  }
  return summary.no_face + summary.failed > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace

void RegisterEnroll(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<EnrollArgs>();
  CLI::App* cmd = app.add_subcommand(
      "enroll",
      "Add gallery photos: DIR holds one sub-folder per identity (folder name = identity name), "
      "or --manifest FILE.csv with columns identity,image[,source,metadata...]. Idempotent.");
  cmd->add_option("--db", args->db, "Catalog database file (created if absent)")->required();
  auto* folder =
      cmd->add_option("DIR", args->folder, "Gallery folder")->check(CLI::ExistingDirectory);
  auto* manifest =
      cmd->add_option("--manifest", args->manifest, "CSV manifest")->check(CLI::ExistingFile);
  folder->excludes(manifest);
  cmd->add_flag("--quiet", args->quiet, "No summary line");
  AddPipelineOptions(*cmd, args->common);
  cmd->callback([folder, manifest, args, &action] {
    if (folder->count() + manifest->count() != 1) {
      throw CLI::ValidationError("enroll", "give a gallery folder or --manifest");
    }
    action = [args] { return RunEnroll(*args); };
  });
}

}  // namespace facetrace::cli
