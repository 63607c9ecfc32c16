// facetrace_index_bench: FAISS index choices on synthetic face-like galleries (issue 4).
//
// For each index: gallery size, build time (train + add), memory per face (resident growth
// while building, and bytes on disk), single-probe latency p50/p95, recall@10 against exact
// search, and batch search throughput (many probes in one call, which FAISS's flat search
// turns into one BLAS matrix product).
//
//   build/facetrace_index_bench --faces 1000000 --index 'Flat;HNSW32@64;IVF4096,PQ16@32'
//
// "@N" sets the search breadth (HNSW efSearch, IVF nprobe). Timings are wall clock on
// whatever else runs on the machine: report medians of repeated runs.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "index/face_index.h"
#include "index/synthetic_embeddings.h"
#include "measure.h"

namespace facetrace::bench {
namespace {

namespace fs = std::filesystem;

struct Spec {
  std::string factory;
  int breadth = 0;  // 0: FAISS's default
};

std::vector<Spec> ParseSpecs(const std::string& text) {
  std::vector<Spec> specs;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ';')) {
    if (item.empty()) continue;
    Spec s;
    const auto at = item.find('@');
    s.factory = item.substr(0, at);
    if (at != std::string::npos) s.breadth = std::stoi(item.substr(at + 1));
    specs.push_back(s);
  }
  return specs;
}

double MeanRecall(const std::vector<std::vector<Neighbor>>& found,
                  const std::vector<std::vector<Neighbor>>& exact) {
  double sum = 0;
  for (size_t q = 0; q < found.size(); ++q) {
    std::unordered_set<int64_t> truth;
    for (const Neighbor& n : exact[q]) truth.insert(n.id);
    size_t hits = 0;
    for (const Neighbor& n : found[q]) hits += truth.count(n.id);
    sum += static_cast<double>(hits) / static_cast<double>(std::max<size_t>(1, truth.size()));
  }
  return sum / static_cast<double>(found.size());
}

struct Options {
  int64_t faces = 100000;
  std::string specs = "Flat;HNSW32@64";
  int64_t probes = 200;
  int64_t batch = 2000;
  int64_t train_sample = 200000;
  std::string scratch = "/tmp/facetrace_index_bench";
};

void RunOne(const Spec& spec, const SyntheticGallery& g, const std::vector<float>& probes,
            const std::vector<std::vector<Neighbor>>& exact, const std::vector<float>& batch,
            const Options& o) {
  const double rss_before = ResidentBytes();
  const auto start = Clock::now();
  FaceIndex index(g.dim, spec.factory);
  if (index.needs_training()) {
    const auto n = static_cast<size_t>(std::min(o.train_sample, g.size()));
    index.Train(std::span(g.vectors).first(n * static_cast<size_t>(g.dim)));
  }
  index.Add(g.ids, g.vectors);
  const double build_s = SecondsSince(start);
  const double rss_per_face = (ResidentBytes() - rss_before) / static_cast<double>(g.size());
  if (spec.breadth > 0) index.SetSearchBreadth(spec.breadth);

  const fs::path file = fs::path(o.scratch) / "bench.faiss";
  index.Save(file, 1);
  const double disk_per_face =
      static_cast<double>(fs::file_size(file)) / static_cast<double>(g.size());
  const auto load_start = Clock::now();
  { auto loaded = FaceIndex::Load(file); }
  const double load_s = SecondsSince(load_start);
  fs::remove(file);
  fs::remove(file.string() + ".meta.json");

  std::vector<double> latencies_ms;
  std::vector<std::vector<Neighbor>> found;
  for (int64_t q = 0; q < o.probes; ++q) {
    const auto probe =
        std::span(probes).subspan(static_cast<size_t>(q * g.dim), static_cast<size_t>(g.dim));
    const auto t = Clock::now();
    found.push_back(index.Search(probe, 10).front());
    latencies_ms.push_back(SecondsSince(t) * 1e3);
  }
  const auto batch_start = Clock::now();
  index.Search(batch, 10);
  const double batch_rate =
      static_cast<double>(batch.size() / static_cast<size_t>(g.dim)) / SecondsSince(batch_start);

  std::printf("%-22s %9lld %9.1f %10.1f %10.1f %8.2f %8.3f %8.3f %9.4f %10.0f\n",
              (spec.factory + (spec.breadth ? "@" + std::to_string(spec.breadth) : "")).c_str(),
              static_cast<long long>(g.size()), build_s, rss_per_face, disk_per_face, load_s,
              Percentile(latencies_ms, 0.5), Percentile(latencies_ms, 0.95),
              MeanRecall(found, exact), batch_rate);
  std::fflush(stdout);
}

int Main(int argc, char** argv) {
  CLI::App app{"FAISS index choices on synthetic face-like embeddings"};
  Options o;
  app.add_option("--faces", o.faces, "Gallery size");
  app.add_option("--index", o.specs, "';'-separated FAISS factories, each optionally @breadth");
  app.add_option("--probes", o.probes, "Single probes timed (and used for recall)");
  app.add_option("--batch", o.batch, "Probes searched in one call for throughput");
  app.add_option("--train-sample", o.train_sample, "Vectors used to train IVF/PQ");
  app.add_option("--scratch", o.scratch, "Folder for the saved index (load time, size)");
  CLI11_PARSE(app, argc, argv);
  fs::create_directories(o.scratch);

  auto t = Clock::now();
  const SyntheticGallery g = MakeGallery({.faces = o.faces});
  const auto probes = MakeProbes(g, o.probes, 2);
  const auto batch = MakeProbes(g, o.batch, 3);
  const DistanceCheck check = CheckDistances(g, 2000, 4);
  std::printf(
      "gallery: %lld faces, %lld identities, generated in %.1f s; median distance "
      "same person %.3f, strangers %.3f\n",
      static_cast<long long>(g.size()), static_cast<long long>(g.identities.back() + 1),
      SecondsSince(t), check.same_median, check.different_median);

  t = Clock::now();
  std::vector<std::vector<Neighbor>> exact;
  {
    FaceIndex flat(g.dim);
    flat.Add(g.ids, g.vectors);
    exact = flat.Search(probes, 10);  // one batch: BLAS
  }
  std::printf("exact top-10 of %lld probes in %.1f s\n\n", static_cast<long long>(o.probes),
              SecondsSince(t));
  std::printf("%-22s %9s %9s %10s %10s %8s %8s %8s %9s %10s\n", "index", "faces", "build_s",
              "rss_B/face", "disk_B/face", "load_s", "p50_ms", "p95_ms", "recall@10", "batch_q/s");
  for (const Spec& spec : ParseSpecs(o.specs)) RunOne(spec, g, probes, exact, batch, o);
  return 0;
}

}  // namespace
}  // namespace facetrace::bench

int main(int argc, char** argv) { return facetrace::bench::Main(argc, argv); }
