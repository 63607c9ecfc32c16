#include "core/error.h"

namespace facetrace {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kEmptyFile:
      return "empty_file";
    case ErrorCode::kUnsupportedFormat:
      return "unsupported_format";
    case ErrorCode::kCorruptImage:
      return "corrupt_image";
    case ErrorCode::kImageTooLarge:
      return "image_too_large";
    case ErrorCode::kModelMissing:
      return "model_missing";
    case ErrorCode::kModelInvalid:
      return "model_invalid";
    case ErrorCode::kDatabase:
      return "database";
    case ErrorCode::kIndex:
      return "index";
    case ErrorCode::kNoFace:
      return "no_face";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kTooLarge:
      return "too_large";
    case ErrorCode::kRateLimited:
      return "rate_limited";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

}  // namespace facetrace
