#include "embed/face_embedder.h"

#include <cmath>

#include <dlib/dnn.h>

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

Embedding ToEmbedding(const dlib::matrix<float, 0, 1>& v) { return Embedding(v.begin(), v.end()); }

}  // namespace

struct FaceEmbedder::Net {
  anet_type net;
};

FaceEmbedder::FaceEmbedder(const std::filesystem::path& resnet_path, const EmbedderOptions& options)
    : net_(std::make_unique<Net>()), options_(options) {
  if (options_.batch_size < 1) {
    throw Error(ErrorCode::kInvalidArgument, "embedding batch size must be at least 1");
  }
  try {
    dlib::deserialize(resnet_path.string()) >> net_->net;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kModelInvalid,
                "cannot load face recognition model " + resnet_path.string() + ": " + e.what());
  }
}

FaceEmbedder::~FaceEmbedder() = default;
FaceEmbedder::FaceEmbedder(FaceEmbedder&&) noexcept = default;
FaceEmbedder& FaceEmbedder::operator=(FaceEmbedder&&) noexcept = default;

std::vector<Embedding> FaceEmbedder::Embed(const std::vector<FaceChip>& chips) {
  std::vector<Embedding> out;
  out.reserve(chips.size());
  if (chips.empty()) return out;
  const auto batch = static_cast<size_t>(options_.batch_size);
  const std::vector<dlib::matrix<float, 0, 1>> plain = net_->net(chips, batch);
  if (!options_.flip_fusion) {
    for (const auto& v : plain) out.push_back(ToEmbedding(v));
    return out;
  }
  // Flip fusion: the mean of the embeddings of the chip and its mirror image. dlib's own
  // jitter example averages in the same (unnormalised) space.
  std::vector<FaceChip> flipped(chips.size());
  for (size_t i = 0; i < chips.size(); ++i) flipped[i] = dlib::fliplr(chips[i]);
  const std::vector<dlib::matrix<float, 0, 1>> mirror = net_->net(flipped, batch);
  for (size_t i = 0; i < chips.size(); ++i)
    out.push_back(ToEmbedding((plain[i] + mirror[i]) * 0.5f));
  return out;
}

float EmbeddingDistance(const Embedding& a, const Embedding& b) {
  if (a.size() != b.size()) {
    throw Error(ErrorCode::kInvalidArgument, "embeddings of different lengths cannot be compared");
  }
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    sum += d * d;
  }
  return static_cast<float>(std::sqrt(sum));
}

}  // namespace facetrace
