#include "io/image_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <climits>
#include <new>
#include <system_error>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "io/gif_decoder.h"
#include "io/sha256.h"
#include "io/truncation.h"

namespace facetrace {
namespace {

// ANYDEPTH and ANYCOLOR keep 16-bit and grey data as they are so the conversion below is ours
// and was_grey can be reported. OpenCV 4.6 still applies EXIF orientation with these flags (it
// skips it only for IMREAD_UNCHANGED or IMREAD_IGNORE_ORIENTATION); a test pins that down.
constexpr int kDecodeFlags = cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR;

[[noreturn]] void Fail(ErrorCode code, const std::string& name, const std::string& what) {
  throw Error(code, name + ": " + what);
}

// strerror is not thread-safe and files are loaded in parallel.
std::string ErrnoMessage(int error) { return std::system_category().message(error); }

// Closes a POSIX file descriptor when the read is over, whatever happens.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void ThrowFileTooLarge(const std::string& name, int64_t size, int64_t max_bytes) {
  Fail(ErrorCode::kImageTooLarge, name,
       "file is larger than the limit of " + std::to_string(max_bytes) + " bytes" +
           (size >= 0 ? " (" + std::to_string(size) + " bytes)" : ""));
}

void CheckPixelLimit(const ImageHeader& header, const std::string& name, int64_t max_pixels) {
  if (header.pixels() <= max_pixels) return;
  Fail(ErrorCode::kImageTooLarge, name,
       std::string(ImageFormatName(header.format)) + " image is " + std::to_string(header.width) +
           "x" + std::to_string(header.height) + " (" + std::to_string(header.pixels()) +
           " pixels), above the limit of " + std::to_string(max_pixels) + " pixels");
}

cv::Mat DecodeWithOpenCv(std::span<const uint8_t> bytes, const std::string& name) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    Fail(ErrorCode::kImageTooLarge, name, "more data than OpenCV can decode");
  }
  const cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8UC1,
                        const_cast<uint8_t*>(bytes.data()));  // imdecode only reads it
  cv::Mat decoded = cv::imdecode(encoded, kDecodeFlags);
  if (decoded.empty()) Fail(ErrorCode::kCorruptImage, name, "the image data cannot be decoded");
  return decoded;
}

// 16-bit samples are scaled (65535 -> 255); float ones (TIFF) have no fixed range, so theirs
// is stretched to 0..255.
cv::Mat To8Bit(const cv::Mat& image) {
  if (image.depth() == CV_8U) return image;
  cv::Mat out;
  if (image.depth() == CV_16U) {
    image.convertTo(out, CV_8U, 1.0 / 257.0);
  } else {
    cv::normalize(image, out, 0, 255, cv::NORM_MINMAX, CV_8U);
  }
  return out;
}

cv::Mat ToBgr(const cv::Mat& image, bool* was_grey, const std::string& name) {
  cv::Mat out;
  switch (image.channels()) {
    case 1:
      *was_grey = true;
      cv::cvtColor(image, out, cv::COLOR_GRAY2BGR);
      return out;
    case 3:
      return image;
    case 4:  // OpenCV 4.6 drops alpha itself without IMREAD_UNCHANGED; other versions may not
      cv::cvtColor(image, out, cv::COLOR_BGRA2BGR);
      return out;
    default:
      Fail(ErrorCode::kUnsupportedFormat, name,
           std::to_string(image.channels()) + "-channel images are not supported");
  }
}

// GIF is palette-based: call it grey when every pixel is (yalefaces are).
bool IsAllGrey(const cv::Mat& bgr) {
  for (int y = 0; y < bgr.rows; ++y) {
    const auto* row = bgr.ptr<cv::Vec3b>(y);
    for (int x = 0; x < bgr.cols; ++x) {
      if (row[x][0] != row[x][1] || row[x][1] != row[x][2]) return false;
    }
  }
  return true;
}

void DecodePixels(std::span<const uint8_t> bytes, const std::string& name, LoadedImage* image) {
  if (image->header.format == ImageFormat::kGif) {
    image->bgr = DecodeGifFirstFrame(bytes, name);
    image->was_grey = IsAllGrey(image->bgr);
    return;
  }
  image->bgr = ToBgr(To8Bit(DecodeWithOpenCv(bytes, name)), &image->was_grey, name);
}

}  // namespace

std::vector<uint8_t> ReadFileBytes(const std::filesystem::path& path, int64_t max_bytes) {
  const std::string name = path.string();
  // O_NONBLOCK: opening a FIFO must not hang; it is refused below as not a regular file.
  const FileDescriptor fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) {
    const int error = errno;
    Fail(error == ENOENT || error == ENOTDIR ? ErrorCode::kNotFound : ErrorCode::kIo, name,
         error == ENOENT ? "no such file" : ErrnoMessage(error));
  }
  struct stat info {};
  if (fstat(fd.get(), &info) != 0) Fail(ErrorCode::kIo, name, ErrnoMessage(errno));
  if (S_ISDIR(info.st_mode)) Fail(ErrorCode::kIo, name, "is a directory, not an image file");
  if (!S_ISREG(info.st_mode)) Fail(ErrorCode::kIo, name, "is not a regular file");
  if (info.st_size > max_bytes) ThrowFileTooLarge(name, info.st_size, max_bytes);

  // Read to EOF rather than trusting st_size: the file may change while we read it.
  std::vector<uint8_t> bytes;
  bytes.reserve(static_cast<size_t>(info.st_size));
  std::array<uint8_t, 1 << 16> chunk;
  for (;;) {
    const ssize_t got = read(fd.get(), chunk.data(), chunk.size());
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      Fail(ErrorCode::kIo, name, ErrnoMessage(errno));
    }
    if (static_cast<int64_t>(bytes.size()) + got > max_bytes) {
      ThrowFileTooLarge(name, -1, max_bytes);
    }
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + got);
  }
  if (bytes.empty()) Fail(ErrorCode::kEmptyFile, name, "empty file (0 bytes)");
  return bytes;
}

LoadedImage DecodeImage(std::span<const uint8_t> bytes, const std::string& name,
                        const ImageLoadOptions& options) {
  LoadedImage image;
  image.header = ReadImageHeader(bytes, name);
  CheckPixelLimit(image.header, name, options.max_pixels);
  if (IsTruncated(bytes, image.header.format)) {
    Fail(ErrorCode::kCorruptImage, name,
         "truncated " + std::string(ImageFormatName(image.header.format)) +
             " (the data ends before the end-of-image marker)");
  }
  try {
    DecodePixels(bytes, name, &image);
  } catch (const cv::Exception& e) {
    Fail(ErrorCode::kCorruptImage, name, std::string("OpenCV cannot decode it: ") + e.what());
  } catch (const std::bad_alloc&) {
    Fail(ErrorCode::kImageTooLarge, name, "out of memory while decoding it");
  }
  image.sha256 = Sha256Hex(bytes);
  return image;
}

LoadedImage LoadImage(const std::filesystem::path& path, const ImageLoadOptions& options) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path, options.max_file_bytes);
  return DecodeImage(bytes, path.string(), options);
}

bool HasImageExtension(const std::filesystem::path& path) {
  static constexpr std::string_view kExtensions[] = {".jpg", ".jpeg", ".png",  ".webp",
                                                     ".bmp", ".tif",  ".tiff", ".pgm",
                                                     ".ppm", ".pnm",  ".pbm",  ".gif"};
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::ranges::find(kExtensions, extension) != std::end(kExtensions);
}

}  // namespace facetrace
