// facetrace stats --db DB [--json]
#include <iostream>

#include <fmt/format.h>

#include "cli/app.h"
#include "cli/commands.h"
#include "pipeline/gallery.h"
#include "pipeline/result_json.h"

namespace facetrace::cli {

namespace {

struct StatsArgs {
  std::string db;
  bool json = false;
};

int RunStats(const StatsArgs& args) {
  const auto gallery = Gallery::Open(args.db);
  const CatalogStats stats = gallery->catalog().Stats();
  nlohmann::json models = nlohmann::json::array();
  for (const ModelRecord& m : gallery->catalog().ListModels()) {
    models.push_back(
        {{"model_id", m.model_id}, {"dim", m.dim}, {"faces", m.faces}, {"active", m.active}});
  }
  const nlohmann::json out = {{"identities", stats.identities},
                              {"images", stats.images},
                              {"faces", stats.faces},
                              {"indexed_faces", gallery->index().size()},
                              {"schema_version", stats.schema_version},
                              {"generation", stats.generation},
                              {"index_rebuilt", gallery->index_was_rebuilt()},
                              {"models", models}};
  if (args.json) {
    std::cout << JsonLine(out) << "\n";
    return kExitOk;
  }
  std::cout << fmt::format(
      "identities      {}\nimages          {}\nfaces           {}\nindexed faces   {}\n"
      "schema version  {}\ngeneration      {}\n",
      stats.identities, stats.images, stats.faces, gallery->index().size(), stats.schema_version,
      stats.generation);
  for (const auto& m : models) {
    std::cout << fmt::format("model           {} ({}-D, {} faces){}\n",
                             m["model_id"].get<std::string>(), m["dim"].get<int>(),
                             m["faces"].get<int64_t>(), m["active"].get<bool>() ? ", active" : "");
  }
  return kExitOk;
}

}  // namespace

void RegisterStats(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<StatsArgs>();
  CLI::App* cmd = app.add_subcommand("stats", "Counts of identities, images and faces");
  cmd->add_option("--db", args->db, "Catalog database file")->required()->check(CLI::ExistingFile);
  cmd->add_flag("--json", args->json, "JSON output");
  cmd->callback([args, &action] { action = [args] { return RunStats(*args); }; });
}

}  // namespace facetrace::cli
