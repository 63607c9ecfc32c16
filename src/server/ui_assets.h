// The browser UI's files (src/server/ui/), compiled into the binary so `facetrace serve` needs
// nothing beside it at run time. The table is generated at build time by
// src/server/embed_files.cmake from every file under src/server/ui/.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace facetrace {

struct EmbeddedFile {
  std::string_view path;          // relative to ui/, with '/' separators: "index.html"
  std::string_view content_type;  // from the extension
  std::string_view bytes;
};

const std::vector<EmbeddedFile>& UiFiles();

// The file at exactly `path`; nullopt for anything else (so "../x" or "%2e%2e/x" can never
// reach outside the embedded set: there is no file system behind this lookup).
std::optional<EmbeddedFile> FindUiFile(std::string_view path);

}  // namespace facetrace
