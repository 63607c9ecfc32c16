// facetrace_bench: end-to-end throughput on real photos, with a per-stage breakdown.
//
//   build/facetrace_bench [--datasets ../shared/datasets] [--sets celeb5_kaggle,deepface,...]
//
// 1. baseline: a single-threaded loop of the same steps (read, decode, detect, align, embed,
//    catalog insert, index add), with BLAS and OpenCV held to one thread;
// 2. enroll: the engine's parallel Enroll() on all cores;
// 3. identify: the engine's batch identify on the probe half, per image and per search (ranked
//    by template, as `facetrace identify` does, and the same searches ranked by photo);
// 4. with --hog-recipe, the plain single-threaded dlib recipe (HOG detector, no flip fusion)
//    that issue 4 compares the engine with;
// 5. dlib's raw forward pass, one thread, on the aligned chips of a sample of the gallery: the
//    yardstick for the embed stage (issue 4: within 1.3x per face).
// Figures are medians over --repeat runs; the speed-up is computed within one run.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <ranges>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "align/face_aligner.h"
#include "detect/face_detector.h"
#include "embed/dlib_resnet_embedder.h"
#include "io/sha256.h"
#include "measure.h"
#include "pipeline/compute_threads.h"
#include "pipeline/enroller.h"
#include "pipeline/gallery.h"
#include "pipeline/image_batch.h"
#include "pipeline/input_paths.h"

namespace fs = std::filesystem;

namespace facetrace {
namespace {

using bench::Clock;
using bench::SecondsSince;

double Median(const std::vector<double>& v) { return bench::Percentile(v, 0.5); }

struct Split {
  std::vector<EnrollItem> gallery;
  std::vector<fs::path> probes;
};

// Per identity, sorted files: even positions enrolled, odd positions probes.
Split MakeSplit(const fs::path& datasets, const std::vector<std::string>& sets) {
  Split split;
  for (const std::string& set : sets) {
    std::string last_identity;
    size_t position = 0;
    for (const EnrollItem& item : ItemsFromFolder(datasets / set)) {
      position = item.identity == last_identity ? position + 1 : 0;
      last_identity = item.identity;
      if (position % 2 == 0) {
        EnrollItem named = item;
        named.identity = set + "/" + item.identity;
        split.gallery.push_back(named);
      } else {
        split.probes.push_back(item.image);
      }
    }
  }
  return split;
}

struct RunFigures {
  double seconds = 0;
  size_t images = 0;
  StageTimings stages;
  double index_seconds = 0;
};

// The single-threaded loop of the same steps, as a script would write it.
RunFigures SingleThreadedLoop(const std::vector<EnrollItem>& items, const fs::path& db,
                              const PipelineOptions& options) {
  const ComputeThreadsScope one_thread(2);  // >1 workers: BLAS and OpenCV held to one thread
  FacePipeline pipeline(options);
  auto gallery = Gallery::Open(db, pipeline.embedder_info());
  RunFigures figures;
  const auto start = Clock::now();
  for (const EnrollItem& item : items) {
    try {
      const auto bytes = pipeline.ReadBytes(item.image);
      const std::string sha = Sha256Hex(bytes);
      const LoadedImage image = pipeline.Decode(bytes, item.image.string());
      std::vector<Face> faces = pipeline.ProcessImage(image.bgr);
      const int main = MainFaceIndex(faces);
      if (main < 0) continue;
      const auto index_start = Clock::now();
      ImageRecord record;
      record.sha256 = sha;
      record.path = item.image.string();
      record.identity_id = gallery->catalog().EnsureIdentity(item.identity);
      FaceRecord face;
      face.identity_id = record.identity_id;
      face.box = faces[main].detection.box;
      face.model_id = pipeline.embedder_info().model_id;
      face.embedding = faces[main].embedding;
      if (auto ids = gallery->catalog().AddImage(record, {face}))
        gallery->IndexFaces(*ids, {face.embedding});
      figures.index_seconds += SecondsSince(index_start);
    } catch (const Error& e) {
      std::fprintf(stderr, "baseline: %s\n", e.what());
    }
    ++figures.images;
  }
  gallery->SaveIndex();
  figures.seconds = SecondsSince(start);
  figures.stages = pipeline.timings();
  return figures;
}

RunFigures ParallelEnroll(const std::vector<EnrollItem>& items, const fs::path& db,
                          const PipelineOptions& options, int threads) {
  auto gallery = Gallery::Open(db, DescribePipelineEmbedder(options));
  EnrollOptions enroll;
  enroll.threads = threads;
  enroll.pipeline = options;
  const EnrollSummary summary = Enroll(*gallery, items, enroll);
  RunFigures figures;
  figures.seconds = summary.seconds;
  figures.images = summary.total();
  figures.stages = summary.stages;
  return figures;
}

struct IdentifyFigures {
  double seconds = 0;
  size_t images = 0;
  size_t faces = 0;
  double search_seconds = 0;        // ranked by template, as `facetrace identify` does
  double photo_search_seconds = 0;  // the same faces ranked by photo (--rank-by photo)
  StageTimings stages;
};

IdentifyFigures BatchIdentify(const std::vector<fs::path>& probes, const fs::path& db,
                              const PipelineOptions& options, int threads) {
  auto gallery =
      Gallery::Open(db, DescribePipelineEmbedder(options), {.rank_by = Comparison::kMeanTemplate});
  auto by_photo = Gallery::Open(db, DescribePipelineEmbedder(options));
  IdentifyFigures figures;
  BatchOptions batch;
  batch.threads = threads;
  batch.pipeline = options;
  const auto start = Clock::now();
  figures.stages = ProcessImages(probes, batch, [&](ImageResult&& result) {
    ++figures.images;
    for (const Face& face : result.faces) {
      const auto search_start = Clock::now();
      (void)gallery->Search(face.embedding, 5);
      figures.search_seconds += SecondsSince(search_start);
      const auto photo_start = Clock::now();
      (void)by_photo->Search(face.embedding, 5);
      figures.photo_search_seconds += SecondsSince(photo_start);
      ++figures.faces;
    }
  });
  figures.seconds = SecondsSince(start);
  return figures;
}

// The aligned chips of `count` gallery photos spread over all sets (their largest face), for
// the raw forward pass.
std::vector<FaceChip> SampleChips(const std::vector<EnrollItem>& items, size_t count) {
  const ModelPaths models = ModelPaths::Resolve();
  auto detector = CreateFaceDetector("yunet", models, {.search = FaceSearch::kLargestFace});
  const FaceAligner aligner(models.Require(ModelFiles::kShapePredictor5));
  std::vector<FaceChip> chips;
  const size_t step = std::max<size_t>(items.size() / count, 1);
  for (size_t i = 0; i < items.size() && chips.size() < count; i += step) {
    const cv::Mat bgr = cv::imread(items[i].image.string(), cv::IMREAD_COLOR);
    if (bgr.empty()) continue;
    const std::vector<Detection> faces = detector->Detect(bgr);
    const auto largest = std::max_element(
        faces.begin(), faces.end(),
        [](const Detection& a, const Detection& b) { return a.box.area() < b.box.area(); });
    if (largest != faces.end()) chips.push_back(aligner.Align(bgr, *largest).chip);
  }
  return chips;
}

// dlib's forward pass alone, in milliseconds per face: one chip per call as the enroll
// pipeline embeds its one face per photo, one thread, no flip. EmbedChips adds only the copy
// of 128 floats to dlib's net(chips).
double RawForwardMsPerFace(DlibResnetEmbedder& net, const std::vector<FaceChip>& chips) {
  const ComputeThreadsScope one_thread(2);  // >1 workers: BLAS and OpenCV held to one thread
  const auto start = Clock::now();
  for (const FaceChip& chip : chips) (void)net.EmbedChips({chip});
  return 1000 * SecondsSince(start) / static_cast<double>(std::max<size_t>(chips.size(), 1));
}

// Forward passes the embedder of `options` runs per face: the chip, its mirror, its jitters.
int ForwardPassesPerFace(const EmbedderOptions& options) {
  return 1 + (options.flip_fusion ? 1 : 0) + options.jitters;
}

nlohmann::json StagesJson(const StageTimings& s, size_t images) {
  const double n = static_cast<double>(std::max<size_t>(images, 1));
  return {{"decode_ms", 1000 * s.decode / n},
          {"detect_ms", 1000 * s.detect / n},
          {"align_ms", 1000 * s.align / n},
          {"embed_ms", 1000 * s.embed / n},
          {"faces_embedded", s.faces}};
}

int Main(int argc, char** argv) {
  CLI::App app{"facetrace end-to-end benchmark"};
  std::string datasets = "../shared/datasets";
  std::string sets = "celeb5_kaggle,deepface,facerecjs_bbt,orl_att";
  std::string detector = "yunet";
  int repeat = 3;
  int threads = 0;
  std::string json_out;
  bool hog_recipe = false;
  app.add_option("--datasets", datasets, "Folder of the shared datasets")->capture_default_str();
  app.add_option("--sets", sets, "Comma-separated dev sets")->capture_default_str();
  app.add_option("--detector", detector, "Face detector")->capture_default_str();
  app.add_option("--repeat", repeat, "Runs per measurement (median reported)")
      ->capture_default_str();
  app.add_option("--threads", threads, "Enroll/identify workers (0: one per core)");
  app.add_option("--json", json_out, "Also write the figures to this JSON file");
  app.add_flag("--hog-recipe", hog_recipe,
               "Also time a single-threaded dlib recipe: HOG detector, no flip fusion");
  CLI11_PARSE(app, argc, argv);

  std::vector<std::string> set_list;
  for (auto part : std::views::split(sets, ',')) set_list.emplace_back(part.begin(), part.end());
  const Split split = MakeSplit(datasets, set_list);
  PipelineOptions options;
  options.detector = detector;
  const int workers = ResolveThreadCount(threads);
  const fs::path scratch =
      fs::temp_directory_path() / fmt::format("facetrace-bench-{}", ::getpid());
  fs::create_directories(scratch);

  PipelineOptions enroll_steps = options;  // what Enroll() runs: the largest face only
  enroll_steps.detector_options.search = FaceSearch::kLargestFace;
  PipelineOptions recipe = options;
  recipe.detector = "hog";
  recipe.embedder_options.flip_fusion = false;
  const std::vector<FaceChip> chips = SampleChips(split.gallery, 100);
  DlibResnetEmbedder raw_net(ModelPaths::Resolve().Require(ModelFiles::kResnet),
                             {.flip_fusion = false, .batch_size = 1});
  const int passes = ForwardPassesPerFace(options.embedder_options);
  std::vector<double> base_rate, par_rate, ident_ms, search_ms, photo_search_ms, hog_rate, raw_ms,
      embed_ratio;
  RunFigures base, par;
  IdentifyFigures ident;
  for (int r = 0; r < repeat; ++r) {
    base = SingleThreadedLoop(split.gallery, scratch / fmt::format("base{}.db", r), enroll_steps);
    par = ParallelEnroll(split.gallery, scratch / fmt::format("par{}.db", r), options, workers);
    ident = BatchIdentify(split.probes, scratch / fmt::format("par{}.db", r), options, workers);
    if (hog_recipe) {
      const RunFigures hog =
          SingleThreadedLoop(split.gallery, scratch / fmt::format("hog{}.db", r), recipe);
      hog_rate.push_back(hog.images / hog.seconds);
      std::fprintf(stderr, "run %d: dlib HOG recipe %.2f img/s\n", r + 1, hog_rate.back());
    }
    raw_ms.push_back(RawForwardMsPerFace(raw_net, chips));
    const double embed_ms_per_pass = 1000 * base.stages.embed /
                                     static_cast<double>(std::max<size_t>(base.stages.faces, 1)) /
                                     passes;
    embed_ratio.push_back(embed_ms_per_pass / raw_ms.back());
    std::fprintf(stderr, "run %d: embed stage %.2f ms per face and pass, raw forward %.2f ms\n",
                 r + 1, embed_ms_per_pass, raw_ms.back());
    base_rate.push_back(base.images / base.seconds);
    par_rate.push_back(par.images / par.seconds);
    ident_ms.push_back(1000 * ident.seconds /
                       static_cast<double>(std::max<size_t>(ident.images, 1)));
    search_ms.push_back(1000 * ident.search_seconds /
                        static_cast<double>(std::max<size_t>(ident.faces, 1)));
    photo_search_ms.push_back(1000 * ident.photo_search_seconds /
                              static_cast<double>(std::max<size_t>(ident.faces, 1)));
    std::fprintf(stderr,
                 "run %d: baseline %.2f img/s, enroll %.2f img/s (x%.2f), identify %.1f ms/img\n",
                 r + 1, base_rate.back(), par_rate.back(), par_rate.back() / base_rate.back(),
                 ident_ms.back());
  }
  std::vector<double> speedups, vs_hog;
  for (size_t i = 0; i < base_rate.size(); ++i) speedups.push_back(par_rate[i] / base_rate[i]);
  for (size_t i = 0; i < hog_rate.size(); ++i) vs_hog.push_back(par_rate[i] / hog_rate[i]);

  nlohmann::json figures = {
      {"sets", set_list},
      {"gallery_images", split.gallery.size()},
      {"probe_images", split.probes.size()},
      {"cores", std::thread::hardware_concurrency()},
      {"workers", workers},
      {"repeat", repeat},
      {"baseline_single_thread_images_per_s", Median(base_rate)},
      {"enroll_images_per_s", Median(par_rate)},
      {"enroll_speedup_vs_single_thread", Median(speedups)},
      {"identify_ms_per_image", Median(ident_ms)},
      {"search_ms_per_face", Median(search_ms)},
      {"search_by_photo_ms_per_face", Median(photo_search_ms)},
      {"baseline_stages_per_image", StagesJson(base.stages, base.images)},
      {"baseline_index_ms_per_image", 1000 * base.index_seconds / std::max<size_t>(base.images, 1)},
      {"enroll_stages_per_image_cpu", StagesJson(par.stages, par.images)},
      {"forward_passes_per_face", passes},
      {"raw_forward_ms_per_face", Median(raw_ms)},
      {"raw_forward_sample_chips", chips.size()},
      {"embed_stage_per_pass_vs_raw_forward", Median(embed_ratio)},
      {"identify_stages_per_image_cpu", StagesJson(ident.stages, ident.images)},
  };
  if (hog_recipe) {
    figures["dlib_hog_recipe_images_per_s"] = Median(hog_rate);
    figures["enroll_speedup_vs_dlib_hog_recipe"] = Median(vs_hog);
  }
  std::printf("%s\n", figures.dump(2).c_str());
  if (!json_out.empty()) {
    std::FILE* f = std::fopen(json_out.c_str(), "w");
    if (f) {
      std::fputs(figures.dump(2).c_str(), f);
      std::fclose(f);
    }
  }
  fs::remove_all(scratch);
  return 0;
}

}  // namespace
}  // namespace facetrace

int main(int argc, char** argv) { return facetrace::Main(argc, argv); }
