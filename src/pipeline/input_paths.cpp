#include "pipeline/input_paths.h"

#include <algorithm>
#include <system_error>

#include "core/error.h"
#include "io/image_loader.h"

namespace facetrace {
namespace fs = std::filesystem;

std::vector<fs::path> ImagesUnder(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) throw Error(ErrorCode::kIo, "cannot list folder " + dir.string() + ": " + ec.message());
  for (const auto& entry : it) {
    if (entry.is_regular_file(ec) && HasImageExtension(entry.path())) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<fs::path> ExpandImagePaths(const std::vector<std::string>& inputs) {
  std::vector<fs::path> paths;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      const auto found = ImagesUnder(input);
      paths.insert(paths.end(), found.begin(), found.end());
    } else {
      paths.emplace_back(input);  // missing or non-image: reported by the loader, per file
    }
  }
  return paths;
}

}  // namespace facetrace
