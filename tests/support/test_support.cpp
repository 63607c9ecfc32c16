#include "support/test_support.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

namespace facetrace::testing {
namespace fs = std::filesystem;

fs::path DatasetsDir() {
  if (const char* env = std::getenv("FACETRACE_DATASETS"); env && *env) return env;
  return fs::weakly_canonical(FACETRACE_DATASETS_DIR);
}

std::vector<float> NormalFloats(size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0, 1);
  std::vector<float> v(count);
  for (float& x : v) x = normal(rng);
  return v;
}

fs::path DatasetFile(const std::string& relative) {
  const fs::path path = DatasetsDir() / relative;
  if (!fs::exists(path)) {
    throw std::runtime_error("test data missing: " + path.string());
  }
  return path;
}

fs::path SourceDir() { return FACETRACE_SOURCE_DIR; }
fs::path BinaryDir() { return FACETRACE_BINARY_DIR; }
fs::path FacetraceBinary() { return BinaryDir() / "facetrace"; }

ScratchDir::ScratchDir(const std::string& prefix) {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    path_ = fs::temp_directory_path() / (prefix + "-" + std::to_string(rd()));
    if (fs::create_directory(path_)) return;
  }
  throw std::runtime_error("cannot create scratch directory");
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> SortedImages(const fs::path& identity_dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(identity_dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  return files;
}

namespace {

std::string DrainFd(int fd) {
  std::string data;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) data.append(buf, static_cast<size_t>(n));
  return data;
}

// In the child: redirects stdio and replaces the process with argv; never returns.
[[noreturn]] void ExecChild(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  const int devnull = open("/dev/null", O_RDWR);
  dup2(devnull, 0);
  dup2(out_fd < 0 ? devnull : out_fd, 1);
  dup2(err_fd < 0 ? devnull : err_fd, 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

std::vector<std::string> FacetraceArgv(const std::vector<std::string>& args) {
  std::vector<std::string> argv{FacetraceBinary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv) {
  // stdout and stderr go to temp files so a chatty child can never dead-lock on a full pipe.
  ScratchDir scratch("facetrace-cmd");
  const fs::path out_path = scratch / "out", err_path = scratch / "err";
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ExecChild(argv, open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600),
              open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600));
  }
  CommandResult result;
  result.exit_code = WaitForChild(pid);
  const int out_fd = open(out_path.c_str(), O_RDONLY);
  const int err_fd = open(err_path.c_str(), O_RDONLY);
  result.out = DrainFd(out_fd);
  result.err = DrainFd(err_fd);
  close(out_fd);
  close(err_fd);
  return result;
}

int SpawnFacetrace(const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) ExecChild(FacetraceArgv(args), -1, -1);
  return pid;
}

int WaitForChild(int pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

CommandResult RunFacetrace(const std::vector<std::string>& args) {
  return RunCommand(FacetraceArgv(args));
}

}  // namespace facetrace::testing
