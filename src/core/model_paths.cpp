#include "core/model_paths.h"

#include <cstdlib>
#include <system_error>

#include "core/error.h"

namespace facetrace {
namespace fs = std::filesystem;

namespace {

fs::path ExecutableDirectory() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path{} : exe.parent_path();
}

}  // namespace

ModelPaths ModelPaths::Resolve(const fs::path& explicit_dir) {
  if (!explicit_dir.empty()) return ModelPaths(explicit_dir);
  if (const char* env = std::getenv("FACETRACE_MODELS"); env != nullptr && *env != '\0') {
    return ModelPaths(env);
  }
  // build/facetrace or build/tests/x -> <repo>/models: walk up a few levels.
  fs::path dir = ExecutableDirectory();
  for (int up = 0; up < 4 && !dir.empty(); ++up) {
    std::error_code ec;
    if (fs::is_directory(dir / "models", ec)) return ModelPaths(dir / "models");
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return ModelPaths(fs::path("models"));
}

fs::path ModelPaths::Require(const std::string& file_name) const {
  const fs::path path = dir_ / file_name;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    throw Error(ErrorCode::kModelMissing,
                "model file " + path.string() +
                    " is missing: run scripts/setup (or set FACETRACE_MODELS to the folder "
                    "that holds the models)");
  }
  return path;
}

}  // namespace facetrace
