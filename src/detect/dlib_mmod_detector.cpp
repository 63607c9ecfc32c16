#include "detect/dlib_mmod_detector.h"

#include <dlib/dnn.h>
#include <dlib/opencv/cv_image.h>

#include "core/error.h"
#include "detect/dlib_detection.h"
#include "detect/view_runner.h"

namespace facetrace {

namespace {

// The network of mmod_human_face_detector.dat (dlib's dnn_mmod_face_detection_ex.cpp).
template <long num_filters, typename SUBNET>
using con5d = dlib::con<num_filters, 5, 5, 2, 2, SUBNET>;
template <long num_filters, typename SUBNET>
using con5 = dlib::con<num_filters, 5, 5, 1, 1, SUBNET>;
template <typename SUBNET>
using downsampler = dlib::relu<dlib::affine<
    con5d<32, dlib::relu<dlib::affine<con5d<32, dlib::relu<dlib::affine<con5d<16, SUBNET>>>>>>>>>;
template <typename SUBNET>
using rcon5 = dlib::relu<dlib::affine<con5<45, SUBNET>>>;
using net_type = dlib::loss_mmod<dlib::con<
    1, 9, 9, 1, 1,
    rcon5<rcon5<rcon5<downsampler<dlib::input_rgb_image_pyramid<dlib::pyramid_down<6>>>>>>>>;

constexpr DlibReach kReach = {
    .window = 40,  // the training window (faces of 40 px and up)
    // ~2 s per megapixel of view here. dlib's group photos (500x375) still get the 2x they
    // need for their 37 px faces.
    .max_view_pixels = 1e6,
    // Crops found at a 160 px view: ORL 0.87; from 224 px 1.0, and Yale B best at 288.
    .crop = {.small_image_side = 320, .view_side = 288},
};

}  // namespace

struct DlibMmodDetector::Net {
  net_type net;
};

DlibMmodDetector::DlibMmodDetector(const std::filesystem::path& model,
                                   const DetectorOptions& options)
    : net_(std::make_unique<Net>()), options_(options) {
  try {
    dlib::deserialize(model.string()) >> net_->net;
  } catch (const std::exception& e) {  // dlib::serialization_error, std::ios failures
    throw Error(ErrorCode::kModelInvalid,
                "cannot load MMOD model " + model.string() + ": " + e.what());
  }
}

DlibMmodDetector::~DlibMmodDetector() = default;

std::vector<Detection> DlibMmodDetector::DetectInView(const cv::Mat& view) {
  if (!FitsWindow(view, kReach)) return {};
  dlib::matrix<dlib::rgb_pixel> rgb;  // the network's input type: one copy, BGR -> RGB
  dlib::assign_image(rgb, dlib::cv_image<dlib::bgr_pixel>(view));
  std::vector<Detection> detections;
  for (const dlib::mmod_rect& r : net_->net(rgb)) {
    detections.push_back(DetectionFromDlib(r.rect, r.detection_confidence));
  }
  return detections;
}

std::vector<Detection> DlibMmodDetector::Detect(const cv::Mat& bgr) {
  return DetectInLevels("MMOD", bgr, PlanDlibView(bgr.size(), options_.min_face_size, kReach),
                        options_, [this](const cv::Mat& view) { return DetectInView(view); });
}

}  // namespace facetrace
