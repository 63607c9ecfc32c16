#include "detect/yunet_detector.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "detect/scaled_view.h"

namespace facetrace {

namespace {

constexpr int kStrides[] = {8, 16, 32};
// Face side, in network-input px, that YuNet finds reliably (14 px missed a 22 px face in
// TinyFacesTest; 20 px finds all).
constexpr double kSmallestFace = 20.0;
constexpr int kTileOverlap = 160;     // > the largest face a fine level must catch whole
constexpr double kCropPadding = 0.3;  // of a tight crop's size, on every side
constexpr int kCropViewSide = 320;    // a padded crop's long side in the view

// The decoded outputs of one stride, as the YuNet README describes them.
struct StrideOutputs {
  const float* cls;
  const float* obj;
  const float* bbox;
  const float* kps;
};

void DecodeStride(const StrideOutputs& out, int stride, int valid_w, int valid_h, float min_score,
                  std::vector<Detection>& detections) {
  const int cols = YunetDetector::kInputSide / stride, rows = YunetDetector::kInputSide / stride;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const int i = r * cols + c;
      const float score =
          std::sqrt(std::clamp(out.cls[i], 0.0f, 1.0f) * std::clamp(out.obj[i], 0.0f, 1.0f));
      if (score < min_score) continue;
      const float* b = out.bbox + 4 * i;
      const float cx = (c + b[0]) * stride, cy = (r + b[1]) * stride;
      const float w = std::exp(b[2]) * stride, h = std::exp(b[3]) * stride;
      if (cx >= valid_w || cy >= valid_h) continue;  // centred on the letterbox padding
      Detection d;
      d.box = {cx - w / 2, cy - h / 2, w, h};
      d.score = score;
      d.has_landmarks = true;
      const float* k = out.kps + 10 * i;
      for (int p = 0; p < kLandmarkCount; ++p)
        d.landmarks[p] = {(c + k[2 * p]) * stride, (r + k[2 * p + 1]) * stride};
      detections.push_back(d);
    }
  }
}

// Start offsets of tiles of `tile` px covering `length` px with `overlap` px shared.
std::vector<int> TileStarts(int length, int tile, int overlap) {
  std::vector<int> starts;
  if (length <= tile) return {0};
  for (int s = 0;; s += tile - overlap) {
    if (s + tile >= length) {
      starts.push_back(length - tile);
      break;
    }
    starts.push_back(s);
  }
  return starts;
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

}  // namespace

YunetDetector::YunetDetector(const std::filesystem::path& model, const DetectorOptions& options)
    : options_(options) {
  try {
    net_ = cv::dnn::readNet(model.string());
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::kModelInvalid,
                "cannot load YuNet model " + model.string() + ": " + e.what());
  }
  if (net_.empty())
    throw Error(ErrorCode::kModelInvalid, "cannot load YuNet model " + model.string());
  net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  for (const char* kind : {"cls", "obj", "bbox", "kps"}) {
    for (int stride : kStrides)
      output_names_.push_back(std::string(kind) + "_" + std::to_string(stride));
  }
}

std::vector<Detection> YunetDetector::RunTile(const cv::Mat& tile) {
  cv::Mat canvas(kInputSide, kInputSide, CV_8UC3, cv::Scalar::all(0));
  tile.copyTo(canvas(cv::Rect(0, 0, tile.cols, tile.rows)));
  std::vector<cv::Mat> outs;
  try {
    net_.setInput(cv::dnn::blobFromImage(canvas));  // BGR, 0..255, no mean or scale
    net_.forward(outs, output_names_);
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::kInternal, std::string("YuNet inference failed: ") + e.what());
  }
  std::vector<Detection> detections;
  for (size_t s = 0; s < std::size(kStrides); ++s) {
    const StrideOutputs out{outs[s].ptr<float>(), outs[3 + s].ptr<float>(),
                            outs[6 + s].ptr<float>(), outs[9 + s].ptr<float>()};
    DecodeStride(out, kStrides[s], tile.cols, tile.rows, options_.min_score, detections);
  }
  return detections;
}

std::vector<Detection> YunetDetector::DetectInView(const cv::Mat& view) {
  std::vector<Detection> detections;
  for (int y : TileStarts(view.rows, kInputSide, kTileOverlap)) {
    for (int x : TileStarts(view.cols, kInputSide, kTileOverlap)) {
      const cv::Rect region(x, y, std::min(kInputSide, view.cols - x),
                            std::min(kInputSide, view.rows - y));
      for (const Detection& d : RunTile(view(region))) {
        detections.push_back(Shifted(d, static_cast<float>(x), static_cast<float>(y)));
      }
    }
  }
  return detections;
}

std::vector<Detection> YunetDetector::Detect(const cv::Mat& bgr) {
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    throw Error(ErrorCode::kInvalidArgument, "YuNet expects a non-empty 8-bit BGR image");
  }
  std::vector<Detection> found;
  // `max_side`: the largest face (in view px) a level keeps. A fine level cuts big faces into
  // tiles and "finds" their fragments (an eye, a cheek) as faces; any face bigger than twice
  // the next coarser level's smallest is found whole there, so fine levels keep small ones.
  auto collect = [&](const ScaledView& view, float max_side) {
    for (const Detection& d : DetectInView(view.image)) {
      if (std::max(d.box.width, d.box.height) > max_side) continue;
      const Detection mapped = view.ToOriginal(d, bgr.cols, bgr.rows);
      if (mapped.box.area() > 0) found.push_back(mapped);
    }
  };
  constexpr float kAnySize = std::numeric_limits<float>::max();
  if (LooksLikeFaceCrop(bgr)) {
    collect(MakePaddedView(bgr, kCropPadding, kCropViewSide), kAnySize);
    return FinishDetections(std::move(found), options_);
  }
  const double long_side = std::max(bgr.cols, bgr.rows);
  const double coarsest = std::min(1.0, kInputSide / long_side);
  // The finest level makes a min_face_size face ~kSmallestFace px; never enlarge the photo
  // past 1:1 unless faces that small require it.
  const double finest =
      std::max(coarsest, std::min(2.0, kSmallestFace / std::max(1, options_.min_face_size)));
  // Levels from the finest down, halving, until the whole photo fits one input.
  for (double scale = finest; scale > coarsest * 1.25; scale /= 2) {
    collect(MakeScaledView(bgr, scale), static_cast<float>(4 * kSmallestFace));
  }
  collect(MakeScaledView(bgr, coarsest), kAnySize);
  return FinishDetections(std::move(found), options_);
}

}  // namespace facetrace
