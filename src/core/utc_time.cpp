#include "core/utc_time.h"

#include <cstdio>

namespace facetrace {

std::string FormatUtc(std::time_t time) {
  std::tm utc{};
  gmtime_r(&time, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

std::string NowUtc() { return FormatUtc(std::time(nullptr)); }

std::optional<std::time_t> ParseUtc(const std::string& text) {
  std::tm utc{};
  int consumed = 0;
  if (text.size() != 20 ||
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &utc.tm_year, &utc.tm_mon,
                  &utc.tm_mday, &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &consumed) != 6 ||
      consumed != 20) {
    return std::nullopt;
  }
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  const std::time_t time = timegm(&utc);
  if (FormatUtc(time) != text) return std::nullopt;  // out-of-range fields (month 13, ...)
  return time;
}

}  // namespace facetrace
