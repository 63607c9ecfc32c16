// Unit tests of the server's parts that need no running server: routes, errors, limits,
// metrics, the OpenAPI generator, reports, the embedded UI and the object pool.
#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "server/api_error.h"
#include "server/case_report.h"
#include "server/metrics.h"
#include "server/object_pool.h"
#include "server/openapi.h"
#include "server/rate_limiter.h"
#include "server/route.h"
#include "server/ui_assets.h"

namespace facetrace {
namespace {

TEST(RouteTest, PathTemplatesBecomeAnchoredDigitPatterns) {
  EXPECT_EQ(PathRegex("/v1/identities/{id}"), "/v1/identities/(\\d+)");
  EXPECT_EQ(PathRegex("/v1/searches/{id}/faces/{index}/chip"),
            "/v1/searches/(\\d+)/faces/(\\d+)/chip");
  EXPECT_EQ(PathRegex("/v1/openapi.json"), "/v1/openapi\\.json");
  EXPECT_EQ(PathRegex("/ui/{path}"), "/ui/(.+)");
  const std::regex id(PathRegex("/v1/images/{id}"));
  EXPECT_TRUE(std::regex_match("/v1/images/42", id));
  EXPECT_FALSE(std::regex_match("/v1/images/../../etc/passwd", id));
  EXPECT_FALSE(std::regex_match("/v1/images/1;DROP", id));
}

TEST(RouteTest, AllowsOnlyListedRoles) {
  Route route;
  route.roles = kReviewers;
  EXPECT_TRUE(route.Allows(Role::kReviewer));
  EXPECT_TRUE(route.Allows(Role::kAdmin));
  EXPECT_FALSE(route.Allows(Role::kAnalyst));
  EXPECT_FALSE(route.Allows(Role::kAuditor));
  EXPECT_FALSE(route.is_public());
  EXPECT_TRUE(Route{}.is_public());
  // The audit log is for auditors alone (separation of duties), even against an admin.
  EXPECT_EQ(kAuditors, std::vector<Role>{Role::kAuditor});
}

TEST(ApiErrorTest, StatusesFollowTheContract) {
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kCorruptImage), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kConflict), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kTooLarge), 413);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kImageTooLarge), 413);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnsupportedFormat), 415);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kRateLimited), 429);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kDatabase), 500);
  EXPECT_EQ(ErrorBody(ErrorCode::kConflict, "twice"),
            nlohmann::json({{"error", {{"code", "conflict"}, {"message", "twice"}}}}));
}

TEST(RateLimiterTest, BurstThenSteadyRatePerKey) {
  RateLimiter limiter(3);
  const auto t0 = RateLimiter::Clock::now();
  EXPECT_TRUE(limiter.Allow("a", t0));
  EXPECT_TRUE(limiter.Allow("a", t0));
  EXPECT_TRUE(limiter.Allow("a", t0));
  EXPECT_FALSE(limiter.Allow("a", t0));
  EXPECT_TRUE(limiter.Allow("b", t0));  // another token has its own bucket
  EXPECT_FALSE(limiter.Allow("a", t0 + std::chrono::seconds(10)));  // half a token back
  EXPECT_TRUE(limiter.Allow("a", t0 + std::chrono::seconds(20)));   // one token back
  EXPECT_FALSE(limiter.Allow("a", t0 + std::chrono::seconds(20)));
  RateLimiter unlimited(0);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(unlimited.Allow("a", t0));
}

TEST(MetricsTest, RendersPrometheusText) {
  Metrics metrics;
  metrics.CountRequest("GET", "/v1/identities/{id}", 200);
  metrics.CountRequest("GET", "/v1/identities/{id}", 200);
  metrics.CountRequest("POST", "/v1/search", 415);
  metrics.ObserveSearchSeconds(0.3);
  metrics.ObserveSearchSeconds(100);
  const std::string text = metrics.Render(1234, 56);
  EXPECT_NE(text.find("facetrace_http_requests_total{method=\"GET\",route=\"/v1/identities/{id}\","
                      "status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("status=\"415\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("facetrace_search_seconds_bucket{le=\"0.25\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("facetrace_search_seconds_bucket{le=\"0.5\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("facetrace_search_seconds_bucket{le=\"60\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("facetrace_search_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("facetrace_search_seconds_count 2\n"), std::string::npos);
  EXPECT_NE(text.find("facetrace_gallery_faces 1234\n"), std::string::npos);
  EXPECT_NE(text.find("facetrace_gallery_identities 56\n"), std::string::npos);
}

TEST(OpenApiTest, DescribesRoutesRolesAndBodies) {
  Route search;
  search.method = "POST";
  search.path = "/v1/search";
  search.roles = kAnalysts;
  search.summary = "search";
  search.body = Body::kMultipart;
  search.fields = {{"photo", "binary"}, {"case_id", "integer"}};
  search.required = {"photo"};
  Route chip;
  chip.method = "GET";
  chip.path = "/v1/searches/{id}/faces/{index}/chip";
  chip.roles = kCaseReaders;
  Route health;
  health.method = "GET";
  health.path = "/v1/health";
  const nlohmann::json doc = OpenApiDocument({search, chip, health});
  EXPECT_EQ(doc["openapi"], "3.0.3");
  const auto& op = doc["paths"]["/v1/search"]["post"];
  EXPECT_EQ(op["x-roles"], nlohmann::json({"admin", "analyst"}));
  const auto& schema = op["requestBody"]["content"]["multipart/form-data"]["schema"];
  EXPECT_EQ(schema["properties"]["photo"]["format"], "binary");
  EXPECT_EQ(schema["required"], nlohmann::json({"photo"}));
  EXPECT_TRUE(op["responses"].contains("415"));
  EXPECT_TRUE(op["responses"].contains("403"));
  const auto& chip_op = doc["paths"]["/v1/searches/{id}/faces/{index}/chip"]["get"];
  ASSERT_EQ(chip_op["parameters"].size(), 2u);
  EXPECT_EQ(chip_op["parameters"][1]["name"], "index");
  const auto& health_op = doc["paths"]["/v1/health"]["get"];
  EXPECT_EQ(health_op["security"], nlohmann::json::array());  // public
  EXPECT_FALSE(health_op["responses"].contains("401"));
}

TEST(CaseReportTest, EscapesEveryStoredText) {
  const nlohmann::json report = {{"id", 3},
                                 {"title", "<script>alert(1)</script>"},
                                 {"description", "'; DROP TABLE cases; --"},
                                 {"created_by", "alice"},
                                 {"created_at", "2024-01-01T00:00:00Z"},
                                 {"generated_by", "bob"},
                                 {"generated_at", "2024-01-02T00:00:00Z"},
                                 {"searches",
                                  {{{"search_id", 7},
                                    {"user", "alice"},
                                    {"created_at", "t"},
                                    {"purpose", "<b>why</b>"},
                                    {"photo_sha256", "abc"},
                                    {"expired_at", nullptr},
                                    {"faces",
                                     {{{"index", 0},
                                       {"quality", 0.8},
                                       {"match", true},
                                       {"candidates",
                                        {{{"rank", 1},
                                          {"name", "Ann<>"},
                                          {"identity_id", 12},
                                          {"distance", 0.41},
                                          {"false_match_rate", 2e-5},
                                          {"possible_match", true}}}}}}},
                                    {"proposals", nlohmann::json::array()}}}}};
  const std::string html = CaseReportHtml(report);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&#39;; DROP TABLE cases; --"), std::string::npos);
  EXPECT_NE(html.find("Ann&lt;&gt;"), std::string::npos);
  EXPECT_NE(html.find("possible match"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);  // self-contained: nothing to fetch
}

TEST(UiAssetsTest, EmbedsTheUiFolderAndNothingElse) {
  const auto index = FindUiFile("index.html");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_NE(index->bytes.find("<html"), std::string_view::npos);
  for (const EmbeddedFile& f : UiFiles()) {
    EXPECT_EQ(f.path.find(".."), std::string_view::npos) << f.path;
    EXPECT_NE(f.path.front(), '/');
  }
  EXPECT_FALSE(FindUiFile("../CMakeLists.txt"));
  EXPECT_FALSE(FindUiFile("/etc/passwd"));
  EXPECT_FALSE(FindUiFile("%2e%2e/index.html"));
  EXPECT_FALSE(FindUiFile(""));
}

TEST(ObjectPoolTest, ReusesReturnedObjectsAndMakesMoreWhenAllAreOut) {
  int made = 0;
  ObjectPool<int> pool([&made] { return std::make_unique<int>(++made); });
  {
    auto a = pool.Acquire();
    auto b = pool.Acquire();
    EXPECT_EQ(*a + *b, 3);
    EXPECT_EQ(pool.idle(), 0u);
  }
  EXPECT_EQ(pool.idle(), 2u);
  {
    auto c = pool.Acquire();
    EXPECT_LE(*c, 2);  // one of the two, not a third
  }
  EXPECT_EQ(made, 2);
}

}  // namespace
}  // namespace facetrace
