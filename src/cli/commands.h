// Registration of each sub-command; one file per command (cli/<name>_command.cpp).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/common_options.h"

namespace facetrace::cli {

// Each adds its sub-command to `app` and sets `action` when that sub-command is chosen.
void RegisterEnroll(CLI::App& app, CommandAction& action);
void RegisterIdentify(CLI::App& app, CommandAction& action);
void RegisterVerify(CLI::App& app, CommandAction& action);
void RegisterEmbed(CLI::App& app, CommandAction& action);
void RegisterDetect(CLI::App& app, CommandAction& action);
void RegisterRemove(CLI::App& app, CommandAction& action);
void RegisterStats(CLI::App& app, CommandAction& action);
void RegisterEval(CLI::App& app, CommandAction& action);
void RegisterCalibrate(CLI::App& app, CommandAction& action);
void RegisterCluster(CLI::App& app, CommandAction& action);
void RegisterVideo(CLI::App& app, CommandAction& action);
void RegisterReembed(CLI::App& app, CommandAction& action);
void RegisterServe(CLI::App& app, CommandAction& action);
void RegisterUser(CLI::App& app, CommandAction& action);
void RegisterAudit(CLI::App& app, CommandAction& action);
void RegisterIndex(CLI::App& app, CommandAction& action);

}  // namespace facetrace::cli
