// The service's limits: upload size, pixel count, per-token rate, and retention. The rate
// limit (5 a minute) counts every call of a token, so each test uses its own users.
#include <gtest/gtest.h>

#include "server/api_test_support.h"

namespace facetrace::testing {
namespace {

class ApiLimitsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ServerOptions options;
    options.max_upload_bytes = 1 << 20;
    options.gallery.pipeline.load_options.max_pixels = 100'000;  // 150x150 passes, 900x916 not
    options.rate_limit_per_minute = 5;
    options.retention_days = 1;
    service_ = new TestService(options);
  }
  static void TearDownTestSuite() {
    delete service_;
    service_ = nullptr;
  }
  static TestService* service_;
};

TestService* ApiLimitsTest::service_ = nullptr;

TEST_F(ApiLimitsTest, OversizeUploadIs413BeforeTheBodyIsUsed) {
  const std::string big(2 << 20, 'x');
  auto r = service_->Client()->Post(
      "/v1/search", service_->Auth("anna"),
      httplib::MultipartFormDataItems{FilePart("photo", big), TextPart("case_id", "1"),
                                      TextPart("purpose", "x")});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(Json(r)["error"]["code"], "too_large");
}

TEST_F(ApiLimitsTest, TooManyPixelsIs413FromTheHeader) {
  const int64_t case_id = service_->CreateCase("anna");
  auto r = service_->Search("anna", case_id, DatasetFile("detection_dlib_faces/dogs.jpg"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(Json(r)["error"]["code"], "image_too_large");
}

TEST_F(ApiLimitsTest, RateLimitIsPerToken) {
  int ok = 0, limited = 0;
  for (int i = 0; i < 8; ++i) {
    auto r = service_->Client()->Get("/v1/me", service_->Auth("rita"));
    ASSERT_TRUE(r);
    if (r->status == 200) ++ok;
    if (r->status == 429) {
      ++limited;
      EXPECT_EQ(Json(r)["error"]["code"], "rate_limited");
      EXPECT_EQ(r->get_header_value("Retry-After"), "60");
    }
  }
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(limited, 3);
  // Another token is unaffected.
  EXPECT_EQ(service_->Client()->Get("/v1/me", service_->Auth("rob"))->status, 200);
}

TEST_F(ApiLimitsTest, RetentionExpiresQueryPhotosAndNonMatches) {
  const int64_t case_id = service_->CreateCase("alice");
  auto r = service_->Search("alice", case_id, JohnPhoto("John_Savage", 3), "lead", 3);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto search = Json(r);
  const std::string id = std::to_string(search["search_id"].get<int64_t>());
  size_t matches = 0;
  for (const auto& c : search["faces"][0]["candidates"]) matches += c["possible_match"].get<bool>();
  ASSERT_LT(matches, 3u);  // something to expire

  EXPECT_EQ(service_->server().ExpireNow(std::time(nullptr)).searches, 0);  // a day not gone
  EXPECT_EQ(
      service_->Client()->Get("/v1/searches/" + id + "/photo", service_->Auth("admin"))->status,
      200);

  const RetentionSummary summary = service_->server().ExpireNow(std::time(nullptr) + 2 * 86400);
  EXPECT_GE(summary.searches, 1);
  EXPECT_EQ(
      service_->Client()->Get("/v1/searches/" + id + "/photo", service_->Auth("admin"))->status,
      404);
  EXPECT_EQ(service_->Client()
                ->Get("/v1/searches/" + id + "/faces/0/chip", service_->Auth("admin"))
                ->status,
            404);
  r = service_->Client()->Get("/v1/searches/" + id, service_->Auth("admin"));
  ASSERT_EQ(r->status, 200);
  const auto expired = Json(r);
  EXPECT_TRUE(expired["expired_at"].is_string());
  EXPECT_EQ(expired["faces"][0]["candidates"].size(), matches);
  EXPECT_EQ(expired["photo_sha256"], search["photo_sha256"]);
  // The sweep itself is on the record.
  r = service_->Client()->Get("/v1/audit?limit=1000", service_->Auth("aud"));
  ASSERT_EQ(r->status, 200) << r->body;
  bool logged = false;
  const nlohmann::json audit = Json(r);
  for (const auto& e : audit["entries"]) logged = logged || e["action"] == "retention.expire";
  EXPECT_TRUE(logged);
}

}  // namespace
}  // namespace facetrace::testing
