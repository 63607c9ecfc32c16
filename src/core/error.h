// facetrace::Error — the one exception type the library throws.
//
// Every failure that reaches a caller carries a machine-readable code (so the CLI can map
// it to an exit status and the JSON output to a stable message) and a human message that
// names the offending file or setting. Deep code never throws bare strings.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace facetrace {

enum class ErrorCode {
  kInvalidArgument,    // caller passed something meaningless (bad option, bad name)
  kNotFound,           // a file, identity or record that should exist does not
  kIo,                 // the OS refused a read or write (permissions, disk full, ...)
  kEmptyFile,          // zero-byte input
  kUnsupportedFormat,  // bytes are not an image format we can decode
  kCorruptImage,       // recognised format, but the decoder failed (truncated, damaged)
  kImageTooLarge,      // pixel count above the configured limit, refused from the header
  kModelMissing,       // a model file is absent or fails its checksum
  kModelInvalid,       // a model file exists but cannot be loaded
  kDatabase,           // SQLite reported an error
  kIndex,              // FAISS reported an error or the index is inconsistent
  kNoFace,             // no face could be found where one was required
  kUnauthenticated,    // no, unknown, expired or revoked API token
  kPermissionDenied,   // the caller's role may not do this
  kConflict,           // the request contradicts stored state (a second vote by one reviewer)
  kTooLarge,           // a request body above the configured upload limit
  kRateLimited,        // too many requests from one token
  kInternal,           // a bug: an invariant did not hold
};

// Stable lower-case name of a code, used in JSON output and logs.
std::string_view ErrorCodeName(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}

  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace facetrace
