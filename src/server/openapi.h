// The OpenAPI 3 document served at /v1/openapi.json, generated from the server's route table
// (server/route.h): every registered route appears, with its roles, request body and path
// and query parameters.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "server/route.h"

namespace facetrace {

nlohmann::json OpenApiDocument(const std::vector<Route>& routes);

}  // namespace facetrace
