#include "index/embedding_model.h"

#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

#include <opencv2/core.hpp>

namespace facetrace::bench {

namespace {

// F with F * F^T = `covariance` (symmetric, dim x dim, CV_64F): eigenvectors scaled by the
// square roots of their eigenvalues, negative round-off clamped to zero.
std::vector<float> CovarianceFactor(const cv::Mat& covariance) {
  cv::Mat values, vectors;  // vectors: one eigenvector per row
  cv::eigen(covariance, values, vectors);
  const int dim = covariance.rows;
  std::vector<float> factor(static_cast<size_t>(dim) * static_cast<size_t>(dim));
  for (int k = 0; k < dim; ++k) {
    const double scale = std::sqrt(std::max(0.0, values.at<double>(k)));
    for (int i = 0; i < dim; ++i) {
      factor[static_cast<size_t>(i) * static_cast<size_t>(dim) + static_cast<size_t>(k)] =
          static_cast<float>(vectors.at<double>(k, i) * scale);
    }
  }
  return factor;
}

cv::Mat Row(const std::vector<float>& v) {
  cv::Mat row(1, static_cast<int>(v.size()), CV_64F);
  for (size_t i = 0; i < v.size(); ++i) row.at<double>(static_cast<int>(i)) = v[i];
  return row;
}

std::vector<float> FloatVector(const nlohmann::json& json, size_t size, const char* name) {
  auto values = json.at(name).get<std::vector<float>>();
  if (values.size() != size) throw std::runtime_error(std::string("model field ") + name);
  return values;
}

}  // namespace

EmbeddingModel FitEmbeddingModel(const std::vector<LabelledEmbedding>& faces) {
  std::map<std::string, std::vector<const std::vector<float>*>> by_identity;
  for (const LabelledEmbedding& f : faces) by_identity[f.identity].push_back(&f.embedding);
  const int dim = faces.empty() ? 0 : static_cast<int>(faces.front().embedding.size());
  cv::Mat means(0, dim, CV_64F);
  cv::Mat within = cv::Mat::zeros(dim, dim, CV_64F);
  int within_dof = 0, with_two = 0;
  for (const auto& [identity, members] : by_identity) {
    cv::Mat rows(0, dim, CV_64F);
    for (const auto* e : members) {
      if (static_cast<int>(e->size()) != dim) {
        throw std::runtime_error("embeddings of unequal length (" + identity + ")");
      }
      rows.push_back(Row(*e));
    }
    cv::Mat mean;
    cv::reduce(rows, mean, 0, cv::REDUCE_AVG);
    means.push_back(mean);
    if (rows.rows < 2) continue;
    ++with_two;
    const cv::Mat centred = rows - cv::repeat(mean, rows.rows, 1);
    within += centred.t() * centred;
    within_dof += rows.rows - 1;
  }
  if (with_two < 2) {
    throw std::runtime_error("fitting needs two identities with two faces each");
  }
  within /= within_dof;
  cv::Mat between, grand_mean;
  cv::calcCovarMatrix(means, between, grand_mean, cv::COVAR_NORMAL | cv::COVAR_ROWS, CV_64F);
  between /= std::max(1, means.rows - 1);
  // Each identity mean carries the within-person noise of its own photos, divided by their
  // number; what is left is the spread of people. Clamped in CovarianceFactor.
  double mean_inverse_count = 0;
  for (const auto& entry : by_identity) mean_inverse_count += 1.0 / entry.second.size();
  between -= within * (mean_inverse_count / static_cast<double>(by_identity.size()));

  EmbeddingModel model;
  model.dim = dim;
  for (int i = 0; i < dim; ++i) model.mean.push_back(static_cast<float>(grand_mean.at<double>(i)));
  model.between = CovarianceFactor(between);
  model.within = CovarianceFactor(within);
  model.identities = static_cast<int>(by_identity.size());
  model.faces = static_cast<int>(faces.size());
  return model;
}

std::vector<LabelledEmbedding> ReadEmbedOutput(const std::filesystem::path& jsonl) {
  std::ifstream in(jsonl);
  if (!in) throw std::runtime_error("cannot read " + jsonl.string());
  std::vector<LabelledEmbedding> faces;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    try {
      const auto record = nlohmann::json::parse(line);
      if (!record.at("error").is_null() || record.at("faces").empty()) continue;
      const std::filesystem::path image = record.at("image").get<std::string>();
      const std::filesystem::path folder = image.parent_path();
      faces.push_back({folder.parent_path().filename().string() + "/" + folder.filename().string(),
                       record.at("faces").at(0).at("embedding").get<std::vector<float>>()});
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error(jsonl.string() + ":" + std::to_string(number) + ": " + e.what());
    }
  }
  return faces;
}

nlohmann::json ToJson(const EmbeddingModel& model) {
  return {{"dim", model.dim},   {"identities", model.identities}, {"faces", model.faces},
          {"mean", model.mean}, {"between", model.between},       {"within", model.within}};
}

EmbeddingModel EmbeddingModelFromJson(const nlohmann::json& json) {
  try {
    EmbeddingModel model;
    model.dim = json.at("dim").get<int>();
    if (model.dim <= 0) throw std::runtime_error("model dim");
    const auto dim = static_cast<size_t>(model.dim);
    model.mean = FloatVector(json, dim, "mean");
    model.between = FloatVector(json, dim * dim, "between");
    model.within = FloatVector(json, dim * dim, "within");
    model.identities = json.at("identities").get<int>();
    model.faces = json.at("faces").get<int>();
    return model;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("not an embedding model: ") + e.what());
  }
}

EmbeddingModel LoadEmbeddingModel(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  try {
    return EmbeddingModelFromJson(nlohmann::json::parse(in));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

}  // namespace facetrace::bench
