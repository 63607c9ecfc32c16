// facetrace video FILE... --db DB — who is in this footage? One answer per person on screen
// (per track), not per frame.
#include <cstdio>
#include <iostream>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>

#include "cli/app.h"
#include "cli/candidate_table.h"
#include "cli/commands.h"
#include "core/error.h"
#include "pipeline/result_json.h"
#include "render/contact_sheet.h"
#include "video/face_tracker.h"
#include "video/video_reader.h"

namespace facetrace::cli {

namespace {

struct VideoArgs {
  CommonOptions common;
  DecisionOptions decision;
  std::string db;
  std::vector<std::string> videos;
  double fps = 5;
  int top_k = 5;
  int min_track_frames = 2;
  std::string contact_sheet;
  bool json = false;
};

struct TrackResult {
  Track track;
  std::vector<Candidate> candidates;
};

nlohmann::json TrackJson(const std::string& video, const TrackResult& r) {
  nlohmann::json best = nlohmann::json::array();
  for (const TrackedFace& f : r.track.best) {
    nlohmann::json face = FaceToJson(f.face);
    face["time_s"] = f.time_s;
    face["frame"] = f.frame_index;
    best.push_back(std::move(face));
  }
  nlohmann::json candidates = nlohmann::json::array();
  bool match = false;
  for (const Candidate& c : r.candidates) {
    candidates.push_back(CandidateToJson(c));
    match = match || c.possible_match;
  }
  return {{"video", video},          {"error", nullptr},
          {"track_id", r.track.id},  {"start_s", r.track.start_s},
          {"end_s", r.track.end_s},  {"frames", r.track.frames},
          {"best_frames", best},     {"match", match},
          {"candidates", candidates}};
}

void PrintTrack(const TrackResult& r) {
  std::cout << fmt::format("  track {}  {:.1f}-{:.1f} s  {} frame(s)\n", r.track.id,
                           r.track.start_s, r.track.end_s, r.track.frames);
  PrintCandidates(r.candidates);
}

SheetRow SheetRowOf(const TrackResult& r) {
  std::string title =
      fmt::format("track {}  {:.1f}-{:.1f} s: ", r.track.id, r.track.start_s, r.track.end_s);
  const bool match = !r.candidates.empty() && r.candidates.front().possible_match;
  title += match ? "possible match " + r.candidates.front().identity : "no match";
  SheetRow row{title, {}};
  for (const TrackedFace& f : r.track.best) row.tiles.push_back(f.tile);
  return row;
}

// Tracks of one video, each identified once through its fused template.
std::vector<TrackResult> ProcessVideo(const std::string& path, const VideoArgs& args,
                                      FacePipeline& pipeline, const Gallery& gallery,
                                      const MatchPolicy& policy) {
  VideoReader reader(path, args.fps);
  FaceTracker tracker;
  VideoFrame frame;
  while (reader.Next(frame)) tracker.Add(frame, pipeline.ProcessImage(frame.bgr));
  std::vector<TrackResult> results;
  for (Track& track : tracker.Finish()) {
    if (track.frames < args.min_track_frames) continue;
    TrackResult r{std::move(track), {}};
    r.candidates = gallery.Search(r.track.Template(), args.top_k);
    policy.Apply(r.candidates);
    results.push_back(std::move(r));
  }
  return results;
}

void ReportFailure(const std::string& video, const std::string& message, bool json) {
  std::fprintf(stderr, "%s\n", message.c_str());
  if (json) std::cout << JsonLine({{"video", video}, {"error", message}}) << "\n";
}

int RunVideo(const VideoArgs& args) {
  if (!args.contact_sheet.empty() && !cv::haveImageWriter(args.contact_sheet)) {
    throw Error(ErrorCode::kInvalidArgument,
                "--contact-sheet " + args.contact_sheet + ": use an image extension (.jpg, .png)");
  }
  const MatchPolicy policy = args.decision.ToPolicy(args.common);
  const auto gallery =
      Gallery::Open(args.db, args.common.Embedder(), {.rank_by = args.decision.RankBy()});
  FacePipeline pipeline(args.common.ToPipelineOptions());
  std::vector<SheetRow> sheet;
  int failed = 0;
  for (const std::string& video : args.videos) {
    try {
      const auto tracks = ProcessVideo(video, args, pipeline, *gallery, policy);
      if (!args.json) std::cout << video << ": " << tracks.size() << " track(s)\n";
      for (const TrackResult& r : tracks) {
        if (args.json) {
          std::cout << JsonLine(TrackJson(video, r)) << "\n" << std::flush;
        } else {
          PrintTrack(r);
        }
        sheet.push_back(SheetRowOf(r));
      }
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kModelMissing || e.code() == ErrorCode::kModelInvalid) throw;
      ++failed;
      ReportFailure(video, e.what(), args.json);
    } catch (const cv::Exception& e) {  // FFmpeg or OpenCV failing inside a damaged stream
      ++failed;
      ReportFailure(video, video + ": cannot decode: " + e.what(), args.json);
    }
  }
  if (!args.contact_sheet.empty() && !cv::imwrite(args.contact_sheet, ContactSheet(sheet, 5))) {
    throw Error(ErrorCode::kIo, "cannot write the contact sheet " + args.contact_sheet);
  }
  return failed > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace

void RegisterVideo(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<VideoArgs>();
  CLI::App* cmd = app.add_subcommand(
      "video", "Track the faces in videos and identify each person on screen once");
  cmd->add_option("--db", args->db, "Catalog database file")->required()->check(CLI::ExistingFile);
  cmd->add_option("VIDEO", args->videos, "Video files (MP4, MKV, AVI, WebM, ...)")->required();
  cmd->add_option("--fps", args->fps, "Frames sampled per second of footage (0: every frame)")
      ->check(CLI::Range(0.0, 240.0))
      ->capture_default_str();
  cmd->add_option("--top-k", args->top_k, "Candidates per track")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--min-track-frames", args->min_track_frames,
                  "Ignore tracks seen in fewer sampled frames (passers-by, false detections)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--contact-sheet", args->contact_sheet,
                  "Write an image with a row of best faces per track");
  cmd->add_flag("--json", args->json, "One JSON object per track per line");
  AddPipelineOptions(*cmd, args->common);
  AddDecisionOptions(*cmd, args->decision);
  AddRankByOption(*cmd, args->decision);
  cmd->callback([args, &action] { action = [args] { return RunVideo(*args); }; });
}

}  // namespace facetrace::cli
