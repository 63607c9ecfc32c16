#include "index/vector_store.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <faiss/utils/fp16.h>

#include "core/error.h"

namespace facetrace {

namespace {

// The header: a magic string and the dimension, so a foreign or mismatched file is refused
// rather than read as vectors.
constexpr char kMagic[8] = {'F', 'T', 'V', 'E', 'C', '1', '6', '\n'};
constexpr uint64_t kHeaderBytes = 16;

[[noreturn]] void ThrowIo(const std::string& what, const std::filesystem::path& path) {
  throw Error(ErrorCode::kIo, what + " " + path.string() + ": " + std::strerror(errno));
}

void WriteAll(int fd, const void* data, size_t bytes, uint64_t offset,
              const std::filesystem::path& path) {
  const auto* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t n = ::pwrite(fd, p, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ThrowIo("cannot write vector store", path);
    p += n;
    bytes -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
}

}  // namespace

std::unique_ptr<VectorStore> VectorStore::Open(const std::filesystem::path& path, int dim,
                                               bool writable) {
  if (dim <= 0) {
    throw Error(ErrorCode::kInvalidArgument, "vector store dimension must be positive");
  }
  const int fd =
      ::open(path.c_str(), writable ? O_RDWR | O_CREAT | O_CLOEXEC : O_RDONLY | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == ENOENT && !writable) {
      throw Error(ErrorCode::kIndex, "vector store " + path.string() +
                                         " is missing: rebuild the index (facetrace index build)");
    }
    ThrowIo("cannot open vector store", path);
  }
  std::unique_ptr<VectorStore> store(new VectorStore(path, dim, fd, writable));
  struct stat st {};
  if (::fstat(fd, &st) != 0) ThrowIo("cannot stat vector store", path);
  char header[kHeaderBytes] = {};
  std::memcpy(header, kMagic, sizeof kMagic);
  const auto stored_dim = static_cast<uint32_t>(dim);
  if (st.st_size == 0 && writable) {
    std::memcpy(header + sizeof kMagic, &stored_dim, sizeof stored_dim);
    WriteAll(fd, header, kHeaderBytes, 0, path);
    store->file_bytes_ = kHeaderBytes;
  } else {
    uint32_t file_dim = 0;
    if (static_cast<uint64_t>(st.st_size) < kHeaderBytes ||
        ::pread(fd, header, kHeaderBytes, 0) != static_cast<ssize_t>(kHeaderBytes) ||
        std::memcmp(header, kMagic, sizeof kMagic) != 0) {
      throw Error(ErrorCode::kIndex, path.string() + " is not a facetrace vector store");
    }
    std::memcpy(&file_dim, header + sizeof kMagic, sizeof file_dim);
    if (file_dim != stored_dim) {
      throw Error(ErrorCode::kIndex, "vector store " + path.string() + " holds vectors of dim " +
                                         std::to_string(file_dim) + ", not " + std::to_string(dim));
    }
    store->file_bytes_ = static_cast<uint64_t>(st.st_size);
  }
  store->Remap();
  return store;
}

VectorStore::VectorStore(std::filesystem::path path, int dim, int fd, bool writable)
    : path_(std::move(path)), dim_(dim), fd_(fd), writable_(writable) {}

VectorStore::~VectorStore() {
  if (map_ != nullptr) ::munmap(const_cast<std::byte*>(map_), mapped_bytes_);
  ::close(fd_);
}

void VectorStore::Remap() {
  if (mapped_bytes_ == file_bytes_) return;
  if (map_ != nullptr) ::munmap(const_cast<std::byte*>(map_), mapped_bytes_);
  map_ = nullptr;
  mapped_bytes_ = 0;
  // Reads only, even when writable: rows are written with pwrite, which the shared mapping
  // sees at once (one page cache), and a stray write through a pointer cannot happen.
  void* p = ::mmap(nullptr, file_bytes_, PROT_READ, MAP_SHARED, fd_, 0);
  if (p == MAP_FAILED) ThrowIo("cannot map vector store", path_);
  // Re-ranking reads a few scattered rows per search: no read-ahead of neighbouring pages.
  ::madvise(p, file_bytes_, MADV_RANDOM);
  map_ = static_cast<const std::byte*>(p);
  mapped_bytes_ = file_bytes_;
}

void VectorStore::Put(std::span<const int64_t> ids, std::span<const float> vectors) {
  const auto dim = static_cast<size_t>(dim_);
  if (vectors.size() != ids.size() * dim) {
    throw Error(ErrorCode::kInvalidArgument, "VectorStore::Put: " + std::to_string(vectors.size()) +
                                                 " floats for " + std::to_string(ids.size()) +
                                                 " ids");
  }
  if (!writable_)
    throw Error(ErrorCode::kIndex, "vector store " + path_.string() + " is read-only");
  const uint64_t row_bytes = dim * sizeof(uint16_t);
  // Consecutive ids (the usual case: catalog ids grow) go out in one write.
  std::vector<uint16_t> run;
  size_t first = 0;
  const auto flush = [&](size_t end) {
    if (end == first) return;
    const uint64_t offset = kHeaderBytes + static_cast<uint64_t>(ids[first]) * row_bytes;
    WriteAll(fd_, run.data(), run.size() * sizeof(uint16_t), offset, path_);
    file_bytes_ = std::max(file_bytes_, offset + run.size() * sizeof(uint16_t));
    run.clear();
    first = end;
  };
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0) {
      throw Error(ErrorCode::kInvalidArgument,
                  "VectorStore::Put: negative id " + std::to_string(ids[i]));
    }
    if (i > first && ids[i] != ids[i - 1] + 1) flush(i);
    for (size_t d = 0; d < dim; ++d) run.push_back(faiss::encode_fp16(vectors[i * dim + d]));
  }
  flush(ids.size());
  Remap();
}

bool VectorStore::Covers(int64_t id) const {
  return id >= 0 &&
         kHeaderBytes + (static_cast<uint64_t>(id) + 1) * static_cast<uint64_t>(dim_) * 2 <=
             mapped_bytes_;
}

const uint16_t* VectorStore::Row(int64_t id) const {
  return reinterpret_cast<const uint16_t*>(
      map_ + kHeaderBytes + static_cast<uint64_t>(id) * static_cast<uint64_t>(dim_) * 2);
}

void VectorStore::Get(int64_t id, float* out) const {
  const uint16_t* row = Row(id);
  for (int d = 0; d < dim_; ++d) out[d] = faiss::decode_fp16(row[d]);
}

float VectorStore::SquaredDistance(int64_t id, const float* query) const {
  const uint16_t* row = Row(id);
  float sum = 0;
  for (int d = 0; d < dim_; ++d) {
    const float diff = query[d] - faiss::decode_fp16(row[d]);
    sum += diff * diff;
  }
  return sum;
}

void VectorStore::Sync() {
  if (writable_ && ::fsync(fd_) != 0) ThrowIo("cannot sync vector store", path_);
}

}  // namespace facetrace
