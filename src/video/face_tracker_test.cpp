#include "video/face_tracker.h"

#include <gtest/gtest.h>

#include "embed/dlib_resnet_embedder.h"

namespace facetrace {
namespace {

// A face of `person` (an embedding along that axis, length 1) at x, with `quality`.
Face PersonAt(int person, float x, float quality = 0.5f) {
  Face f;
  f.detection.box = {x, 40, 60, 60};
  f.quality = quality;
  f.embedding.assign(DlibResnetEmbedder::kDim, 0.0f);
  f.embedding[static_cast<size_t>(person)] = 1.0f;
  f.embedding[100] = 0.05f * static_cast<float>(static_cast<int>(x) % 3);  // a little noise
  return f;
}

VideoFrame FrameAt(int i) { return {i, 0.2 * i, cv::Mat(200, 400, CV_8UC3, cv::Scalar::all(90))}; }

TEST(FaceTrackerTest, OnePersonMovingIsOneTrack) {
  FaceTracker tracker;
  for (int i = 0; i < 10; ++i) tracker.Add(FrameAt(i), {PersonAt(0, 10.0f * i, 0.1f * i)});
  const auto tracks = tracker.Finish();
  ASSERT_EQ(tracks.size(), 1u);
  EXPECT_EQ(tracks[0].id, 1);
  EXPECT_EQ(tracks[0].frames, 10);
  EXPECT_DOUBLE_EQ(tracks[0].start_s, 0.0);
  EXPECT_NEAR(tracks[0].end_s, 1.8, 1e-9);
  ASSERT_EQ(tracks[0].best.size(), 5u);                     // the default best_faces
  EXPECT_NEAR(tracks[0].best[0].face.quality, 0.9f, 1e-6);  // best first
  EXPECT_NEAR(tracks[0].best[4].face.quality, 0.5f, 1e-6);
  EXPECT_EQ(tracks[0].best[0].tile.rows, 112);
  EXPECT_NEAR(tracks[0].Template()[0], 1.0f, 0.01f);
}

TEST(FaceTrackerTest, TwoPeopleAlternatingAreTwoTracks) {
  FaceTracker tracker;
  // A for 3 frames, B for 3 in the same place, then A again.
  for (int i = 0; i < 9; ++i) tracker.Add(FrameAt(i), {PersonAt((i / 3) % 2, 100)});
  const auto tracks = tracker.Finish();
  ASSERT_EQ(tracks.size(), 2u);
  EXPECT_EQ(tracks[0].frames, 6);
  EXPECT_EQ(tracks[1].frames, 3);
  EXPECT_NEAR(tracks[0].Template()[0], 1.0f, 0.01f);
  EXPECT_NEAR(tracks[1].Template()[1], 1.0f, 0.01f);
}

TEST(FaceTrackerTest, TwoPeopleSideBySideStayApart) {
  FaceTracker tracker;
  for (int i = 0; i < 5; ++i) {
    // They swap places half-way: identity, not position, decides.
    const float a = i < 3 ? 20 : 300, b = i < 3 ? 300 : 20;
    tracker.Add(FrameAt(i), {PersonAt(0, a), PersonAt(1, b)});
  }
  const auto tracks = tracker.Finish();
  ASSERT_EQ(tracks.size(), 2u);
  EXPECT_EQ(tracks[0].frames, 5);
  EXPECT_EQ(tracks[1].frames, 5);
}

TEST(FaceTrackerTest, ALongAbsenceStartsANewTrack) {
  TrackerOptions options;
  options.max_gap = 2;
  FaceTracker tracker(options);
  tracker.Add(FrameAt(0), {PersonAt(0, 10)});
  for (int i = 1; i < 5; ++i) tracker.Add(FrameAt(i), {});
  tracker.Add(FrameAt(5), {PersonAt(0, 10)});
  EXPECT_EQ(tracker.Finish().size(), 2u);
}

}  // namespace
}  // namespace facetrace
