#include "server/face_chip.h"

#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "render/contact_sheet.h"

namespace facetrace {

std::string FaceChipJpeg(std::span<const uint8_t> photo, const Box& box,
                         const ImageLoadOptions& load) {
  if (!(box.width > 0) || !(box.height > 0)) {
    throw Error(ErrorCode::kInvalidArgument, "the face box is empty");
  }
  const LoadedImage image = DecodeImage(photo, "photo", load);
  const cv::Mat tile = FaceTile(image.bgr, box, kReviewChipSize);
  std::vector<uint8_t> jpeg;
  if (!cv::imencode(".jpg", tile, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90})) {
    throw Error(ErrorCode::kInternal, "OpenCV could not encode a JPEG");
  }
  return {jpeg.begin(), jpeg.end()};
}

}  // namespace facetrace
