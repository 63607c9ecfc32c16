// PyramidPlan: which views of an image a detector runs, in order, so that every face from
// DetectorOptions::min_face_size up to the whole image is seen at a size the network finds
// reliably, without wasting passes. For a CNN with a fixed comfortable range (YuNet):
//
//   - Fine levels, each twice the scale of the next, from the scale at which a min_face_size
//     face measures `smallest_face` view px. They are cut into overlapping tiles of at most
//     `view_side` px and keep only faces up to `fine_max_face` view px: a tile cuts big faces
//     into fragments (an eye, a cheek) that look like faces, while any face bigger than that is
//     at least fine_max_face / 2.5 px at the next coarser level and found there.
//   - Tiles overlap by `tile_overlap` >= fine_max_face + 2 * kTileEdgeMargin, so each face a
//     fine level keeps lies wholly inside some tile, at least kTileEdgeMargin px from the edges
//     it shares with other tiles. Detections nearer such an edge are dropped: a face cut by it is
//     either whole in the neighbour tile or big (found at a coarser level), and its fragment (a
//     chin below the edge) looks like a small face.
//   - The whole-image level shows the entire photo in one view of at most `view_side` px (a
//     640 px photo: exactly one pass) and keeps faces up to `whole_max_face`: a face filling a
//     640 px view is beyond what the network saw in training, and it reports fragments of it.
//   - If the whole-image level saw a bigger face, a crop view (see scaled_view.h) of the whole
//     image finds it at a third of the size, with a border of context.
//   - Small images (possibly tight face crops, see CropViewRule) get the crop view as their
//     whole-image level instead.
//   - When only the largest face is wanted (FaceSearch::kLargestFace), the whole-image level
//     runs first and the fine levels follow from coarsest to finest, each only while no face
//     found so far is at least as big as the biggest face that level may keep: a fine level
//     could then add only smaller faces, which the caller drops.
//   - Every plan ends with retries that run only if nothing was found: the image may be a tight
//     crop with no context, or a face lit from one side; a crop view, then the same with
//     equalised contrast. They are ordinary detections: same network, same threshold.
#pragma once

#include <limits>
#include <vector>

#include <opencv2/core.hpp>

#include "core/face.h"
#include "detect/face_detector.h"
#include "detect/scaled_view.h"

namespace facetrace {

// Images up to `small_image_side` px (long side) may be tight face crops: their whole-image
// view is a crop view whose long side, padding included, is `view_side`.
struct CropViewRule {
  int small_image_side;
  int view_side;
};

// What a tiling detector sees comfortably, in view pixels.
struct DetectorReach {
  double smallest_face;   // face side found reliably (sets the finest scale)
  int view_side;          // largest view (or tile) side the network runs on
  int tile_overlap;       // shared by neighbouring tiles, see above
  double fine_max_face;   // largest face a fine level keeps
  double whole_max_face;  // largest face the whole-image level keeps
  double max_upscale;     // the finest scale never exceeds this
  CropViewRule crop;
};

enum class RunWhen {
  kAlways,
  kIfFacesTooBig,          // the level before dropped a face above its max_face
  kIfNoFace,               // no face has been found so far
  kUnlessBiggerFaceFound,  // no face found so far is as big as the biggest this level keeps
};

struct PyramidLevel {
  double scale;            // view px per image px (for a crop view: of the image in the padding)
  bool crop_view = false;  // the whole image padded as a crop view (MakeCropView)
  Contrast contrast = Contrast::kAsIs;                        // crop views only
  double max_face = std::numeric_limits<double>::infinity();  // in view px
  RunWhen when = RunWhen::kAlways;
};

// The plan for a tiling detector and an image of `image` size: finest level first for
// kAllFaces, whole image first for kLargestFace.
std::vector<PyramidLevel> PlanPyramid(cv::Size image, int min_face_size, const DetectorReach& reach,
                                      FaceSearch search = FaceSearch::kAllFaces);

// The side, in image px, of the biggest face `level` keeps (infinite for an unbounded level).
double LargestFaceKept(const PyramidLevel& level);

// The plan for a detector that scans all face sizes itself (dlib's): one view at `scale`, or a
// crop view for a small image, then the retries.
std::vector<PyramidLevel> PlanSingleView(cv::Size image, double scale, const CropViewRule& crop);

// Regions that cover a `view` with as few tiles of at most `tile_side` px as share at least
// `overlap` px with their neighbours. Tiles are of equal size (so none is mostly overlap),
// rounded up to a multiple of `align` px where the view allows (a network's input grid).
std::vector<cv::Rect> PlanTiles(cv::Size view, int tile_side, int overlap, int align = 1);

constexpr float kTileEdgeMargin = 8;

// True when `box` (in `tile` coordinates) comes within kTileEdgeMargin px of an edge the tile
// shares with a neighbour, i.e. one that is not on the border of the `view`.
bool NearInnerTileEdge(const Box& box, const cv::Rect& tile, cv::Size view);

}  // namespace facetrace
