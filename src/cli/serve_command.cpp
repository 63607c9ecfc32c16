// facetrace serve --db DB [--port P] [--host H] [--threads N] [limits...]
#include <pthread.h>
#include <signal.h>

#include <cstdio>

#include <fmt/format.h>

#include "cli/app.h"
#include "cli/commands.h"
#include "pipeline/compute_threads.h"
#include "server/api_server.h"

namespace facetrace::cli {

namespace {

struct ServeArgs {
  CommonOptions common;
  DecisionOptions decision;  // --calibration and --rank-by; requests choose their rate
  std::string db;
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 4;
  double max_upload_mb = 20;
  double max_pixels = 40e6;
  int rate_limit = 0;
  int retention_days = 0;
};

int RunServe(const ServeArgs& args) {
  ServerOptions options;
  options.gallery.db = args.db;
  options.gallery.pipeline = args.common.ToPipelineOptions();
  options.gallery.pipeline.load_options.max_pixels = static_cast<int64_t>(args.max_pixels);
  options.gallery.pipeline.load_options.max_file_bytes =
      static_cast<int64_t>(args.max_upload_mb * (1 << 20));
  options.gallery.calibration = args.decision.calibration;
  options.gallery.rank_by = args.decision.RankBy();
  options.host = args.host;
  options.port = args.port;
  options.threads = args.threads;
  options.max_upload_bytes = static_cast<int64_t>(args.max_upload_mb * (1 << 20));
  options.rate_limit_per_minute = args.rate_limit;
  options.retention_days = args.retention_days;

  // SIGINT/SIGTERM are taken by sigwait below, never by a worker thread: block them before
  // any thread starts (threads inherit the mask), then stop cleanly (the index is saved).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // One pipeline per HTTP worker: the libraries' own pools would only fight them.
  const ComputeThreadsScope compute_threads(args.threads);
  ApiServer server(options);
  const int port = server.Start();
  std::fprintf(stderr, "facetrace: serving %s on http://%s:%d/ (%d threads; Ctrl-C stops)\n",
               args.db.c_str(), args.host.c_str(), port, args.threads);
  int received = 0;
  sigwait(&signals, &received);
  std::fprintf(stderr, "facetrace: stopping\n");
  server.Stop();
  return kExitOk;
}

}  // namespace

void RegisterServe(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd =
      app.add_subcommand("serve", "Run the analyst service: REST API (docs/API.md) and browser UI");
  cmd->add_option("--db", args->db, "Catalog database file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--host", args->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", args->port, "Port (0: any free port, printed at start)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "HTTP worker threads (concurrent requests)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--max-upload-mb", args->max_upload_mb, "Largest request body (413 above)")
      ->check(CLI::Range(0.001, 1024.0))
      ->capture_default_str();
  cmd->add_option("--max-pixels", args->max_pixels,
                  "Largest image, in pixels, read from the header before decoding (413 above)")
      ->check(CLI::Range(1.0, 1e9))
      ->capture_default_str();
  cmd->add_option("--rate-limit", args->rate_limit,
                  "Requests per minute per token (429 above; 0: unlimited)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--retention-days", args->retention_days,
                  "Delete query photos and non-matching candidates of searches older than this "
                  "(0: keep)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--models", args->common.models, "Folder holding the model files");
  cmd->add_option("--detector", args->common.detector, "Face detector")->capture_default_str();
  cmd->add_option("--min-face", args->common.min_face, "Smallest face side to find, in pixels")
      ->check(CLI::Range(8, 4096))
      ->capture_default_str();
  cmd->add_option("--calibration", args->decision.calibration,
                  "Calibration file of the --rank-by comparison (default: the one shipped with "
                  "the model)");
  AddRankByOption(*cmd, args->decision);
  cmd->callback([args, &action] { action = [args] { return RunServe(*args); }; });
}

}  // namespace facetrace::cli
