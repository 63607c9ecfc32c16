#include "eval/labelled_set.h"

#include <algorithm>
#include <map>

#include "core/error.h"
#include "embed/face_embedder.h"
#include "pipeline/enroll_sources.h"

namespace facetrace {

int LabelledSet::Missing() const {
  return static_cast<int>(std::count_if(faces.begin(), faces.end(),
                                        [](const LabelledFace& f) { return !f.embedding; }));
}

LabelledSet EmbedLabelledSet(const std::filesystem::path& dir, const BatchOptions& options,
                             const std::function<void(size_t, size_t)>& progress) {
  std::map<std::string, std::vector<std::filesystem::path>> by_identity;
  for (const EnrollItem& item : ItemsFromFolder(dir))
    by_identity[item.identity].push_back(item.image);
  if (by_identity.empty()) {
    throw Error(
        ErrorCode::kInvalidArgument,
        dir.string() + " has no identity folders with photos (expected DIR/<identity>/<photo>)");
  }
  LabelledSet set;
  set.name = std::filesystem::absolute(dir).lexically_normal().filename().string();
  if (set.name.empty()) set.name = std::filesystem::absolute(dir).parent_path().filename().string();
  std::vector<std::filesystem::path> paths;
  for (auto& [identity, files] : by_identity) {
    std::sort(files.begin(), files.end());
    const int id = static_cast<int>(set.identities.size());
    set.identities.push_back(identity);
    for (size_t i = 0; i < files.size(); ++i) {
      LabelledFace face;
      face.path = files[i];
      face.identity = id;
      face.position = static_cast<int>(i);
      set.faces.push_back(std::move(face));
      paths.push_back(files[i]);
    }
  }
  size_t next = 0;
  ProcessImages(paths, options, [&](ImageResult&& result) {
    LabelledFace& face = set.faces[next++];
    face.grey = result.grey;
    const int main = MainFaceIndex(result.faces);
    if (main >= 0) {
      const Face& f = result.faces[static_cast<size_t>(main)];
      face.embedding = f.embedding;
      face.face_width = f.detection.box.width;
      face.quality = f.quality;
    }
    if (progress) progress(next, paths.size());
  });
  return set;
}

float FaceDistance(const LabelledFace& a, const LabelledFace& b) {
  return EmbeddingDistance(*a.embedding, *b.embedding);
}

}  // namespace facetrace
