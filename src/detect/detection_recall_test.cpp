// Detection recall on dlib's annotated group photos (detection_dlib_faces: PASCAL VOC images
// with dlib's face boxes), and finding tiny faces in a large photo.
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "align/face_aligner.h"
#include "detect/face_detector.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

struct AnnotatedImage {
  std::string file;
  std::vector<Box> faces;
};

// dlib's imglab XML: <image file='...'> <box top='' left='' width='' height=''/> ... </image>.
std::vector<AnnotatedImage> ReadImglabXml(const std::filesystem::path& path) {
  const std::string xml = testing::ReadFile(path);
  const std::regex image_re(R"(<image file='([^']+)'[^>]*>([\s\S]*?)</image>)");
  const std::regex box_re(R"(<box top='(-?\d+)' left='(-?\d+)' width='(\d+)' height='(\d+)'\s*/>)");
  std::vector<AnnotatedImage> images;
  for (std::sregex_iterator it(xml.begin(), xml.end(), image_re), end; it != end; ++it) {
    AnnotatedImage image{(*it)[1].str(), {}};
    const std::string body = (*it)[2].str();
    for (std::sregex_iterator b(body.begin(), body.end(), box_re); b != end; ++b) {
      image.faces.push_back({std::stof((*b)[2].str()), std::stof((*b)[1].str()),
                             std::stof((*b)[3].str()), std::stof((*b)[4].str())});
    }
    images.push_back(std::move(image));
  }
  return images;
}

struct Recall {
  int found = 0;
  int total = 0;
  double value() const { return total ? static_cast<double>(found) / total : 0; }
};

// A ground-truth face counts as found when a detection, drawn in dlib's box convention (the
// one the annotations use, see ShapePredictorBox), overlaps it at IoU >= 0.5.
Recall MeasureRecall(FaceDetector& detector) {
  Recall recall;
  const auto dir = testing::DatasetFile("detection_dlib_faces");
  for (const char* xml : {"training.xml", "testing.xml"}) {
    for (const AnnotatedImage& image : ReadImglabXml(dir / xml)) {
      const cv::Mat bgr = cv::imread((dir / image.file).string());
      EXPECT_FALSE(bgr.empty()) << image.file;
      const std::vector<Detection> detections = detector.Detect(bgr);
      for (const Box& truth : image.faces) {
        ++recall.total;
        for (const Detection& d : detections) {
          if (IntersectionOverUnion(ShapePredictorBox(d), truth) >= 0.5f) {
            ++recall.found;
            break;
          }
        }
      }
    }
  }
  return recall;
}

TEST(DetectionRecallTest, AnnotationsAreRead) {
  const auto images = ReadImglabXml(testing::DatasetFile("detection_dlib_faces/testing.xml"));
  ASSERT_FALSE(images.empty());
  EXPECT_EQ(images[0].file, "2008_002470.jpg");
  ASSERT_EQ(images[0].faces.size(), 6u);
  EXPECT_FLOAT_EQ(images[0].faces[0].x, 274);
  EXPECT_FLOAT_EQ(images[0].faces[0].y, 181);
}

class DetectorRecall : public ::testing::TestWithParam<std::pair<const char*, double>> {};

TEST_P(DetectorRecall, AtIouHalf) {
  const auto [name, floor] = GetParam();
  auto detector = CreateFaceDetector(name, ModelPaths::Resolve());
  const Recall recall = MeasureRecall(*detector);
  std::printf("[detection] %s: recall %.3f (%d/%d) at IoU 0.5 on detection_dlib_faces\n", name,
              recall.value(), recall.found, recall.total);
  EXPECT_EQ(recall.total, 43);
  EXPECT_GE(recall.value(), floor) << name;
}

INSTANTIATE_TEST_SUITE_P(Detectors, DetectorRecall,
                         ::testing::Values(std::make_pair("yunet", 0.9), std::make_pair("hog", 0.9),
                                           std::make_pair("mmod", 0.9)),
                         [](const auto& param_info) {
                           return std::string(param_info.param.first);
                         });

// Real faces shrunk to ~22 px and placed in a 4000x3000 photo must be found.
TEST(TinyFacesTest, TwentyPixelFacesInA4000PixelPhoto) {
  cv::Mat canvas(3000, 4000, CV_8UC3);
  cv::randu(canvas, cv::Scalar::all(90), cv::Scalar::all(140));  // a textured, face-free scene
  cv::GaussianBlur(canvas, canvas, cv::Size(0, 0), 3);
  const std::vector<std::string> sources = {
      "dlib_johns/John_Salley/000179_02159509.jpg", "dlib_johns/John_Savage/000264_01099001.jpg",
      "celeb5_kaggle/madonna/" +
          testing::SortedImages(testing::DatasetFile("celeb5_kaggle/madonna"))
              .front()
              .filename()
              .string()};
  std::vector<Box> placed;
  for (size_t i = 0; i < sources.size(); ++i) {
    const cv::Mat face = cv::imread(testing::DatasetFile(sources[i]).string());
    cv::Mat small;
    cv::resize(face, small, cv::Size(36, 36), 0, 0, cv::INTER_AREA);  // face itself ~22 px wide
    const cv::Rect at(600 + static_cast<int>(i) * 1300, 700 + static_cast<int>(i) * 800, 36, 36);
    small.copyTo(canvas(at));
    placed.push_back({static_cast<float>(at.x), static_cast<float>(at.y), 36, 36});
  }
  auto detector = CreateFaceDetector("yunet", ModelPaths::Resolve());
  const auto detections = detector->Detect(canvas);
  for (const Box& truth : placed) {
    const bool found = std::any_of(detections.begin(), detections.end(), [&](const Detection& d) {
      return IntersectionOverUnion(d.box, truth) >= 0.3f;
    });
    EXPECT_TRUE(found) << "face at " << truth.x << "," << truth.y << " not found";
  }
  EXPECT_LE(detections.size(), placed.size() + 1) << "false detections in a face-free background";
}

}  // namespace
}  // namespace facetrace
