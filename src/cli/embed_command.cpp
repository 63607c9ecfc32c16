// facetrace embed --json PATH... — faces with their embeddings (the model's dim floats each).
#include <cstdio>
#include <iostream>

#include "cli/app.h"
#include "cli/commands.h"
#include "pipeline/image_batch.h"
#include "pipeline/input_paths.h"
#include "pipeline/result_json.h"

namespace facetrace::cli {

namespace {

struct EmbedArgs {
  CommonOptions common;
  bool json = true;
  std::vector<std::string> inputs;
};

int RunEmbed(const EmbedArgs& args) {
  size_t failed = 0;
  const BatchOptions options = args.common.ToBatchOptions();
  ProcessImages(ExpandImagePaths(args.inputs), options, [&](ImageResult&& result) {
    if (!result.ok()) {
      ++failed;
      std::fprintf(stderr, "%s\n", result.error.c_str());
    }
    std::cout << JsonLine(EmbedResultToJson(result)) << "\n" << std::flush;
  });
  return failed > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace

void RegisterEmbed(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<EmbedArgs>();
  CLI::App* cmd =
      app.add_subcommand("embed", "Detect faces and print their embeddings as JSON lines");
  cmd->add_flag("--json", args->json, "JSON lines output (the only format)");
  cmd->add_option("PATH", args->inputs, "Photos or folders")->required();
  AddPipelineOptions(*cmd, args->common);
  cmd->callback([args, &action] { action = [args] { return RunEmbed(*args); }; });
}

}  // namespace facetrace::cli
