// Where model files live, and the one place that checks they are there.
//
// Models are never in git: scripts/setup fetches them into <repo>/models. At run time the
// directory is, in order: an explicit path (CLI --models), $FACETRACE_MODELS, the
// directory "models" next to the executable's parent (build/facetrace -> models/), then
// ./models. A missing file is an Error(kModelMissing) that names the setup command.
#pragma once

#include <filesystem>
#include <string>

namespace facetrace {

struct ModelFiles {
  static constexpr const char* kResnet = "dlib_face_recognition_resnet_model_v1.dat";
  static constexpr const char* kShapePredictor5 = "shape_predictor_5_face_landmarks.dat";
  static constexpr const char* kMmodDetector = "mmod_human_face_detector.dat";
  static constexpr const char* kYunet = "yunet_n_640_640.onnx";
  // What the ResNet's distances mean (calibration/calibration.h); ours, from calibration/ in
  // the repository, installed beside the model by scripts/setup.
  static constexpr const char* kResnetCalibration = "dlib_resnet_v1.calibration.json";
};

class ModelPaths {
 public:
  // Resolves the model directory; `explicit_dir` wins when non-empty.
  static ModelPaths Resolve(const std::filesystem::path& explicit_dir = {});

  explicit ModelPaths(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& directory() const { return dir_; }

  // Full path of `file_name` in the model directory; throws Error(kModelMissing) naming the
  // setup command when the file is absent.
  std::filesystem::path Require(const std::string& file_name) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace facetrace
