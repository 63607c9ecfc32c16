// Where gallery photos come from: a folder with one sub-folder per identity, or a CSV manifest.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace facetrace {

struct EnrollItem {
  std::string identity;
  std::filesystem::path image;
  nlohmann::json metadata = nlohmann::json::object();  // merged into the identity's metadata
  std::string source;                                  // provenance recorded with the image
};

// <dir>/<identity>/<image files, searched recursively>. The folder name is the identity name.
// Files directly in <dir> belong to no identity and are refused with Error(kInvalidArgument)
// listing one of them, so a wrongly-laid-out gallery is never enrolled under a guessed name.
std::vector<EnrollItem> ItemsFromFolder(const std::filesystem::path& dir);

// CSV with a header row holding at least `identity` and `image` columns. `image` paths are
// relative to the manifest's folder unless absolute. A `source` column becomes the image's
// provenance; every other non-empty column is identity metadata (name, birth_date, place,
// source link, notes...). Throws Error(kInvalidArgument) naming the line for malformed rows.
std::vector<EnrollItem> ItemsFromManifest(const std::filesystem::path& csv_path);

}  // namespace facetrace
