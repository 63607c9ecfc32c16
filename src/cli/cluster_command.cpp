// facetrace cluster PATH... --out DIR [--threshold D] [--method whispers|average] [--min-size N]
// facetrace cluster enroll --out DIR --cluster ID --db DB --identity NAME
// facetrace cluster search --out DIR --cluster ID --db DB [--top-k K] [--json]
//
// Groups the faces of unknown people. Running it again on the same DIR adds the new photos to
// the stored clustering (existing cluster ids stay) and skips photos already processed.
#include <cstdio>
#include <iostream>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "cli/app.h"
#include "cli/commands.h"
#include "cluster/cluster_gallery.h"
#include "cluster/cluster_sheets.h"
#include "cluster/clustering_json.h"
#include "core/error.h"
#include "pipeline/image_batch.h"
#include "pipeline/input_paths.h"
#include "pipeline/match_policy.h"
#include "pipeline/result_json.h"

namespace facetrace::cli {

namespace {

struct ClusterArgs {
  CommonOptions common;
  std::string out;
  std::vector<std::string> inputs;
  std::optional<float> threshold;
  std::optional<double> max_false_match_rate;  // sets the threshold through a calibration
  std::string calibration;
  std::optional<std::string> method;
  std::optional<int> min_size;
  bool json = false;
};

struct ClusterUseArgs {  // enroll and search
  std::string out;
  int cluster = 0;
  std::string db;
  std::string identity;
  int top_k = 5;
  bool json = false;
};

std::filesystem::path ClusteringFile(const std::filesystem::path& out) {
  return out / "clusters.json";
}

std::string AbsolutePath(const std::filesystem::path& path) {
  return std::filesystem::absolute(path).lexically_normal().string();
}

// Stored options, overridden by the ones given on this command line.
ClusterOptions ChooseOptions(const ClusterArgs& args, const std::optional<Clustering>& stored) {
  ClusterOptions options = stored ? stored->options : ClusterOptions{};
  if (args.method) {
    options.method = ParseClusterMethod(*args.method);
    if (!args.threshold) options.threshold = DefaultClusterThreshold(options.method);
  }
  if (args.threshold) options.threshold = *args.threshold;
  if (args.max_false_match_rate) {
    options.threshold =
        LoadCalibration(args.calibration, args.common.models, args.common.Embedder().model_id)
            .ThresholdFor(*args.max_false_match_rate);
  }
  if (args.min_size) options.min_size = *args.min_size;
  return options;
}

// The photos named on the command line that this output folder has not seen yet.
std::vector<std::filesystem::path> NewPhotos(const ClusterArgs& args,
                                             const Clustering& clustering) {
  const auto paths = ExpandImagePaths(args.inputs);
  if (paths.empty()) {
    throw Error(ErrorCode::kNotFound,
                "no photos found in " + fmt::format("{}", fmt::join(args.inputs, ", ")));
  }
  const std::set<std::string> seen(clustering.images.begin(), clustering.images.end());
  std::vector<std::filesystem::path> fresh;
  for (const auto& path : paths)
    if (!seen.count(AbsolutePath(path))) fresh.push_back(path);
  return fresh;
}

void PrintSummary(const Clustering& clustering, const std::filesystem::path& out, bool json) {
  if (json) {
    for (const Cluster& cluster : clustering.clusters) {
      nlohmann::json images = nlohmann::json::array();
      for (const ClusterFace& face : cluster.faces) images.push_back(face.image);
      std::cout << JsonLine({{"cluster", cluster.id},
                             {"size", cluster.faces.size()},
                             {"sheet", (out / ClusterSheetName(cluster.id)).string()},
                             {"images", images}})
                << "\n";
    }
    nlohmann::json images = nlohmann::json::array();
    for (const ClusterFace& face : clustering.outliers) images.push_back(face.image);
    std::cout << JsonLine({{"cluster", nullptr},
                           {"size", clustering.outliers.size()},
                           {"images", images}})
              << "\n";
    return;
  }
  for (const Cluster& cluster : clustering.clusters) {
    std::cout << fmt::format("cluster {:>4}  {:>4} face(s)  {}\n", cluster.id, cluster.faces.size(),
                             (out / ClusterSheetName(cluster.id)).string());
  }
  std::cout << fmt::format("{} cluster(s), {} outlier face(s); clustering in {}\n",
                           clustering.clusters.size(), clustering.outliers.size(),
                           ClusteringFile(out).string());
}

int RunCluster(const ClusterArgs& args) {
  const std::filesystem::path out = args.out;
  std::optional<Clustering> stored;
  if (std::filesystem::exists(ClusteringFile(out))) stored = LoadClustering(ClusteringFile(out));
  Clustering clustering = stored.value_or(Clustering{});
  const EmbedderInfo embedder = args.common.Embedder();
  if (stored && stored->model.model_id != embedder.model_id) {
    throw Error(
        ErrorCode::kInvalidArgument,
        fmt::format("{} was clustered with model '{}'; this run embeds with '{}': use "
                    "the same --embedder and flip/jitter options, or another --out",
                    ClusteringFile(out).string(), stored->model.model_id, embedder.model_id));
  }
  clustering.model = embedder;
  const ClusterOptions options = ChooseOptions(args, stored);
  const auto photos = NewPhotos(args, clustering);

  std::vector<ClusterFace> faces;
  size_t failed = 0;
  BatchOptions batch;
  batch.threads = args.common.threads;
  batch.pipeline = args.common.ToPipelineOptions();
  ProcessImages(photos, batch, [&](ImageResult&& result) {
    if (!result.ok()) {
      ++failed;
      std::fprintf(stderr, "%s\n", result.error.c_str());
      return;  // not recorded as seen: a later run retries it
    }
    const std::string image = AbsolutePath(result.path);
    clustering.images.push_back(image);
    for (Face& face : result.faces) {
      faces.push_back({image, result.width, result.height, face.detection.box, face.quality,
                       std::move(face.embedding)});
    }
  });
  AddFaces(clustering, std::move(faces), options);
  if (clustering.clusters.empty() && clustering.outliers.empty()) {
    throw Error(ErrorCode::kNoFace,
                fmt::format("no face found in the {} photo(s) given", photos.size()));
  }
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) throw Error(ErrorCode::kIo, "cannot create " + out.string() + ": " + ec.message());
  SaveClustering(clustering, ClusteringFile(out));
  WriteClusterSheets(clustering, out, batch.pipeline.load_options);
  PrintSummary(clustering, out, args.json);
  return failed > 0 ? kExitSomeFailed : kExitOk;
}

int RunClusterEnroll(const ClusterUseArgs& args) {
  const Clustering clustering = LoadClustering(ClusteringFile(args.out));
  const Cluster& cluster = FindCluster(clustering, args.cluster);
  const auto gallery = Gallery::Open(args.db, clustering.model);
  const std::string source =
      fmt::format("facetrace cluster {} #{}", AbsolutePath(args.out), args.cluster);
  const ClusterEnrollResult result = EnrollCluster(*gallery, cluster, args.identity, source);
  std::cout << fmt::format("enrolled cluster {} as '{}': {} photo(s) added, {} already present\n",
                           args.cluster, args.identity, result.images_added,
                           result.images_already_present);
  return kExitOk;
}

int RunClusterSearch(const ClusterUseArgs& args) {
  const Clustering clustering = LoadClustering(ClusteringFile(args.out));
  const Cluster& cluster = FindCluster(clustering, args.cluster);
  const auto gallery = Gallery::Open(args.db, clustering.model);
  const auto candidates = SearchCluster(*gallery, cluster, args.top_k);
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const Candidate& c : candidates) list.push_back(CandidateToJson(c));
    std::cout << JsonLine({{"cluster", cluster.id},
                           {"size", cluster.faces.size()},
                           {"candidates", list}})
              << "\n";
    return kExitOk;
  }
  std::cout << fmt::format("cluster {} ({} faces, fused template)\n", cluster.id,
                           cluster.faces.size());
  if (candidates.empty()) std::cout << "    (gallery is empty)\n";
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& c = candidates[i];
    std::cout << fmt::format("    {:>2}. {:<28} distance {:.3f}  score {:.3f}  {}\n", i + 1,
                             c.identity, c.distance, c.score, c.gallery_image);
  }
  return kExitOk;
}

void AddUseOptions(CLI::App& cmd, ClusterUseArgs& args) {
  cmd.add_option("--out", args.out, "Output folder of an earlier `facetrace cluster`")->required();
  cmd.add_option("--cluster", args.cluster, "Cluster id")->required();
  cmd.add_option("--db", args.db, "Catalog database file")->required();
}

}  // namespace

void RegisterCluster(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<ClusterArgs>();
  CLI::App* cmd = app.add_subcommand(
      "cluster", "Group the faces of unknown people (photos or folders) into clusters");
  // Not ->required(): `cluster enroll` and `cluster search` take their own --out.
  cmd->add_option("--out", args->out, "Output folder (clusters.json, contact sheets)");
  CLI::Option* threshold =
      cmd->add_option("--threshold", args->threshold,
                      "Distance threshold (default: 0.52 for whispers and average)")
          ->check(CLI::Range(0.01, 2.0));
  cmd->add_option("--max-false-match-rate", args->max_false_match_rate,
                  "Set the threshold from a false-match rate per comparison, through the "
                  "calibration (0.52 is about 3.7e-3 with the shipped one)")
      ->check(CLI::Range(1e-9, 1.0))
      ->excludes(threshold);
  cmd->add_option("--calibration", args->calibration,
                  "Calibration file for --max-false-match-rate (default: the shipped one)");
  cmd->add_option("--method", args->method, "whispers (default) or average")
      ->check(CLI::IsMember({"whispers", "average"}));
  cmd->add_option("--min-size", args->min_size, "Smaller groups go to the outliers (default 2)")
      ->check(CLI::Range(1, 100000));
  cmd->add_flag("--json", args->json, "One JSON object per cluster per line");
  cmd->add_option("PATH", args->inputs, "Photos or folders");
  AddPipelineOptions(*cmd, args->common);
  cmd->callback([args, cmd, &action] {
    if (!cmd->get_subcommands().empty()) return;  // enroll / search set their own action
    if (args->out.empty()) throw CLI::RequiredError("--out");
    if (args->inputs.empty()) throw CLI::RequiredError("PATH");
    action = [args] { return RunCluster(*args); };
  });

  auto enroll = std::make_shared<ClusterUseArgs>();
  CLI::App* enroll_cmd = cmd->add_subcommand("enroll", "Enroll a cluster as a new identity");
  AddUseOptions(*enroll_cmd, *enroll);
  enroll_cmd->add_option("--identity", enroll->identity, "Name of the new identity")->required();
  enroll_cmd->callback(
      [enroll, &action] { action = [enroll] { return RunClusterEnroll(*enroll); }; });

  auto search = std::make_shared<ClusterUseArgs>();
  CLI::App* search_cmd =
      cmd->add_subcommand("search", "Search the gallery with a cluster's fused template");
  AddUseOptions(*search_cmd, *search);
  search_cmd->add_option("--top-k", search->top_k, "Candidates")->check(CLI::Range(1, 1000));
  search_cmd->add_flag("--json", search->json, "One JSON object");
  search_cmd->callback(
      [search, &action] { action = [search] { return RunClusterSearch(*search); }; });
}

}  // namespace facetrace::cli
