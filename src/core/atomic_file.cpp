#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/error.h"

namespace facetrace {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void ThrowIo(const std::string& what, const fs::path& path, int error) {
  std::string message = what + " " + path.string() + ": " + std::strerror(error);
  if (error == ENOSPC || error == EDQUOT || error == EFBIG) message += " (disk full?)";
  throw Error(ErrorCode::kIo, message);
}

// Flushes stdio's buffer and the kernel's, then closes; every step's error counts, since a full
// disk may only show at fflush, fsync or close.
void FinishFile(std::FILE* file, const fs::path& path) {
  int error = 0;
  if (std::fflush(file) != 0 || std::ferror(file)) error = errno ? errno : EIO;
  if (error == 0 && ::fsync(::fileno(file)) != 0) error = errno;
  if (std::fclose(file) != 0 && error == 0) error = errno;
  if (error != 0) ThrowIo("cannot write", path, error);
}

// A rename is an update of the directory, made durable by syncing the directory itself.
void SyncDirectory(const fs::path& dir) {
  const fs::path name = dir.empty() ? fs::path(".") : dir;
  const int fd = ::open(name.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) ThrowIo("cannot open directory", name, errno);
  // EINVAL: a filesystem that cannot sync directories; the rename is as durable as it gets.
  const int error = ::fsync(fd) != 0 && errno != EINVAL ? errno : 0;
  ::close(fd);
  if (error != 0) ThrowIo("cannot sync directory", name, error);
}

// Fills `file` (open on `tmp`) through `write` and closes it, durably.
void FillAndClose(std::FILE* file, const fs::path& tmp,
                  const std::function<void(std::FILE*)>& write) {
  try {
    errno = 0;  // so that a failed fwrite inside `write` is what errno reports
    write(file);
  } catch (...) {
    // A writer that gave up because the OS refused (FAISS throws on a short fwrite) failed
    // for an I/O reason, whatever it threw.
    const int error = errno ? errno : EIO;
    const bool refused = std::ferror(file);
    std::fclose(file);
    if (refused) ThrowIo("cannot write", tmp, error);
    throw;
  }
  FinishFile(file, tmp);
}

}  // namespace

void WriteFileAtomically(const fs::path& path, const std::function<void(std::FILE*)>& write) {
  const fs::path tmp = path.string() + ".tmp";
  std::FILE* file = std::fopen(tmp.c_str(), "wb");
  if (!file) ThrowIo("cannot create", tmp, errno);  // nothing of ours to clean up
  try {
    FillAndClose(file, tmp, write);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
      ThrowIo("cannot rename " + tmp.string() + " over", path, errno);
    }
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
  SyncDirectory(path.parent_path());
}

}  // namespace facetrace

namespace facetrace {

void WriteTextFileAtomically(const std::filesystem::path& path, const std::string& text) {
  WriteFileAtomically(path, [&](std::FILE* file) {
    if (std::fwrite(text.data(), 1, text.size(), file) != text.size()) {
      throw Error(ErrorCode::kIo, "cannot write " + path.string() + ": " + std::strerror(errno));
    }
  });
}

}  // namespace facetrace
