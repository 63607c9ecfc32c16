#include "embed/onnx_embedder_config.h"

#include <cmath>

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

using nlohmann::json;

json Minimal() { return {{"model_id", "arcface_r50"}, {"model", "r50.onnx"}, {"output_dim", 512}}; }

// The message of the Error(kInvalidArgument) that parsing `j` throws.
std::string ParseError(const json& j) {
  try {
    ParseOnnxEmbedderConfig(j, "/cfg", "test.json");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error for " << j.dump();
  return "";
}

TEST(OnnxEmbedderConfigTest, DefaultsAreInsightfacesArcFaceConventions) {
  const OnnxEmbedderConfig c = ParseOnnxEmbedderConfig(Minimal(), "/cfg", "test.json");
  EXPECT_EQ(c.model_id, "arcface_r50");
  EXPECT_EQ(c.model, std::filesystem::path("/cfg/r50.onnx"));  // relative to the config
  EXPECT_EQ(c.alignment.size, cv::Size(112, 112));
  EXPECT_FLOAT_EQ(c.alignment.points[0].x, ArcFaceTemplate112().points[0].x);
  EXPECT_TRUE(c.rgb);
  EXPECT_DOUBLE_EQ(c.mean[1], 127.5);
  EXPECT_DOUBLE_EQ(c.std[2], 128.0);
  EXPECT_EQ(c.output_dim, 512);
  EXPECT_TRUE(c.l2_normalize);
  EXPECT_TRUE(c.output_layer.empty());
  // Cosine 0.3 between unit vectors is a Euclidean distance of sqrt(2 - 0.6).
  EXPECT_NEAR(c.match_distance, std::sqrt(1.4f), 1e-6f);
}

TEST(OnnxEmbedderConfigTest, EveryKeyIsRead) {
  json j = Minimal();
  j["model"] = "/abs/m.onnx";
  j["input_size"] = {96, 112};
  j["template"] = {{30, 50}, {66, 50}, {48, 70}, {33, 90}, {63, 90}};
  j["colour_order"] = "BGR";
  j["mean"] = {1, 2, 3};
  j["std"] = 2;
  j["l2_normalize"] = false;
  j["metric"] = "euclidean";
  j["threshold"] = 20.5;
  j["output"] = "fc1";
  const OnnxEmbedderConfig c = ParseOnnxEmbedderConfig(j, "/cfg", "test.json");
  EXPECT_EQ(c.model, std::filesystem::path("/abs/m.onnx"));
  EXPECT_EQ(c.alignment.size, cv::Size(96, 112));
  EXPECT_FLOAT_EQ(c.alignment.points[3].x, 33);
  EXPECT_FALSE(c.rgb);
  EXPECT_DOUBLE_EQ(c.mean[2], 3);
  EXPECT_DOUBLE_EQ(c.std[0], 2);
  EXPECT_FALSE(c.l2_normalize);
  EXPECT_FLOAT_EQ(c.match_distance, 20.5f);
  EXPECT_EQ(c.output_layer, "fc1");
}

TEST(OnnxEmbedderConfigTest, MistakesNameTheKey) {
  auto with = [](const std::string& key, const json& value) {
    json j = Minimal();
    if (value.is_null()) {
      j.erase(key);
    } else {
      j[key] = value;
    }
    return j;
  };
  EXPECT_NE(ParseError(with("model_id", nullptr)).find("\"model_id\" is required"),
            std::string::npos);
  EXPECT_NE(ParseError(with("model_id", "a+b")).find("model_id"), std::string::npos);
  EXPECT_NE(ParseError(with("model", nullptr)).find("\"model\""), std::string::npos);
  EXPECT_NE(ParseError(with("output_dim", nullptr)).find("output_dim"), std::string::npos);
  EXPECT_NE(ParseError(with("output_dim", 0)).find("output_dim"), std::string::npos);
  EXPECT_NE(ParseError(with("output_dim", "512")).find("output_dim"), std::string::npos);
  EXPECT_NE(ParseError(with("input_size", {112})).find("input_size"), std::string::npos);
  EXPECT_NE(ParseError(with("input_size", {128, 128})).find("arcface_112"), std::string::npos);
  EXPECT_NE(ParseError(with("template", {{1, 2}})).find("template"), std::string::npos);
  EXPECT_NE(ParseError(with("template", {{1, 2}, {3, 4}, {5, 6}, {7, 8}, {500, 9}})).find("inside"),
            std::string::npos);
  EXPECT_NE(ParseError(with("colour_order", "RGBA")).find("colour_order"), std::string::npos);
  EXPECT_NE(ParseError(with("mean", {1, 2})).find("mean"), std::string::npos);
  EXPECT_NE(ParseError(with("std", 0)).find("std"), std::string::npos);
  EXPECT_NE(ParseError(with("l2_normalize", "yes")).find("l2_normalize"), std::string::npos);
  EXPECT_NE(ParseError(with("metric", "manhattan")).find("metric"), std::string::npos);
  EXPECT_NE(ParseError(with("threshold", 1.5)).find("threshold"), std::string::npos);
  json cosine_without_unit = with("l2_normalize", false);
  EXPECT_NE(ParseError(cosine_without_unit).find("l2_normalize"), std::string::npos);
  json euclidean_without_threshold = with("metric", "euclidean");
  EXPECT_NE(ParseError(euclidean_without_threshold).find("threshold"), std::string::npos);
  EXPECT_NE(ParseError(json::array()).find("JSON object"), std::string::npos);
  EXPECT_NE(ParseError(with("model", nullptr)).find("test.json"), std::string::npos);
}

TEST(OnnxEmbedderConfigTest, LoadsFilesAndReportsMissingOrBrokenOnes) {
  testing::ScratchDir dir;
  testing::WriteFile(dir / "sub" / "m.json", Minimal().dump());
  EXPECT_EQ(LoadOnnxEmbedderConfig(dir / "sub" / "m.json").model, dir / "sub" / "r50.onnx");
  try {
    LoadOnnxEmbedderConfig(dir / "none.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
  testing::WriteFile(dir / "broken.json", "{\"model_id\": ");
  try {
    LoadOnnxEmbedderConfig(dir / "broken.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("broken.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace facetrace
