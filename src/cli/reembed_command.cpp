// facetrace reembed --db DB --embedder SPEC — move a catalog to another recognition model.
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "pipeline/reembedder.h"

namespace facetrace::cli {

namespace {

struct ReembedArgs {
  CommonOptions common;
  std::string db;
  bool allow_incomplete = false;
};

int RunReembed(const ReembedArgs& args) {
  ProgressBar progress("reembed");
  ReembedOptions options;
  options.threads = args.common.threads;
  options.pipeline = args.common.ToPipelineOptions();
  options.allow_incomplete = args.allow_incomplete;
  options.on_progress = [&](size_t done, size_t total) { progress.Update(done, total); };
  options.on_image = [&](const ImageRecord& image, ReembedStatus status, const std::string& error) {
    if (error.empty()) return;
    progress.Clear();
    std::fprintf(stderr, "%s: %s: %s\n", image.path.c_str(), ReembedStatusName(status),
                 error.c_str());
  };
  const ReembedSummary s = Reembed(args.db, options);
  progress.Clear();
  std::cout << fmt::format(
      "{} -> {}: {} photo(s) re-embedded, {} already done, {} missing, {} changed, {} without "
      "the face, {} failed ({:.1f} s)\n",
      s.from_model, s.to_model, s.reembedded, s.already_done, s.missing, s.changed, s.no_face,
      s.failed, s.seconds);
  if (s.switched) {
    std::cout << fmt::format("active model: {} ({} faces indexed)\n", s.to_model, s.index_faces);
  } else {
    std::cout << fmt::format(
        "active model stays {}: {} photo(s) could not be re-embedded. Restore them and run "
        "again to finish (it resumes), or pass --allow-incomplete to switch without them.\n",
        s.from_model, s.incomplete());
  }
  return s.incomplete() > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace

void RegisterReembed(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<ReembedArgs>();
  CLI::App* cmd = app.add_subcommand(
      "reembed",
      "Re-compute every gallery photo's embedding with another model (--embedder, flip and "
      "jitter options), then make it the model search uses. Resumable and idempotent; the old "
      "embeddings are kept.");
  cmd->add_option("--db", args->db, "Catalog database file")->required()->check(CLI::ExistingFile);
  cmd->add_flag("--allow-incomplete", args->allow_incomplete,
                "Switch to the new model even if some photos are missing or unreadable");
  AddPipelineOptions(*cmd, args->common);
  cmd->callback([args, &action] { action = [args] { return RunReembed(*args); }; });
}

}  // namespace facetrace::cli
