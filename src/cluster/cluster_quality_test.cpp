// Clustering quality on the dev sets (issue 6): orl_att + cs131_faces + facerecjs_bbt pooled,
// 1454 photos of 61 people, embedded by the real pipeline; the identity labels are used only to
// score. Prints the figures docs/ACCURACY.md ("Clustering") quotes.
#include <cstdio>
#include <map>

#include <gtest/gtest.h>

#include "cluster/bcubed.h"
#include "cluster/clustering.h"
#include "pipeline/image_batch.h"
#include "pipeline/input_paths.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

struct LabelledFaces {
  std::vector<ClusterFace> faces;
  std::vector<int> truth;  // identity per face, hidden from the clustering
  int identities = 0;
};

// The largest face of every photo (each is one person's portrait), labelled by its folder.
// Embedded once per test binary run (about 20 s on 2 cores), shared by the tests below.
LabelledFaces EmbedOnce() {
  LabelledFaces out;
  std::vector<std::filesystem::path> paths;
  for (const char* set : {"orl_att", "cs131_faces", "facerecjs_bbt"}) {
    for (const auto& p : ImagesUnder(testing::DatasetsDir() / set)) paths.push_back(p);
  }
  std::map<std::string, int> identity;
  ProcessImages(paths, {}, [&](ImageResult&& result) {
    if (!result.ok() || result.faces.empty()) return;
    const std::string name = result.path.parent_path().string();
    const auto [it, added] = identity.emplace(name, static_cast<int>(identity.size()));
    ClusterFace face;
    face.image = result.path.string();
    face.box = result.faces[0].detection.box;
    face.embedding = result.faces[0].embedding;
    out.faces.push_back(std::move(face));
    out.truth.push_back(it->second);
  });
  out.identities = static_cast<int>(identity.size());
  return out;
}

const LabelledFaces& EmbedPooledSets() {
  static const LabelledFaces data = EmbedOnce();
  return data;
}

// Labels in the clustering's face order (clusters, then outliers), with the truth aligned.
struct Scored {
  BCubedScore bcubed;
  int clusters = 0;
  int outliers = 0;
  int merged_pairs = 0;  // clusters holding >= 5 photos each of two or more people
};

Scored Score(const LabelledFaces& data, const ClusterOptions& options) {
  std::map<std::string, int> truth_of;
  for (size_t i = 0; i < data.faces.size(); ++i) truth_of[data.faces[i].image] = data.truth[i];
  Clustering clustering;
  AddFaces(clustering, data.faces, options);
  std::vector<int> truth;
  for (const Cluster& c : clustering.clusters)
    for (const ClusterFace& f : c.faces) truth.push_back(truth_of.at(f.image));
  for (const ClusterFace& f : clustering.outliers) truth.push_back(truth_of.at(f.image));
  Scored s;
  s.bcubed = ScoreBCubed(FaceLabels(clustering), truth);
  s.clusters = static_cast<int>(clustering.clusters.size());
  s.outliers = static_cast<int>(clustering.outliers.size());
  for (const Cluster& c : clustering.clusters) {
    std::map<int, int> per_person;
    for (const ClusterFace& f : c.faces) ++per_person[truth_of.at(f.image)];
    int big = 0;
    for (const auto& [person, n] : per_person) big += n >= 5;
    s.merged_pairs += big >= 2;
  }
  return s;
}

void Print(const char* method, float threshold, const Scored& s, int identities) {
  std::printf(
      "%-8s t=%.2f  BCubed P %.4f R %.4f F %.4f  clusters %d (identities %d)  outliers %d"
      "  merged %d\n",
      method, threshold, s.bcubed.precision, s.bcubed.recall, s.bcubed.f, s.clusters, identities,
      s.outliers, s.merged_pairs);
}

TEST(ClusterQualityTest, PooledDevSetsMeetTheIssueFloors) {
  const LabelledFaces& data = EmbedPooledSets();
  ASSERT_EQ(data.identities, 61);
  ASSERT_GE(data.faces.size(), 1450u);

  const ClusterOptions whispers;  // the defaults the CLI uses
  const Scored best = Score(data, whispers);
  Print("whispers", whispers.threshold, best, data.identities);
  // Issue 6 floors: F >= 0.90, and no cluster merging two people with >= 5 photos each.
  // Measured (docs/ACCURACY.md): P 0.9974 R 0.9744 F 0.9858, 63 clusters, 12 outliers.
  EXPECT_GE(best.bcubed.f, 0.97);
  EXPECT_GE(best.bcubed.precision, 0.99);
  EXPECT_EQ(best.merged_pairs, 0);
  EXPECT_LE(best.clusters, 70);

  const ClusterOptions average{.method = ClusterMethod::kAverageLinkage,
                               .threshold = kDefaultAverageLinkageThreshold};
  const Scored safe = Score(data, average);
  Print("average", average.threshold, safe, data.identities);
  // Measured: P 0.9980 R 0.8802 F 0.9354, 77 clusters.
  EXPECT_GE(safe.bcubed.f, 0.92);
  EXPECT_EQ(safe.merged_pairs, 0);

  // The sweep behind the defaults (printed for the docs, not asserted).
  for (float t : {0.46f, 0.48f, 0.50f, 0.54f, 0.56f, 0.58f, 0.60f})
    Print("whispers", t, Score(data, {.threshold = t}), data.identities);
  for (float t : {0.50f, 0.52f, 0.58f, 0.60f})
    Print("average", t, Score(data, {.method = ClusterMethod::kAverageLinkage, .threshold = t}),
          data.identities);
}

TEST(ClusterQualityTest, AddingTheSecondHalfLaterScoresLikeClusteringAllAtOnce) {
  // Incremental: half of each person's photos first, the rest in a second run.
  const LabelledFaces& data = EmbedPooledSets();
  std::vector<ClusterFace> first, second;
  std::vector<int> first_truth, second_truth;
  for (size_t i = 0; i < data.faces.size(); ++i) {
    (i % 2 ? second : first).push_back(data.faces[i]);
    (i % 2 ? second_truth : first_truth).push_back(data.truth[i]);
  }
  std::map<std::string, int> truth_of;
  for (size_t i = 0; i < data.faces.size(); ++i) truth_of[data.faces[i].image] = data.truth[i];
  Clustering clustering;
  AddFaces(clustering, first, {});
  const int clusters_before = static_cast<int>(clustering.clusters.size());
  AddFaces(clustering, second, {});
  std::vector<int> truth;
  for (const Cluster& c : clustering.clusters)
    for (const ClusterFace& f : c.faces) truth.push_back(truth_of.at(f.image));
  for (const ClusterFace& f : clustering.outliers) truth.push_back(truth_of.at(f.image));
  const BCubedScore s = ScoreBCubed(FaceLabels(clustering), truth);
  std::printf("incremental (half, then half): clusters %d -> %zu  P %.4f R %.4f F %.4f\n",
              clusters_before, clustering.clusters.size(), s.precision, s.recall, s.f);
  EXPECT_GE(s.f, 0.90);
  EXPECT_LE(static_cast<int>(clustering.clusters.size()) - clusters_before, 10);
}

}  // namespace
}  // namespace facetrace
