// facetrace detect PATH... [--draw OUT.jpg] — faces, boxes, landmarks and quality, no search.
#include <cstdio>
#include <iostream>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>

#include "cli/app.h"
#include "cli/commands.h"
#include "core/error.h"
#include "pipeline/input_paths.h"
#include "pipeline/result_json.h"
#include "render/face_overlay.h"

namespace facetrace::cli {

namespace {

struct DetectArgs {
  CommonOptions common;
  std::vector<std::string> inputs;
  std::string draw;
};

void WriteOverlay(const ImageFaces& faces, const std::string& out) {
  std::vector<std::string> labels;
  for (const Face& f : faces.faces) labels.push_back(fmt::format("{:.2f}", f.quality));
  const cv::Mat canvas = DrawFaces(faces.image.bgr, faces.faces, labels);
  bool written = false;
  try {
    written = cv::imwrite(out, canvas);
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::kIo, "cannot write " + out + ": " + e.what());
  }
  if (!written)
    throw Error(ErrorCode::kIo, "cannot write " + out + " (unknown extension or unwritable)");
}

int RunDetect(const DetectArgs& args) {
  const auto paths = ExpandImagePaths(args.inputs);
  if (!args.draw.empty() && paths.size() != 1) {
    throw Error(ErrorCode::kInvalidArgument, "--draw takes exactly one input photo");
  }
  FacePipeline pipeline(args.common.ToPipelineOptions());
  size_t failed = 0;
  for (const auto& path : paths) {
    ImageResult result;
    result.path = path;
    try {
      ImageFaces faces = pipeline.ProcessFile(path);
      if (!args.draw.empty()) WriteOverlay(faces, args.draw);
      result.width = faces.image.bgr.cols;
      result.height = faces.image.bgr.rows;
      result.faces = std::move(faces.faces);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kModelMissing) throw;
      result.error_code = e.code();
      result.error = e.what();
      ++failed;
      std::fprintf(stderr, "%s\n", e.what());
    }
    std::cout << JsonLine(DetectResultToJson(result)) << "\n";
  }
  return failed > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace

void RegisterDetect(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<DetectArgs>();
  CLI::App* cmd =
      app.add_subcommand("detect", "Find faces (box, landmarks, quality) without searching");
  cmd->add_option("PATH", args->inputs, "Photos or folders")->required();
  cmd->add_option("--draw", args->draw, "Write the photo with faces outlined to this file");
  AddPipelineOptions(*cmd, args->common);
  cmd->callback([args, &action] { action = [args] { return RunDetect(*args); }; });
}

}  // namespace facetrace::cli
