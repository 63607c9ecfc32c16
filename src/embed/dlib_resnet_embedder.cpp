#include "embed/dlib_resnet_embedder.h"

#include <dlib/dnn.h>
#include <dlib/image_transforms/interpolation.h>

#include "core/error.h"

namespace facetrace {

namespace {

// The network definition of dlib_face_recognition_resnet_model_v1 (dlib's
// dnn_face_recognition_ex.cpp): a 29-layer ResNet with the last layer giving 128 values.
// It must match the serialized model exactly; only the test-time (affine) variant is needed.
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual = dlib::add_prev1<block<N, BN, 1, dlib::tag1<SUBNET>>>;

template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual_down = dlib::add_prev2<
    dlib::avg_pool<2, 2, 2, 2, dlib::skip1<dlib::tag2<block<N, BN, 2, dlib::tag1<SUBNET>>>>>>;

template <int N, template <typename> class BN, int stride, typename SUBNET>
using block =
    BN<dlib::con<N, 3, 3, 1, 1, dlib::relu<BN<dlib::con<N, 3, 3, stride, stride, SUBNET>>>>>;

template <int N, typename SUBNET>
using ares = dlib::relu<residual<block, N, dlib::affine, SUBNET>>;
template <int N, typename SUBNET>
using ares_down = dlib::relu<residual_down<block, N, dlib::affine, SUBNET>>;

template <typename SUBNET>
using alevel0 = ares_down<256, SUBNET>;
template <typename SUBNET>
using alevel1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET>
using alevel2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET>
using alevel3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET>
using alevel4 = ares<32, ares<32, ares<32, SUBNET>>>;

using anet_type = dlib::loss_metric<dlib::fc_no_bias<
    128, dlib::avg_pool_everything<alevel0<alevel1<alevel2<alevel3<alevel4<dlib::max_pool<
             3, 3, 2, 2,
             dlib::relu<dlib::affine<
                 dlib::con<32, 7, 7, 2, 2, dlib::input_rgb_image_sized<150>>>>>>>>>>>>>;

using Vector = dlib::matrix<float, 0, 1>;

Embedding ToEmbedding(const Vector& v) { return Embedding(v.begin(), v.end()); }

// The same random jitters for a chip wherever and whenever it is embedded: a fixed seed per
// face, so that enrolling a photo twice gives the same embedding.
std::vector<FaceChip> JitteredCopies(const FaceChip& chip, int count) {
  dlib::rand rnd("facetrace-jitter");
  std::vector<FaceChip> copies;
  copies.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) copies.push_back(dlib::jitter_image(chip, rnd));
  return copies;
}

}  // namespace

struct DlibResnetEmbedder::Net {
  anet_type net;
};

EmbedderInfo DlibResnetEmbedder::Describe(const EmbedderOptions& options) {
  return {EmbeddingModelId(kBaseModelId, options), kDim, 0.6f};
}

DlibResnetEmbedder::DlibResnetEmbedder(const std::filesystem::path& resnet_path,
                                       const EmbedderOptions& options)
    : net_(std::make_unique<Net>()), options_(options), info_(Describe(options)) {
  if (options_.batch_size < 1) {
    throw Error(ErrorCode::kInvalidArgument, "embedding batch size must be at least 1");
  }
  if (options_.jitters < 0) {
    throw Error(ErrorCode::kInvalidArgument, "the number of jitters must not be negative");
  }
  try {
    dlib::deserialize(resnet_path.string()) >> net_->net;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kModelInvalid,
                "cannot load face recognition model " + resnet_path.string() + ": " + e.what());
  }
}

DlibResnetEmbedder::~DlibResnetEmbedder() = default;

std::vector<Embedding> DlibResnetEmbedder::Embed(const cv::Mat& /*bgr*/,
                                                 const std::vector<FaceToEmbed>& faces) {
  std::vector<FaceChip> chips;
  chips.reserve(faces.size());
  for (const FaceToEmbed& f : faces) chips.push_back(f.dlib_chip);
  return EmbedChips(chips);
}

std::vector<Embedding> DlibResnetEmbedder::EmbedChips(const std::vector<FaceChip>& chips) {
  std::vector<Embedding> out;
  out.reserve(chips.size());
  if (chips.empty()) return out;
  const auto batch = static_cast<size_t>(options_.batch_size);
  // Every view of a face (the chip, its mirror, its jitters) is embedded and the embeddings
  // averaged, in dlib's own (unnormalised) space as its jitter example does.
  std::vector<Vector> sum = net_->net(chips, batch);
  int views = 1;
  if (options_.flip_fusion) {
    std::vector<FaceChip> flipped(chips.size());
    for (size_t i = 0; i < chips.size(); ++i) flipped[i] = dlib::fliplr(chips[i]);
    const std::vector<Vector> mirror = net_->net(flipped, batch);
    for (size_t i = 0; i < chips.size(); ++i) sum[i] += mirror[i];
    ++views;
  }
  if (options_.jitters > 0) {
    for (size_t i = 0; i < chips.size(); ++i) {
      const std::vector<Vector> jittered =
          net_->net(JitteredCopies(chips[i], options_.jitters), batch);
      for (const Vector& v : jittered) sum[i] += v;
    }
    views += options_.jitters;
  }
  for (const Vector& v : sum) out.push_back(ToEmbedding(v / static_cast<float>(views)));
  return out;
}

}  // namespace facetrace
