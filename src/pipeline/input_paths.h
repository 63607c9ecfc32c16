// What the CLI's PATH arguments mean: files are taken as given (so a non-image named
// explicitly is reported, not silently skipped); folders are walked recursively for files with
// an image extension. Results are sorted within each folder for reproducible output.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace facetrace {

std::vector<std::filesystem::path> ExpandImagePaths(const std::vector<std::string>& inputs);

// Image files under `dir` (recursive), sorted by path.
std::vector<std::filesystem::path> ImagesUnder(const std::filesystem::path& dir);

}  // namespace facetrace
