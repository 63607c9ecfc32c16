#include "detect/yunet_detector.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "detect/view_runner.h"

namespace facetrace {

namespace {

constexpr int kStrides[] = {8, 16, 32};
constexpr int kInputAlign = 32;  // the coarsest stride: input sides are multiples of it
// Input sides are at least this. OpenCV 4.6 reads memory it never wrote on inputs 32 px high
// and 576 px or more wide (valgrind: 3,674 errors in one 640x32 pass, an invalid read among
// them, none at 640x64, 288x32 or 32x640). On a uniform gray input that is objectness 1.0 in
// some cells, different from process to process. Over every input shape 32..640 (steps of 32),
// random content, shuffled order, three passes: only 576x32, 608x32 and 640x32 varied. The
// width gets the same floor: 32 px wide inputs behaved, but the floor costs nothing there.
constexpr int kMinInputSide = 64;

int InputSide(int region_side) {
  return std::max(kMinInputSide, (region_side + kInputAlign - 1) / kInputAlign * kInputAlign);
}

// One stride's outputs, one row per cell of the (rows x cols) grid, row-major.
struct StrideOutputs {
  int stride;
  int rows;
  int cols;
  const float* cls;   // 1 per cell
  const float* obj;   // 1 per cell
  const float* bbox;  // 4 per cell: dx, dy (centre, in cells), log w, log h (in strides)
  const float* kps;   // 10 per cell: x, y of 5 landmarks, in cells
};

// Appends the cells scoring at least `min_score` whose centre lies inside the `valid` region
// (not in the padding that rounded the input up to the grid).
void DecodeStride(const StrideOutputs& out, cv::Size valid, float min_score,
                  std::vector<Detection>& detections) {
  const float s = static_cast<float>(out.stride);
  for (int r = 0; r < out.rows; ++r) {
    for (int c = 0; c < out.cols; ++c) {
      const int i = r * out.cols + c;
      const float score =
          std::sqrt(std::clamp(out.cls[i], 0.0f, 1.0f) * std::clamp(out.obj[i], 0.0f, 1.0f));
      if (score < min_score) continue;
      const float* b = out.bbox + 4 * i;
      const float cx = (c + b[0]) * s, cy = (r + b[1]) * s;
      if (cx >= valid.width || cy >= valid.height) continue;
      const float w = std::exp(b[2]) * s, h = std::exp(b[3]) * s;
      Detection d;
      d.box = {cx - w / 2, cy - h / 2, w, h};
      d.score = score;
      d.has_landmarks = true;
      const float* k = out.kps + 2 * kLandmarkCount * i;
      for (int p = 0; p < kLandmarkCount; ++p) {
        d.landmarks[p] = {(c + k[2 * p]) * s, (r + k[2 * p + 1]) * s};
      }
      detections.push_back(d);
    }
  }
}

Detection Shifted(Detection d, float dx, float dy) {
  d.box.x += dx;
  d.box.y += dy;
  for (Point2f& p : d.landmarks) {
    p.x += dx;
    p.y += dy;
  }
  return d;
}

// Rows of `out` (an N x k blob), checked against the grid the decoder assumes.
const float* Checked(const cv::Mat& out, int cells, int per_cell) {
  if (out.total() != static_cast<size_t>(cells) * per_cell || out.type() != CV_32F) {
    throw Error(ErrorCode::kModelInvalid, "YuNet output has an unexpected shape");
  }
  return out.ptr<float>();
}

}  // namespace

const DetectorReach YunetDetector::kReach = {
    .smallest_face = 20,  // 0.92 found at 20 px, see the header
    .view_side = 640,     // per pixel the cheapest size here (640: 88 ns, 320: 97, 960: 107)
    .tile_overlap = 128,  // >= 80 + 2 * 8: a kept face, clear of the shared edges
    .fine_max_face = 80,  // >= 32 px at the next coarser level, where YuNet finds 0.98
    // 300 px faces: 0.98 found; faces filling a 640 px view: fragments (an eye and brow).
    .whole_max_face = 320,
    .max_upscale = 2,  // enlarging further adds pixels, not detail
    // Crops found (of 2,000, see scaled_view.h) peaked at 288-320 px views; 288 is faster.
    .crop = {.small_image_side = 320, .view_side = 288},
};

YunetDetector::YunetDetector(const std::filesystem::path& model, const DetectorOptions& options)
    : options_(options) {
  try {
    net_ = cv::dnn::readNet(model.string());
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::kModelInvalid,
                "cannot load YuNet model " + model.string() + ": " + e.what());
  }
  if (net_.empty()) {
    throw Error(ErrorCode::kModelInvalid, "cannot load YuNet model " + model.string());
  }
  net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  for (const char* kind : {"cls", "obj", "bbox", "kps"}) {
    for (int stride : kStrides) output_names_.push_back(kind + ("_" + std::to_string(stride)));
  }
}

cv::Size YunetDetector::InputSize(cv::Size region) {
  return {InputSide(region.width), InputSide(region.height)};
}

std::vector<Detection> YunetDetector::RunNetwork(const cv::Mat& region) {
  const cv::Size padded = InputSize(region.size());
  const int width = padded.width, height = padded.height;
  cv::Mat input;
  cv::copyMakeBorder(region, input, 0, height - region.rows, 0, width - region.cols,
                     cv::BORDER_CONSTANT, cv::Scalar::all(0));
  std::vector<cv::Mat> outs;
  net_.setInput(cv::dnn::blobFromImage(input));  // BGR, 0..255, no mean or scale
  net_.forward(outs, output_names_);
  std::vector<Detection> detections;
  for (size_t s = 0; s < std::size(kStrides); ++s) {
    const int rows = height / kStrides[s], cols = width / kStrides[s], cells = rows * cols;
    const StrideOutputs out{kStrides[s],
                            rows,
                            cols,
                            Checked(outs[s], cells, 1),
                            Checked(outs[3 + s], cells, 1),
                            Checked(outs[6 + s], cells, 4),
                            Checked(outs[9 + s], cells, 2 * kLandmarkCount)};
    DecodeStride(out, region.size(), options_.min_score, detections);
  }
  return detections;
}

std::vector<Detection> YunetDetector::DetectTiled(const cv::Mat& view) {
  std::vector<Detection> detections;
  for (const cv::Rect& tile :
       PlanTiles(view.size(), kReach.view_side, kReach.tile_overlap, kInputAlign)) {
    for (const Detection& d : RunNetwork(view(tile))) {
      if (NearInnerTileEdge(d.box, tile, view.size())) continue;
      detections.push_back(Shifted(d, static_cast<float>(tile.x), static_cast<float>(tile.y)));
    }
  }
  return detections;
}

std::vector<Detection> YunetDetector::Detect(const cv::Mat& bgr) {
  return DetectInLevels("YuNet", bgr,
                        PlanPyramid(bgr.size(), options_.min_face_size, kReach, options_.search),
                        options_, [this](const cv::Mat& view) { return DetectTiled(view); });
}

}  // namespace facetrace
