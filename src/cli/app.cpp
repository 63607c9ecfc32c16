#include "cli/app.h"

#include <cstdio>
#include <exception>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "core/error.h"

namespace facetrace::cli {

int Run(int argc, char** argv) {
  CLI::App app{
      "facetrace: find who is in a photo by searching a gallery of known identities.\n"
      "Results are candidates for a human reviewer, never verdicts."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "facetrace 0.1.0");
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  CommandAction action;
  RegisterEnroll(app, action);
  RegisterIdentify(app, action);
  RegisterVerify(app, action);
  RegisterEmbed(app, action);
  RegisterDetect(app, action);
  RegisterRemove(app, action);
  RegisterStats(app, action);
  RegisterEval(app, action);
  RegisterCalibrate(app, action);
  RegisterCluster(app, action);
  RegisterVideo(app, action);
  RegisterReembed(app, action);
  RegisterServe(app, action);
  RegisterUser(app, action);
  RegisterAudit(app, action);
  RegisterIndex(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? kExitOk : kExitFatal;
  }
  // stdout carries results (JSON lines, tables); logs go to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("facetrace"));
  spdlog::set_level(spdlog::level::from_str(log_level));
  try {
    return action();
  } catch (const Error& e) {
    std::fprintf(stderr, "facetrace: error: %s\n", e.what());
    return kExitFatal;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "facetrace: internal error: %s\n", e.what());
    return kExitFatal;
  }
}

}  // namespace facetrace::cli
