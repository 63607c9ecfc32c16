// Shared by the integration tests: building galleries from the shared datasets and running
// the real `facetrace` binary on them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace facetrace::testing {

struct SplitProtocol {
  std::vector<std::pair<std::string, std::filesystem::path>> gallery;  // identity, image
  std::vector<std::pair<std::string, std::filesystem::path>> probes;
};

// Per identity folder of `set_dir`, files sorted by name: even positions go to the gallery,
// odd positions are probes (the protocol the accuracy figures in the README use).
SplitProtocol SplitDataset(const std::filesystem::path& set_dir);

// Writes a manifest CSV (identity,image) for `items` and returns its path.
std::filesystem::path WriteManifest(
    const std::filesystem::path& path,
    const std::vector<std::pair<std::string, std::filesystem::path>>& items);

// Parses stdout of a --json command: one JSON object per line.
std::vector<nlohmann::json> ParseJsonLines(const std::string& out);

}  // namespace facetrace::testing
