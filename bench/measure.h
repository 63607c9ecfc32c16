// Small measuring helpers the benchmarks share: elapsed time, percentiles, resident memory.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>
#include <vector>

namespace facetrace::bench {

using Clock = std::chrono::steady_clock;

inline double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// The p-quantile (0..1) of `v` by the nearest-rank-below rule; 0 for an empty `v`.
inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

// Resident set size of process `pid` ("self" for this one), from /proc; 0 if unreadable.
inline double ResidentBytes(const std::string& pid = "self") {
  std::ifstream statm("/proc/" + pid + "/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

// A "VmRSS" or "VmHWM" (peak) line of /proc/<pid>/status, in bytes; 0 if absent (the process
// is gone). Unlike ResidentBytes this also gives the high-water mark.
inline double ProcStatusBytes(const std::string& key, const std::string& pid = "self") {
  std::ifstream status("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(key + ":")) return std::stod(line.substr(key.size() + 1)) * 1024;
  }
  return 0;
}

}  // namespace facetrace::bench
