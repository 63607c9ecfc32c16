#include "detect/dlib_mmod_detector.h"

#include <dlib/dnn.h>
#include <dlib/opencv/cv_image.h>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "detect/dlib_detection.h"

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

constexpr double kMmodMinFace = 40;     // the training window
constexpr double kMaxViewPixels = 2e6;  // ~1-2 s per photo on one core

}  // namespace

struct DlibMmodDetector::Net {
  net_type net;
};

DlibMmodDetector::DlibMmodDetector(const std::filesystem::path& model,
                                   const DetectorOptions& options)
    : net_(std::make_unique<Net>()), options_(options) {
  try {
    dlib::deserialize(model.string()) >> net_->net;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kModelInvalid,
                "cannot load MMOD model " + model.string() + ": " + e.what());
  }
}

DlibMmodDetector::~DlibMmodDetector() = default;

std::vector<Detection> DlibMmodDetector::Detect(const cv::Mat& bgr) {
  RequireBgr(bgr, "MMOD");
  const ScaledView view =
      DlibDetectorView(bgr, options_.min_face_size, kMmodMinFace, kMaxViewPixels);
  cv::Mat rgb;
  cv::cvtColor(view.image, rgb, cv::COLOR_BGR2RGB);
  dlib::matrix<dlib::rgb_pixel> image;
  dlib::assign_image(image, dlib::cv_image<dlib::rgb_pixel>(rgb));
  std::vector<DlibRect> found;
  for (const dlib::mmod_rect& r : net_->net(image))
    found.push_back({r.rect, r.detection_confidence});
  return DetectionsFromDlib(found, view, bgr, options_);
}

}  // namespace facetrace
