// Replacing a file so that readers, and a crash at any moment, find either the old content or
// the new one in full, never a mix.
#pragma once

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>

namespace facetrace {

// Writes `path` through `write`, which gets a FILE* open on "<path>.tmp"; then flushes and
// fsyncs it, renames it over `path`, and fsyncs the directory so the rename survives a power
// cut too. On any failure (including an exception from `write`, which is rethrown) the temp
// file is removed and `path` is left as it was; OS failures are Error(kIo) naming the file.
void WriteFileAtomically(const std::filesystem::path& path,
                         const std::function<void(std::FILE*)>& write);

}  // namespace facetrace

namespace facetrace {

// WriteFileAtomically with `text` as the whole content.
void WriteTextFileAtomically(const std::filesystem::path& path, const std::string& text);

}  // namespace facetrace
