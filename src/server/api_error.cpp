#include "server/api_error.h"

namespace facetrace {

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kEmptyFile:
    case ErrorCode::kCorruptImage:
    case ErrorCode::kNoFace:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kTooLarge:
    case ErrorCode::kImageTooLarge:
      return 413;
    case ErrorCode::kUnsupportedFormat:
      return 415;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kIo:
    case ErrorCode::kModelMissing:
    case ErrorCode::kModelInvalid:
    case ErrorCode::kDatabase:
    case ErrorCode::kIndex:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

nlohmann::json ErrorBody(ErrorCode code, const std::string& message) {
  return {{"error", {{"code", std::string(ErrorCodeName(code))}, {"message", message}}}};
}

}  // namespace facetrace
