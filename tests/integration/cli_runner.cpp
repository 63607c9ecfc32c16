#include "integration/cli_runner.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace facetrace::testing {
namespace fs = std::filesystem;

SplitProtocol SplitDataset(const fs::path& set_dir) {
  std::vector<fs::path> identities;
  for (const auto& entry : fs::directory_iterator(set_dir)) {
    if (entry.is_directory()) identities.push_back(entry.path());
  }
  std::sort(identities.begin(), identities.end());
  SplitProtocol split;
  for (const fs::path& dir : identities) {
    const auto files = SortedImages(dir);
    for (size_t i = 0; i < files.size(); ++i) {
      auto& side = i % 2 == 0 ? split.gallery : split.probes;
      side.emplace_back(dir.filename().string(), files[i]);
    }
  }
  return split;
}

fs::path WriteManifest(const fs::path& path,
                       const std::vector<std::pair<std::string, fs::path>>& items) {
  std::ostringstream csv;
  csv << "identity,image\n";
  for (const auto& [identity, image] : items)
    csv << '"' << identity << "\",\"" << image.string() << "\"\n";
  WriteFile(path, csv.str());
  return path;
}

std::vector<nlohmann::json> ParseJsonLines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

}  // namespace facetrace::testing
