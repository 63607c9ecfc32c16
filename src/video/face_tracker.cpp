#include "video/face_tracker.h"

#include <algorithm>
#include <tuple>

#include "embed/face_embedder.h"
#include "embed/fused_template.h"
#include "render/contact_sheet.h"

namespace facetrace {

Embedding Track::Template() const {
  std::vector<Embedding> embeddings;
  for (const TrackedFace& f : best) embeddings.push_back(f.face.embedding);
  return FusedTemplate(embeddings);
}

FaceTracker::FaceTracker(const TrackerOptions& options) : options_(options) {
  options_.best_faces = std::max(options_.best_faces, 1);  // a track always shows a face
}

float FaceTracker::LinkCost(const LiveTrack& live, const Face& face) const {
  if (sample_ - live.last_sample > options_.max_gap) return -1;
  const float d = EmbeddingDistance(live.last_embedding, face.embedding);
  const bool overlap = IntersectionOverUnion(live.last_box, face.detection.box) >= options_.min_iou;
  if (d <= options_.max_distance || (overlap && d <= options_.max_distance_overlap)) {
    return overlap ? d : d + 1;  // prefer the face in the same place
  }
  return -1;
}

void FaceTracker::Extend(LiveTrack& live, const VideoFrame& frame, const Face& face) {
  Track& t = live.track;
  if (t.frames == 0) t.start_s = frame.time_s;
  t.end_s = frame.time_s;
  ++t.frames;
  live.last_box = face.detection.box;
  live.last_embedding = face.embedding;
  live.last_sample = sample_;
  const auto better_first = [](const TrackedFace& a, const TrackedFace& b) {
    return a.face.quality > b.face.quality;
  };
  if (static_cast<int>(t.best.size()) == options_.best_faces) {
    if (face.quality <= t.best.back().face.quality) return;
    t.best.pop_back();
  }
  TrackedFace kept{frame.index, frame.time_s, face,
                   FaceTile(frame.bgr, face.detection.box, options_.tile_size)};
  t.best.insert(std::upper_bound(t.best.begin(), t.best.end(), kept, better_first),
                std::move(kept));
}

void FaceTracker::Add(const VideoFrame& frame, const std::vector<Face>& faces) {
  // Every admissible (cost, track, face) link, cheapest first; each track and face used once.
  std::vector<std::tuple<float, size_t, size_t>> links;
  for (size_t t = 0; t < tracks_.size(); ++t) {
    for (size_t f = 0; f < faces.size(); ++f) {
      const float cost = LinkCost(tracks_[t], faces[f]);
      if (cost >= 0) links.emplace_back(cost, t, f);
    }
  }
  std::sort(links.begin(), links.end());
  std::vector<bool> track_used(tracks_.size(), false), face_used(faces.size(), false);
  for (const auto& [cost, t, f] : links) {
    if (track_used[t] || face_used[f]) continue;
    track_used[t] = face_used[f] = true;
    Extend(tracks_[t], frame, faces[f]);
  }
  for (size_t f = 0; f < faces.size(); ++f) {
    if (face_used[f]) continue;
    LiveTrack live;
    live.track.id = static_cast<int>(tracks_.size()) + 1;
    tracks_.push_back(std::move(live));
    Extend(tracks_.back(), frame, faces[f]);
  }
  ++sample_;
}

std::vector<Track> FaceTracker::Finish() {
  std::vector<Track> tracks;
  for (LiveTrack& live : tracks_) tracks.push_back(std::move(live.track));
  tracks_.clear();
  return tracks;
}

}  // namespace facetrace
