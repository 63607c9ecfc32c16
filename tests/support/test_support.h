// Helpers shared by unit and integration tests: where the shared datasets, the models and the
// built CLI are, scratch directories, and small synthetic images.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "core/error.h"

namespace facetrace::testing {

// ../shared/datasets (or $FACETRACE_DATASETS). Tests that need it fail loudly if absent:
// the datasets are part of the test contract, not optional.
std::filesystem::path DatasetsDir();

// `count` floats drawn from N(0, 1), the same for the same seed: random vectors for tests.
std::vector<float> NormalFloats(size_t count, unsigned seed);

// Path to a file inside the datasets; asserts it exists.
std::filesystem::path DatasetFile(const std::string& relative);

// The repository root and the build directory (where the `facetrace` binary is).
std::filesystem::path SourceDir();
std::filesystem::path BinaryDir();
std::filesystem::path FacetraceBinary();

// A fresh, empty directory under the system temp dir, removed when the object dies.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix = "facetrace-test");
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes `bytes` to `path` (creating parent directories).
void WriteFile(const std::filesystem::path& path, const std::string& bytes);
std::string ReadFile(const std::filesystem::path& path);

// Image files of one identity folder, sorted by file name.
std::vector<std::filesystem::path> SortedImages(const std::filesystem::path& identity_dir);

// Result of running a command: exit status and captured stdout/stderr.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the given argv (no shell), capturing output. argv[0] is the program path.
CommandResult RunCommand(const std::vector<std::string>& argv);

// Runs build/facetrace with `args`.
CommandResult RunFacetrace(const std::vector<std::string>& args);

// Starts build/facetrace with `args` in the background (output discarded); returns its pid.
int SpawnFacetrace(const std::vector<std::string>& args);

// Waits for a child started by SpawnFacetrace; returns what RunCommand's exit_code would be.
int WaitForChild(int pid);

// Runs `call`, which must throw facetrace::Error, and returns that error. Any other exception
// escapes and fails the test; no exception at all fails it and yields a kInternal error.
template <typename Call>
Error ThrownError(Call&& call) {
  try {
    call();
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "expected a facetrace::Error";
  return Error(ErrorCode::kInternal, "nothing was thrown");
}

// Runs `f` and expects it to throw facetrace::Error with `code` (see ThrownError); returns the
// message.
template <typename F>
std::string ExpectErrorCode(ErrorCode code, F&& f) {
  const Error error = ThrownError(std::forward<F>(f));
  EXPECT_EQ(error.code(), code) << error.what();
  return error.what();
}

}  // namespace facetrace::testing
