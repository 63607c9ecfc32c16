// facetrace_index_bench: FAISS index choices on synthetic face-like galleries (issue 4).
//
// Galleries up to 50M faces do not fit in memory as floats (25.6 GB), so the work is split
// into steps that stream the gallery and leave files behind, and searches can be re-measured
// without rebuilding:
//
//   facetrace_index_bench build  --faces 10000000 --factory HNSW32 --out /data/10m_hnsw32.faiss
//   facetrace_index_bench truth  --faces 10000000 --probes 200 --out /data/10m.truth
//   facetrace_index_bench search --index /data/10m_hnsw32.faiss --truth /data/10m.truth
//                                --breadth 64,128,256 [--rerank 100,200] [--map]
//   facetrace_index_bench check  --faces 50000 [--model M] [--embeddings real.jsonl]
//                                (generator distances vs a real model's)
//   facetrace_index_bench fit    --embeddings real.jsonl --out M   (embedding_model.h)
//
// build, truth and check take --model M to draw the gallery from a model fitted on real
// embeddings instead of the isotropic default (synthetic_embeddings.h). A truth file is only
// valid for an index built from the same generator and size: name the files after both.
//
// build prints train/add/save times, peak resident memory and bytes per face (in memory and
// on disk); truth finds the exact top-k of each probe by a streamed brute-force scan; search
// prints load time, resident memory, single-probe p50/p95, recall@k against the truth, mate
// recall (the share of the probe's own person's gallery faces in the top k: what
// identification needs, whatever strangers fill the rest), and the per-probe time of one batch
// call with all probes (FAISS's BLAS path for Flat). Timings are
// wall clock on whatever else runs on the machine, so CPU time is printed beside them: report
// the load with both. On a busy machine run search with OMP_NUM_THREADS=1: FAISS's thread
// team loses a time slice whenever a member waits. On a quiet one, OMP_NUM_THREADS=2 shows
// what splitting an IVF probe's lists between the cores gains (FaceIndex sets parallel_mode 1).
#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "index/bounded_scan_flat.h"
#include "index/embedding_model.h"
#include "index/face_index.h"
#include "index/synthetic_embeddings.h"
#include "measure.h"

namespace facetrace::bench {
namespace {

namespace fs = std::filesystem;

// CPU seconds of the calling thread (process: all threads). On a shared machine wall time
// includes waiting for a core; CPU time is what the search itself cost.
double CpuSeconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::vector<int> ParseInts(const std::string& text) {
  std::vector<int> values;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) values.push_back(std::stoi(item));
  }
  return values;
}

uint64_t BytesOf(const std::vector<fs::path>& files) {
  uint64_t bytes = 0;
  for (const auto& f : files) bytes += fs::file_size(f);
  return bytes;
}

constexpr int64_t kChunk = 1 << 20;
constexpr uint64_t kProbeSeed = 2;

// The generator of a `faces`-face gallery: isotropic, or the model saved at `model_path`.
SyntheticOptions Generator(int64_t faces, const std::string& model_path) {
  SyntheticOptions options;
  options.faces = faces;
  if (!model_path.empty()) {
    options.model = std::make_shared<const EmbeddingModel>(LoadEmbeddingModel(model_path));
  }
  return options;
}

// Calls `use` on each kChunk-face chunk of `gallery`, drawing the next chunk on a second thread
// meanwhile: the generator is serial (one random stream) and at 50M faces costs as much as a
// core for ten minutes, which would otherwise stall the index's thread team.
template <typename Use>
void ForEachChunk(const SyntheticOptions& gallery, Use&& use) {
  SyntheticStream stream(gallery);
  SyntheticGallery chunk, next;
  bool more = stream.Next(kChunk, chunk);
  while (more) {
    auto ahead = std::async(std::launch::async, [&] { return stream.Next(kChunk, next); });
    use(chunk);
    more = ahead.get();
    std::swap(chunk, next);
  }
}

// build ------------------------------------------------------------------------------------
struct BuildOptions {
  int64_t faces = 1000000;
  std::string factory = "Flat";
  std::string out;
  int64_t train_sample = 0;  // 0: what the index asks for
  std::string model;         // empty: isotropic generator
  int build_breadth = 0;     // HNSW efConstruction; 0: the index's default
};

int Build(const BuildOptions& o) {
  const fs::path out = fs::absolute(o.out);  // a bare file name has no parent to create
  fs::create_directories(out.parent_path());
  const SyntheticOptions gallery = Generator(o.faces, o.model);
  const auto start = Clock::now();
  FaceIndex index(gallery.dim, o.factory, out.string() + ".f16");
  if (o.build_breadth > 0) index.SetBuildBreadth(o.build_breadth);
  index.Reserve(o.faces);
  double train_s = 0;
  if (index.needs_training()) {
    const int64_t n = o.train_sample > 0 ? o.train_sample : index.training_sample_size();
    SyntheticGallery sample;
    // The first n faces: identities are drawn independently, so the stream's head is as
    // good a sample as any.
    SyntheticStream(gallery).Next(std::min(n, o.faces), sample);
    const auto t = Clock::now();
    index.Train(sample.vectors);
    train_s = SecondsSince(t);
    std::printf("trained on %lld faces in %.1f s\n", static_cast<long long>(sample.size()),
                train_s);
    std::fflush(stdout);
  }
  const auto add_start = Clock::now();
  int64_t added = 0;
  ForEachChunk(gallery, [&](const SyntheticGallery& chunk) {
    index.Add(chunk.ids, chunk.vectors);
    added += chunk.size();
    if (added % (8 * kChunk) == 0) {
      std::printf("  %lld faces, %.0f s, rss %.2f GB\n", static_cast<long long>(added),
                  SecondsSince(add_start), ProcStatusBytes("VmRSS") / 1e9);
      std::fflush(stdout);
    }
  });
  const double add_s = SecondsSince(add_start);
  const auto save_start = Clock::now();
  index.Save(out, 1);
  const double save_s = SecondsSince(save_start);
  const auto files = FaceIndex::Files(out);
  uint64_t store_bytes = 0;
  for (const auto& f : files) {
    if (f.extension() == ".f16") store_bytes = fs::file_size(f);
  }
  const double faces = static_cast<double>(o.faces);
  std::printf(
      "built %s: %lld faces, train %.1f s, add %.1f s (incl. generation), total %.1f s, save "
      "%.1f s\n  peak rss %.2f GB (%.0f B/face); on disk %.0f B/face in the index files, %.0f "
      "B/face in the fp16 store\n",
      o.factory.c_str(), static_cast<long long>(o.faces), train_s, add_s, SecondsSince(start),
      save_s, ProcStatusBytes("VmHWM") / 1e9, ProcStatusBytes("VmHWM") / faces,
      static_cast<double>(BytesOf(files) - store_bytes) / faces,
      static_cast<double>(store_bytes) / faces);
  return 0;
}

// truth ------------------------------------------------------------------------------------
// The probe's own person's gallery faces: what identification must find, whatever strangers
// fill the rest of the exact top-k. At most kMaxMates per probe, the rest padded with -1.
constexpr int64_t kMaxMates = 8;  // SyntheticOptions::max_faces_per_identity

struct Truth {
  int64_t faces = 0, probes = 0, dim = 0, k = 0;
  std::vector<float> queries;    // probes * dim
  std::vector<int64_t> ids;      // probes * k, nearest first
  std::vector<float> distances;  // probes * k
  std::vector<int64_t> mates;    // probes * kMaxMates
};

void WriteTruth(const fs::path& path, const Truth& t) {
  std::ofstream out(path, std::ios::binary);
  const int64_t header[5] = {t.faces, t.probes, t.dim, t.k, kMaxMates};
  out.write(reinterpret_cast<const char*>(header), sizeof header);
  out.write(reinterpret_cast<const char*>(t.queries.data()),
            static_cast<std::streamsize>(t.queries.size() * sizeof(float)));
  out.write(reinterpret_cast<const char*>(t.ids.data()),
            static_cast<std::streamsize>(t.ids.size() * sizeof(int64_t)));
  out.write(reinterpret_cast<const char*>(t.distances.data()),
            static_cast<std::streamsize>(t.distances.size() * sizeof(float)));
  out.write(reinterpret_cast<const char*>(t.mates.data()),
            static_cast<std::streamsize>(t.mates.size() * sizeof(int64_t)));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

Truth ReadTruth(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  Truth t;
  int64_t header[5] = {};
  in.read(reinterpret_cast<char*>(header), sizeof header);
  t.faces = header[0], t.probes = header[1], t.dim = header[2], t.k = header[3];
  if (header[4] != kMaxMates) {
    throw std::runtime_error(path.string() +
                             " is a truth file of an older format: run truth again");
  }
  t.mates.resize(static_cast<size_t>(t.probes * kMaxMates));
  t.queries.resize(static_cast<size_t>(t.probes * t.dim));
  t.ids.resize(static_cast<size_t>(t.probes * t.k));
  t.distances.resize(t.ids.size());
  in.read(reinterpret_cast<char*>(t.queries.data()),
          static_cast<std::streamsize>(t.queries.size() * sizeof(float)));
  in.read(reinterpret_cast<char*>(t.ids.data()),
          static_cast<std::streamsize>(t.ids.size() * sizeof(int64_t)));
  in.read(reinterpret_cast<char*>(t.distances.data()),
          static_cast<std::streamsize>(t.distances.size() * sizeof(float)));
  in.read(reinterpret_cast<char*>(t.mates.data()),
          static_cast<std::streamsize>(t.mates.size() * sizeof(int64_t)));
  if (!in) throw std::runtime_error("cannot read truth file " + path.string());
  return t;
}

int MakeTruth(const SyntheticOptions& gallery, int64_t probes, int k, const fs::path& out) {
  const auto start = Clock::now();
  const int64_t faces = gallery.faces;
  std::vector<int64_t> probe_identities;
  Truth t{faces, probes, gallery.dim, k, MakeProbes(gallery, probes, kProbeSeed, &probe_identities),
          {},    {},     {}};
  std::unordered_map<int64_t, std::vector<int64_t>> mates;  // identity -> its face ids
  for (int64_t identity : probe_identities) mates[identity];
  std::vector<std::vector<Neighbor>> best(static_cast<size_t>(probes));
  ForEachChunk(gallery, [&](const SyntheticGallery& chunk) {
    for (int64_t i = 0; i < chunk.size(); ++i) {
      const auto found = mates.find(chunk.identities[static_cast<size_t>(i)]);
      if (found != mates.end()) found->second.push_back(chunk.ids[static_cast<size_t>(i)]);
    }
    FaceIndex flat(gallery.dim);  // exact; all probes in one call: BLAS
    flat.Add(chunk.ids, chunk.vectors);
    const auto found = flat.Search(t.queries, k);
    for (size_t q = 0; q < best.size(); ++q) {
      best[q].insert(best[q].end(), found[q].begin(), found[q].end());
      std::sort(best[q].begin(), best[q].end(),
                [](const Neighbor& a, const Neighbor& b) { return a.distance < b.distance; });
      best[q].resize(std::min<size_t>(best[q].size(), static_cast<size_t>(k)));
    }
  });
  for (const auto& b : best) {
    for (const Neighbor& n : b) {
      t.ids.push_back(n.id);
      t.distances.push_back(n.distance);
    }
  }
  for (int64_t identity : probe_identities) {
    std::vector<int64_t> ids = mates[identity];
    ids.resize(static_cast<size_t>(kMaxMates), -1);
    t.mates.insert(t.mates.end(), ids.begin(), ids.end());
  }
  WriteTruth(out, t);
  std::printf("exact top-%d of %lld probes over %lld faces in %.1f s (streamed scan)\n", k,
              static_cast<long long>(probes), static_cast<long long>(faces), SecondsSince(start));
  return 0;
}

// search -----------------------------------------------------------------------------------
struct SearchOptions {
  std::string index;
  std::string truth;
  std::string breadths = "0";  // 0: leave the index's default
  std::string reranks = "0";   // 0: the factory's own
  bool map = false;
  int repeats = 5;
};

// The fraction of `wanted` (ids; -1 entries are padding) among `found`.
double Recall(const std::vector<Neighbor>& found, const int64_t* wanted, int64_t n) {
  std::unordered_set<int64_t> ids;
  for (const Neighbor& f : found) ids.insert(f.id);
  size_t hits = 0, total = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (wanted[i] < 0) continue;
    ++total;
    hits += ids.count(wanted[i]);
  }
  return total == 0 ? 1.0 : static_cast<double>(hits) / static_cast<double>(total);
}

int Search(const SearchOptions& o) {
  const Truth truth = ReadTruth(o.truth);
  const double rss_before = ProcStatusBytes("VmRSS");
  const auto load_start = Clock::now();
  auto loaded = FaceIndex::Load(o.index, {.map = o.map});
  if (!loaded) throw std::runtime_error("no index at " + o.index);
  FaceIndex& index = loaded->index;
  const double load_s = SecondsSince(load_start);
  std::printf("%s: %s, %lld faces, loaded%s in %.2f s, resident +%.2f GB after load\n",
              o.index.c_str(), index.factory().c_str(), static_cast<long long>(index.size()),
              o.map ? " (memory-mapped)" : "", load_s,
              (ProcStatusBytes("VmRSS") - rss_before) / 1e9);
  if (index.size() != truth.faces) {
    throw std::runtime_error("truth is for " + std::to_string(truth.faces) + " faces");
  }
  std::printf("%-8s %-7s %8s %8s %9s %10s %12s %14s %14s\n", "breadth", "rerank", "p50_ms",
              "p95_ms", "p50_cpu", ("recall@" + std::to_string(truth.k)).c_str(), "mate_recall",
              "batch_ms/probe", "batch_cpu/probe");
  const auto k = static_cast<int>(truth.k);
  const auto dim = static_cast<size_t>(truth.dim);
  for (int breadth : ParseInts(o.breadths)) {
    if (breadth > 0) index.SetSearchBreadth(breadth);
    for (int rerank : ParseInts(o.reranks)) {
      if (rerank > 0) index.SetRerankDepth(rerank);
      std::vector<double> ms, cpu_ms, measured;
      double recall = 0, mate_recall = 0;
      for (int64_t q = 0; q < truth.probes; ++q) {
        const auto probe = std::span(truth.queries).subspan(static_cast<size_t>(q) * dim, dim);
        const uint64_t answered = BoundedScanFlatL2::ProbesAnswered();
        const uint64_t faces_before = BoundedScanFlatL2::FacesMeasured();
        const auto t = Clock::now();
        const double cpu = CpuSeconds(CLOCK_THREAD_CPUTIME_ID);
        const auto found = index.Search(probe, k).front();
        cpu_ms.push_back((CpuSeconds(CLOCK_THREAD_CPUTIME_ID) - cpu) * 1e3);
        ms.push_back(SecondsSince(t) * 1e3);
        if (BoundedScanFlatL2::ProbesAnswered() > answered) {  // a Flat gallery's bounded scan
          measured.push_back(
              static_cast<double>(BoundedScanFlatL2::FacesMeasured() - faces_before));
        }
        recall += Recall(found, truth.ids.data() + q * truth.k, truth.k);
        mate_recall += Recall(found, truth.mates.data() + q * kMaxMates, kMaxMates);
      }
      std::vector<double> batch_ms, batch_cpu_ms;
      const auto probes = static_cast<double>(truth.probes);
      for (int r = 0; r < o.repeats; ++r) {
        const auto t = Clock::now();
        const double cpu = CpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
        index.Search(truth.queries, k);
        batch_cpu_ms.push_back((CpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - cpu) * 1e3 / probes);
        batch_ms.push_back(SecondsSince(t) * 1e3 / probes);
      }
      std::printf("%-8d %-7d %8.3f %8.3f %9.3f %10.4f %12.4f %14.3f %14.3f\n", breadth,
                  index.rerank_depth(), Percentile(ms, 0.5), Percentile(ms, 0.95),
                  Percentile(cpu_ms, 0.5), recall / probes, mate_recall / probes,
                  Percentile(batch_ms, 0.5), Percentile(batch_cpu_ms, 0.5));
      if (!measured.empty()) {
        std::printf(
            "bounded scan: faces measured exactly per lone probe p50 %.0f, p90 %.0f, max %.0f"
            " (k %d)\n",
            Percentile(measured, 0.5), Percentile(measured, 0.9), Percentile(measured, 1.0), k);
      }
      std::fflush(stdout);
    }
  }
  std::printf("peak rss %.2f GB\n", ProcStatusBytes("VmHWM") / 1e9);
  return 0;
}

// check / fit ------------------------------------------------------------------------------
void PrintDistances(const char* what, const DistanceCheck& d) {
  std::printf(
      "%s: %zu same-person and %zu stranger pairs; median distance same person %.3f, "
      "strangers %.3f\n",
      what, d.same.size(), d.different.size(), d.SameMedian(), d.DifferentMedian());
  // dlib's calibrated thresholds for false-match rates 1e-4, 1e-3, 1e-2, 1e-1 (docs/ACCURACY.md)
  for (double threshold : {0.38, 0.47, 0.565, 0.675}) {
    std::printf("  at %.3f: strangers closer %.2e, same person further %.3f\n", threshold,
                d.StrangersCloserThan(threshold), d.SamePersonFurtherThan(threshold));
  }
}

int Check(int64_t faces, const std::string& model_path, const std::string& embeddings) {
  const auto g = MakeGallery(Generator(faces, model_path));
  std::printf("generated %lld faces, %lld identities (%s)\n", static_cast<long long>(g.size()),
              static_cast<long long>(g.identities.back() + 1),
              model_path.empty() ? "isotropic" : model_path.c_str());
  PrintDistances("generated", CheckDistances(g, 200000, 4));
  if (!embeddings.empty()) PrintDistances("real", CheckDistances(ReadEmbedOutput(embeddings)));
  return 0;
}

int Fit(const std::string& embeddings, const std::string& out) {
  const auto faces = ReadEmbedOutput(embeddings);
  const EmbeddingModel model = FitEmbeddingModel(faces);
  std::ofstream file(out);
  file << ToJson(model).dump();
  if (!file) throw std::runtime_error("cannot write " + out);
  std::printf("fitted on %d faces of %d identities (%d-D): %s\n", model.faces, model.identities,
              model.dim, out.c_str());
  PrintDistances("real", CheckDistances(faces));
  return 0;
}

int Main(int argc, char** argv) {
  CLI::App app{"FAISS index choices on synthetic face-like embeddings"};
  app.require_subcommand(1);
  BuildOptions b;
  auto* build = app.add_subcommand("build", "Stream a gallery into an index and save it");
  build->add_option("--faces", b.faces, "Gallery size");
  build->add_option("--factory", b.factory, "facetrace index factory (index/index_spec.h)");
  build->add_option("--out", b.out, "Index file to write")->required();
  build->add_option("--train-sample", b.train_sample, "Faces to train on (default: as needed)");
  build->add_option("--model", b.model, "Generator fitted by 'fit' (default: isotropic)");
  build->add_option("--build-breadth", b.build_breadth,
                    "HNSW efConstruction (default: facetrace's, 80)");
  int64_t truth_faces = 1000000, probes = 200;
  int k = 10;
  std::string truth_out;
  auto* truth = app.add_subcommand("truth", "Exact top-k of probes by a streamed scan");
  truth->add_option("--faces", truth_faces, "Gallery size");
  truth->add_option("--probes", probes, "Probes");
  truth->add_option("-k", k, "Neighbours per probe");
  truth->add_option("--out", truth_out, "Truth file to write")->required();
  std::string model;
  truth->add_option("--model", model, "Generator fitted by 'fit' (default: isotropic)");
  SearchOptions s;
  auto* search = app.add_subcommand("search", "Latency and recall of a saved index");
  search->add_option("--index", s.index, "Index file")->required();
  search->add_option("--truth", s.truth, "Truth file from 'truth'")->required();
  search->add_option("--breadth", s.breadths, "Comma-separated nprobe/efSearch values");
  search->add_option("--rerank", s.reranks, "Comma-separated re-ranking depths");
  search->add_flag("--map", s.map, "Memory-map IVF lists");
  search->add_option("--repeats", s.repeats, "Batch calls timed");
  int64_t check_faces = 50000;
  auto* check = app.add_subcommand("check", "Generator distances (same person, strangers)");
  check->add_option("--faces", check_faces, "Sample gallery size");
  check->add_option("--model", model, "Generator fitted by 'fit' (default: isotropic)");
  std::string embeddings, model_out;
  check->add_option("--embeddings", embeddings, "Also the real pairs of `facetrace embed` output");
  auto* fit = app.add_subcommand("fit", "Fit a generator on real embeddings (embedding_model.h)");
  fit->add_option("--embeddings", embeddings, "`facetrace embed` JSON lines")->required();
  fit->add_option("--out", model_out, "Model file to write")->required();
  CLI11_PARSE(app, argc, argv);

  if (*build) return Build(b);
  if (*truth) return MakeTruth(Generator(truth_faces, model), probes, k, truth_out);
  if (*search) return Search(s);
  if (*fit) return Fit(embeddings, model_out);
  return Check(check_faces, model, embeddings);
}

}  // namespace
}  // namespace facetrace::bench

int main(int argc, char** argv) { return facetrace::bench::Main(argc, argv); }
