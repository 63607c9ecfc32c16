// facetrace_enroll_memory: peak memory of enrolling a large folder of real-size photos (issue 4).
//
//   build/facetrace_enroll_memory --images 100000 --work /tmp/ft-memory [--side 1600]
//
// 1. Generates --images unique photos of --side px (long side, 4:3) under <work>/gallery, one
//    sub-folder per identity: each is a real dataset photo placed at a random position and size
//    on a random smooth background with sensor-like noise, so every file has its own bytes and
//    the detector, aligner and embedder do real work. Existing files are reused, so the folder
//    is generated once.
// 2. Runs the real CLI, `facetrace enroll <work>/gallery --db <work>/gallery.db`, and samples its
//    resident memory (VmRSS) every second from /proc, printing the series and the peak (VmHWM).
// A flat series shows the bounded queue at work: memory does not grow with the folder.
//    With --keep-catalog the catalog of an earlier run is kept and the enroll resumes where that
//    one stopped (a stopped enroll loses nothing), so a folder too large for one sitting can be
//    enrolled in parts; the largest part's peak is the run's.
// 3. With --resume-check, runs the same enroll twice more and prints each run's seconds: once
//    as it is (every file unchanged: skipped unread, Catalog::SeenFile), once after touching
//    every file (each is read and hashed, as every resume did before files were remembered).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <ranges>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "measure.h"

namespace fs = std::filesystem;
using facetrace::bench::Clock;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

struct Source {
  std::string identity;
  cv::Mat photo;
};

std::vector<Source> LoadSources(const fs::path& datasets, const std::vector<std::string>& sets) {
  std::vector<Source> sources;
  for (const std::string& set : sets) {
    for (const auto& identity : fs::directory_iterator(datasets / set)) {
      if (!identity.is_directory()) continue;
      for (const auto& file : fs::directory_iterator(identity.path())) {
        cv::Mat photo = cv::imread(file.path().string(), cv::IMREAD_COLOR);
        if (!photo.empty())
          sources.push_back({set + "_" + identity.path().filename().string(), photo});
      }
    }
  }
  return sources;
}

// One synthetic real-size photo: `source` at a random place and size on a random background.
cv::Mat Compose(const Source& source, int side, std::mt19937& rng) {
  const int width = side;
  const int height = side * 3 / 4;
  std::uniform_real_distribution<double> unit(0, 1);
  cv::Mat small(3, 4, CV_8UC3);
  cv::randu(small, cv::Scalar::all(40), cv::Scalar::all(220));
  cv::Mat canvas;
  cv::resize(small, canvas, {width, height}, 0, 0, cv::INTER_CUBIC);
  cv::Mat noisy;
  canvas.convertTo(noisy, CV_16SC3);
  cv::Mat noise(height, width, CV_16SC3);
  cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(6));
  noisy += noise;
  noisy.convertTo(canvas, CV_8UC3);                 // saturating
  const double fraction = 0.25 + 0.45 * unit(rng);  // of the canvas height
  const int h = static_cast<int>(height * fraction);
  const int w = std::min(width, h * source.photo.cols / std::max(1, source.photo.rows));
  cv::Mat placed;
  cv::resize(source.photo, placed, {w, h}, 0, 0, cv::INTER_LINEAR);
  const int x = static_cast<int>((width - w) * unit(rng));
  const int y = static_cast<int>((height - h) * unit(rng));
  placed.copyTo(canvas(cv::Rect(x, y, w, h)));
  return canvas;
}

void GeneratePhoto(const std::vector<Source>& sources, int i, int side, const fs::path& gallery) {
  const Source& source = sources[static_cast<size_t>(i) % sources.size()];
  const fs::path file = gallery / source.identity / fmt::format("{:07d}.jpg", i);
  if (fs::exists(file)) return;
  std::mt19937 rng(static_cast<unsigned>(i));  // photo i is the same whenever it is drawn
  const cv::Mat photo = Compose(source, side, rng);
  fs::create_directories(file.parent_path());
  std::vector<uint8_t> jpeg;
  if (!cv::imencode(".jpg", photo, jpeg, {cv::IMWRITE_JPEG_QUALITY, 88})) {
    throw std::runtime_error("cannot encode " + file.string());
  }
  // Written under another name and renamed: a run stopped mid-write leaves no half photo that
  // the next run would take as done (the next run writes that photo again over the .part).
  const fs::path partial = file.string() + ".part";
  {
    std::ofstream out(partial, std::ios::binary);
    out.write(reinterpret_cast<const char*>(jpeg.data()),
              static_cast<std::streamsize>(jpeg.size()));
    if (!out.flush()) throw std::runtime_error("cannot write " + partial.string());
  }
  fs::rename(partial, file);
}

// On every core: at about 37 ms of CPU a photo, 100k photos are an hour of one core.
void Generate(const std::vector<Source>& sources, int count, int side, const fs::path& gallery) {
  const auto start = Clock::now();
  std::atomic<int> next{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < std::max(1u, std::thread::hardware_concurrency()); ++t) {
    workers.emplace_back([&] {
      try {
        for (int i = next++; i < count; i = next++) {
          GeneratePhoto(sources, i, side, gallery);
          if ((i + 1) % 5000 == 0) {
            std::fprintf(stderr, "generated %d photos (%.0f s)\n", i + 1,
                         facetrace::bench::SecondsSince(start));
          }
        }
      } catch (...) {
        const std::lock_guard lock(failure_mutex);
        failure = std::current_exception();
        next = count;  // the others stop too
      }
    });
  }
  for (auto& worker : workers) worker.join();
  if (failure) std::rethrow_exception(failure);
}

int Enroll(const fs::path& facetrace, const fs::path& work) {
  const std::string gallery = (work / "gallery").string();
  const std::string db = (work / "gallery.db").string();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    execl(facetrace.c_str(), facetrace.c_str(), "enroll", gallery.c_str(), "--db", db.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto start = Clock::now();
  const std::string child = std::to_string(pid);
  double peak = 0;
  std::printf("seconds,rss_mib\n");
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    // Sampled after the sleep: just after fork the child is still a copy of this process.
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const double rss = facetrace::bench::ProcStatusBytes("VmRSS", child) / kMiB;
    if (rss == 0) continue;  // exited during the sleep: nothing left to read
    peak = std::max(peak, facetrace::bench::ProcStatusBytes("VmHWM", child) / kMiB);
    std::printf("%.0f,%.1f\n", facetrace::bench::SecondsSince(start), rss);
    std::fflush(stdout);
  }
  std::printf("peak_rss_mib=%.1f seconds=%.2f\n", peak, facetrace::bench::SecondsSince(start));
  // Exit 2: some photos had no face or failed (reported on stderr); the run itself went through.
  if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 2)) {
    std::fprintf(stderr, "facetrace_enroll_memory: facetrace enroll did not succeed (status %d)\n",
                 status);
    return 1;
  }
  return 0;
}

// Runs the enroll of an already enrolled folder again, as it is and after touching every file.
int ResumeCheck(const fs::path& facetrace, const fs::path& work) {
  std::printf("# resume, every file unchanged\n");
  if (Enroll(facetrace, work) != 0) return 1;
  const auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::recursive_directory_iterator(work / "gallery")) {
    if (entry.is_regular_file()) fs::last_write_time(entry.path(), now);
  }
  std::printf("# resume, every file touched\n");
  return Enroll(facetrace, work);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"facetrace enroll peak-memory benchmark"};
  int images = 100000;
  int side = 1600;
  std::string work = "/tmp/facetrace-memory";
  std::string datasets = "../shared/datasets";
  std::string sets = "celeb5_kaggle,facerecjs_bbt,deepface";
  std::string facetrace = "build/facetrace";
  bool generate_only = false;
  bool resume_check = false;
  bool keep_catalog = false;
  app.add_option("--images", images, "Photos to generate and enroll")->capture_default_str();
  app.add_option("--side", side, "Long side of each photo, px")->capture_default_str();
  app.add_option("--work", work, "Scratch folder (gallery + catalog)")->capture_default_str();
  app.add_option("--datasets", datasets, "Shared datasets folder")->capture_default_str();
  app.add_option("--sets", sets, "Comma-separated sets the faces come from")->capture_default_str();
  app.add_option("--facetrace", facetrace, "The facetrace binary")->capture_default_str();
  app.add_flag("--generate-only", generate_only, "Only generate the photos");
  app.add_flag("--keep-catalog", keep_catalog,
               "Resume the enroll of an earlier run instead of starting over, so that a large "
               "folder can be enrolled in parts (each part's peak is printed)");
  app.add_flag("--resume-check", resume_check,
               "Then time two more runs: files unchanged, and every file touched");
  CLI11_PARSE(app, argc, argv);
  try {
    std::vector<std::string> set_list;
    for (auto part : std::views::split(sets, ',')) set_list.emplace_back(part.begin(), part.end());
    const auto sources = LoadSources(datasets, set_list);
    if (sources.empty()) throw std::runtime_error("no source photos in " + datasets);
    Generate(sources, images, side, fs::path(work) / "gallery");
    if (generate_only) return 0;
    if (!keep_catalog) {
      for (const char* stale : {"gallery.db", "gallery.db-wal", "gallery.db-shm"}) {
        fs::remove(fs::path(work) / stale);
      }
      for (const auto& entry : fs::directory_iterator(work)) {  // the index sidecars
        if (entry.path().filename().string().rfind("gallery.db.", 0) == 0) fs::remove(entry.path());
      }
    }
    const int status = Enroll(fs::absolute(facetrace), work);
    if (status != 0 || !resume_check) return status;
    return ResumeCheck(fs::absolute(facetrace), work);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "facetrace_enroll_memory: %s\n", e.what());
    return 1;
  }
}
