// FaceTracker: faces of successive sampled frames linked into tracks, one per person on screen.
//
// A face joins the live track it is most like: its embedding close to the track's latest
// (the same person), helped by its box overlapping the track's latest box (the same place).
// Overlap alone never links: two people can cross. Embedding similarity alone does, within
// `max_gap` sampled frames, so a person who turns away for a moment or is hidden behind
// someone else keeps their track. Each track keeps its best faces by quality, which are
// what gets identified (fused into one template) and shown to the reviewer.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "core/face.h"
#include "video/video_reader.h"

namespace facetrace {

struct TrackerOptions {
  float max_distance = 0.5f;           // embeddings this close are the same person
  float max_distance_overlap = 0.65f;  // ... or this close when the boxes also overlap
  float min_iou = 0.3f;                // what "overlap" means
  int max_gap = 10;                    // sampled frames a track may go unseen and continue
  int best_faces = 5;                  // faces kept per track, by quality
  int tile_size = 112;                 // face tiles kept for contact sheets (px)
};

struct TrackedFace {
  int64_t frame_index = 0;
  double time_s = 0;
  Face face;
  cv::Mat tile;  // FaceTile of the frame around the face
};

struct Track {
  int id = 0;  // 1, 2, ... in order of first appearance
  double start_s = 0;
  double end_s = 0;
  int frames = 0;                 // sampled frames the person was seen in
  std::vector<TrackedFace> best;  // quality descending, at most TrackerOptions::best_faces

  // The best faces' embeddings fused (embed/fused_template.h).
  Embedding Template() const;
};

class FaceTracker {
 public:
  explicit FaceTracker(const TrackerOptions& options = {});

  // Links the faces of one sampled frame (in the frame's coordinates) to tracks.
  void Add(const VideoFrame& frame, const std::vector<Face>& faces);

  // Every track, in order of first appearance.
  std::vector<Track> Finish();

 private:
  struct LiveTrack {
    Track track;
    Box last_box;
    Embedding last_embedding;
    int last_sample = 0;
  };
  // Lower is better; negative when the face may not join the track.
  float LinkCost(const LiveTrack& live, const Face& face) const;
  void Extend(LiveTrack& live, const VideoFrame& frame, const Face& face);

  TrackerOptions options_;
  std::vector<LiveTrack> tracks_;
  int sample_ = 0;
};

}  // namespace facetrace
