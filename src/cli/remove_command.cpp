// facetrace remove --db DB --identity NAME
#include <iostream>

#include "cli/app.h"
#include "cli/commands.h"
#include "pipeline/gallery.h"

namespace facetrace::cli {

namespace {

struct RemoveArgs {
  std::string db;
  std::string identity;
};

int RunRemove(const RemoveArgs& args) {
  const auto gallery = Gallery::Open(args.db);
  const int64_t faces = gallery->RemoveIdentity(args.identity);
  std::cout << "removed identity '" << args.identity << "' and " << faces << " face(s)\n";
  return kExitOk;
}

}  // namespace

void RegisterRemove(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<RemoveArgs>();
  CLI::App* cmd = app.add_subcommand("remove", "Delete an identity with all its photos and faces");
  cmd->add_option("--db", args->db, "Catalog database file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--identity", args->identity, "Identity name")->required();
  cmd->callback([args, &action] { action = [args] { return RunRemove(*args); }; });
}

}  // namespace facetrace::cli
