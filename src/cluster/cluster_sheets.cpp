#include "cluster/cluster_sheets.h"

#include <algorithm>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "render/contact_sheet.h"

namespace facetrace {

namespace {

constexpr int kTilePx = 96;
constexpr int kColumns = 8;

// The best-quality faces of a list, at most kMaxFacesPerSheet.
std::vector<const ClusterFace*> Shown(const std::vector<ClusterFace>& faces) {
  std::vector<const ClusterFace*> shown;
  for (const ClusterFace& face : faces) shown.push_back(&face);
  std::stable_sort(shown.begin(), shown.end(), [](const ClusterFace* a, const ClusterFace* b) {
    return a->quality > b->quality;
  });
  if (shown.size() > static_cast<size_t>(kMaxFacesPerSheet)) shown.resize(kMaxFacesPerSheet);
  return shown;
}

// Tiles of every shown face, decoding each photo once.
std::map<const ClusterFace*, cv::Mat> Tiles(const std::vector<const ClusterFace*>& faces,
                                            const ImageLoadOptions& load_options) {
  std::map<std::string, std::vector<const ClusterFace*>> by_image;
  for (const ClusterFace* face : faces) by_image[face->image].push_back(face);
  std::map<const ClusterFace*, cv::Mat> tiles;
  for (const auto& [image, members] : by_image) {
    cv::Mat bgr;
    try {
      bgr = LoadImage(image, load_options).bgr;
    } catch (const Error& e) {
      spdlog::warn("contact sheet: {}", e.what());
    }
    for (const ClusterFace* face : members) {
      tiles[face] = bgr.empty() ? cv::Mat(kTilePx, kTilePx, CV_8UC3, cv::Scalar::all(0))
                                : FaceTile(bgr, face->box, kTilePx);
    }
  }
  return tiles;
}

void WriteSheet(const std::filesystem::path& path, const std::string& title,
                const std::vector<ClusterFace>& faces,
                const std::map<const ClusterFace*, cv::Mat>& tiles) {
  SheetRow row;
  row.title = title;
  for (const ClusterFace* face : Shown(faces)) row.tiles.push_back(tiles.at(face));
  if (!cv::imwrite(path.string(), ContactSheet({row}, kColumns)))
    throw Error(ErrorCode::kIo, "cannot write " + path.string());
}

std::string Title(const std::string& name, size_t faces) {
  const size_t hidden = faces > kMaxFacesPerSheet ? faces - kMaxFacesPerSheet : 0;
  return hidden ? fmt::format("{}: {} faces ({} not shown)", name, faces, hidden)
                : fmt::format("{}: {} faces", name, faces);
}

void WriteIndex(const std::filesystem::path& dir,
                const std::vector<std::filesystem::path>& sheets) {
  std::ofstream html(dir / "index.html", std::ios::trunc);
  html << "<!doctype html>\n<meta charset=\"utf-8\"><title>facetrace clusters</title>\n"
          "<p>Clusters are candidates for review: a cluster can hold more than one person.</p>\n";
  for (const auto& sheet : sheets)
    html << "<h3>" << sheet.stem().string() << "</h3><img src=\"" << sheet.filename().string()
         << "\">\n";
  if (!html) throw Error(ErrorCode::kIo, "cannot write " + (dir / "index.html").string());
}

}  // namespace

std::string ClusterSheetName(int cluster_id) {
  return fmt::format("cluster_{:04d}.jpg", cluster_id);
}

std::vector<std::filesystem::path> WriteClusterSheets(const Clustering& clustering,
                                                      const std::filesystem::path& dir,
                                                      const ImageLoadOptions& load_options) {
  std::vector<const ClusterFace*> shown;
  for (const Cluster& cluster : clustering.clusters) {
    for (const ClusterFace* face : Shown(cluster.faces)) shown.push_back(face);
  }
  for (const ClusterFace* face : Shown(clustering.outliers)) shown.push_back(face);
  const auto tiles = Tiles(shown, load_options);

  std::vector<std::filesystem::path> sheets;
  for (const Cluster& cluster : clustering.clusters) {
    sheets.push_back(dir / ClusterSheetName(cluster.id));
    WriteSheet(sheets.back(), Title(fmt::format("cluster {}", cluster.id), cluster.faces.size()),
               cluster.faces, tiles);
  }
  if (!clustering.outliers.empty()) {
    sheets.push_back(dir / "outliers.jpg");
    WriteSheet(sheets.back(), Title("outliers", clustering.outliers.size()), clustering.outliers,
               tiles);
  }
  WriteIndex(dir, sheets);
  return sheets;
}

}  // namespace facetrace
