#include "server/ui_assets.h"

namespace facetrace {

std::optional<EmbeddedFile> FindUiFile(std::string_view path) {
  for (const EmbeddedFile& file : UiFiles()) {
    if (file.path == path) return file;
  }
  return std::nullopt;
}

}  // namespace facetrace
