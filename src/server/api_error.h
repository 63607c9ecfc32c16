// How a facetrace::Error becomes an HTTP response: the status for its code and the JSON body
// {"error": {"code": "<ErrorCodeName>", "message": "..."}} every endpoint answers with.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace facetrace {

// 400 bad input, 401, 403, 404, 409, 413 (upload or pixel count), 415 (not an image),
// 429, 500 for the server's own failures (database, index, model, internal).
int HttpStatusFor(ErrorCode code);

nlohmann::json ErrorBody(ErrorCode code, const std::string& message);

}  // namespace facetrace
