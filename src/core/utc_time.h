// Wall-clock times as the ISO 8601 UTC strings every facetrace record and API response uses
// ("2024-05-01T12:00:00Z"). Second resolution: strings of one width sort in time order, so
// SQLite can compare them as text.
#pragma once

#include <ctime>
#include <optional>
#include <string>

namespace facetrace {

std::string FormatUtc(std::time_t time);
std::string NowUtc();
// Inverse of FormatUtc; nullopt for anything not in exactly that form.
std::optional<std::time_t> ParseUtc(const std::string& text);

}  // namespace facetrace
