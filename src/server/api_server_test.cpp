// The REST API end to end: a real server on a loopback port, real photos, every endpoint and
// every role.
#include "server/api_server.h"

#include <future>
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "io/sha256.h"
#include "server/api_test_support.h"

namespace facetrace::testing {
namespace {

const std::string kInjection = "Robert'); DROP TABLE identities; --";

class ApiServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { service_ = new TestService(); }
  static void TearDownTestSuite() {
    delete service_;
    service_ = nullptr;
  }
  TestService& service() { return *service_; }
  std::unique_ptr<httplib::Client> client() { return service_->Client(); }

  // A search by alice for a fresh case; returns the response body.
  nlohmann::json SearchSavage(int64_t* case_id = nullptr) {
    const int64_t id = service().CreateCase("alice");
    if (case_id) *case_id = id;
    auto r = service().Search("alice", id, JohnPhoto("John_Savage", 3), "check a lead");
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return Json(r);
  }

  static TestService* service_;
};

TestService* ApiServerTest::service_ = nullptr;

// The route's path with sample values for its parameters.
std::string SamplePath(const std::string& path) {
  return std::regex_replace(std::regex_replace(path, std::regex(R"(\{path\})"), "index.html"),
                            std::regex(R"(\{[a-z_]+\})"), "1");
}

httplib::Result Send(httplib::Client& client, const std::string& method, const std::string& path,
                     const httplib::Headers& headers) {
  if (method == "GET") return client.Get(path, headers);
  if (method == "POST") return client.Post(path, headers, "{}", "application/json");
  if (method == "PATCH") return client.Patch(path, headers, "{}", "application/json");
  return client.Delete(path, headers);
}

TEST_F(ApiServerTest, HealthAndOpenApiArePublic) {
  auto r = client()->Get("/v1/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const auto health = Json(r);
  EXPECT_EQ(health["status"], "ok");
  EXPECT_GE(health["faces"].get<int>(), 6);
  EXPECT_GE(health["identities"].get<int>(), 3);
  EXPECT_EQ(health["model"], "dlib_resnet_v1");

  r = client()->Get("/v1/openapi.json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const auto doc = Json(r);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  // Every route the server registered is in the document, with its method.
  ASSERT_GE(service().server().routes().size(), 25u);
  for (const Route& route : service().server().routes()) {
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    EXPECT_TRUE(doc["paths"].contains(route.path)) << route.path;
    EXPECT_TRUE(doc["paths"][route.path].contains(method)) << route.method << " " << route.path;
  }
  // ... and nothing that is not registered.
  size_t operations = 0;
  for (const auto& [path, methods] : doc["paths"].items()) operations += methods.size();
  EXPECT_EQ(operations, service().server().routes().size());
  // The contract's endpoints are all there.
  for (const char* path :
       {"/v1/search", "/v1/verify", "/v1/searches/{id}/faces/{index}/chip", "/v1/identities/{id}",
        "/v1/identities/{id}/photos", "/v1/cases/{id}/report", "/v1/proposals/{id}/decisions",
        "/v1/audit", "/v1/me", "/metrics", "/v1/faces/{id}/chip", "/v1/images/{id}"}) {
    EXPECT_TRUE(doc["paths"].contains(path)) << path;
  }
}

TEST_F(ApiServerTest, EveryForbiddenCallIsRefusedWith403) {
  const std::map<Role, std::string> user_of = {{Role::kAdmin, "admin"},
                                               {Role::kAnalyst, "alice"},
                                               {Role::kReviewer, "rob"},
                                               {Role::kAuditor, "aud"}};
  int refused = 0;
  for (const Route& route : service().server().routes()) {
    if (route.is_public()) continue;
    for (Role role : AllRoles()) {
      if (route.Allows(role)) continue;
      auto c = client();
      auto r = Send(*c, route.method, SamplePath(route.path), service().Auth(user_of.at(role)));
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 403) << RoleName(role) << " " << route.method << " " << route.path;
      EXPECT_EQ(Json(r)["error"]["code"], "permission_denied");
      ++refused;
    }
  }
  EXPECT_GT(refused, 20);  // the table really forbids things
  // The policy in words: only auditors read the audit log, only admins delete identities,
  // only reviewers (and admins) decide, reviewers and auditors never search.
  const auto& routes = service().server().routes();
  auto find = [&](const std::string& method, const std::string& path) {
    return *std::find_if(routes.begin(), routes.end(),
                         [&](const Route& r) { return r.method == method && r.path == path; });
  };
  EXPECT_EQ(find("GET", "/v1/audit").roles, kAuditors);
  EXPECT_EQ(find("DELETE", "/v1/identities/{id}").roles, kAdmins);
  EXPECT_EQ(find("POST", "/v1/proposals/{id}/decisions").roles, kReviewers);
  EXPECT_EQ(find("POST", "/v1/search").roles, kAnalysts);
}

TEST_F(ApiServerTest, MissingInvalidExpiredAndRevokedTokensAre401) {
  const std::vector<std::pair<std::string, httplib::Headers>> callers = {
      {"no token", {}},
      {"unknown token", {{"Authorization", "Bearer ft_" + std::string(64, '0')}}},
      {"garbage", {{"Authorization", "Bearer ' OR 1=1; --"}}},
      {"other scheme", {{"Authorization", "Basic " + service().token("admin")}}},
      {"expired", service().Auth("expired")},
      {"revoked", service().Auth("revoked")}};
  for (const Route& route : service().server().routes()) {
    if (route.is_public()) continue;
    for (const auto& [what, headers] : callers) {
      auto c = client();
      auto r = Send(*c, route.method, SamplePath(route.path), headers);
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 401) << what << " " << route.method << " " << route.path;
      EXPECT_EQ(Json(r)["error"]["code"], "unauthenticated");
      EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer");
    }
  }
}

TEST_F(ApiServerTest, MeNamesTheCaller) {
  auto r = client()->Get("/v1/me", service().Auth("rob"));
  ASSERT_TRUE(r);
  EXPECT_EQ(Json(r), nlohmann::json({{"user", "rob"}, {"role", "reviewer"}}));
}

TEST_F(ApiServerTest, SearchFindsTheRightPersonAndIsAudited) {
  int64_t case_id = 0;
  const nlohmann::json body = SearchSavage(&case_id);
  const std::string photo = ReadFile(JohnPhoto("John_Savage", 3));
  EXPECT_EQ(body["case_id"], case_id);
  EXPECT_EQ(body["photo_sha256"],
            Sha256Hex({reinterpret_cast<const uint8_t*>(photo.data()), photo.size()}));
  EXPECT_EQ(body["width"], 150);
  ASSERT_GE(body["faces"].size(), 1u);
  const auto& face = body["faces"][0];
  EXPECT_EQ(face["index"], 0);
  EXPECT_GT(face["box"]["width"].get<double>(), 20);
  EXPECT_TRUE(face["match"].get<bool>());
  ASSERT_EQ(face["candidates"].size(), 3u);
  const auto& best = face["candidates"][0];
  EXPECT_EQ(best["rank"], 1);
  EXPECT_EQ(best["name"], "John_Savage");
  EXPECT_EQ(best["metadata"]["source"], "dlib examples");
  EXPECT_TRUE(best["possible_match"].get<bool>());
  EXPECT_LT(best["distance"].get<double>(), face["candidates"][1]["distance"].get<double>());
  EXPECT_EQ(best["template_faces"], 2);  // ranked by the mean of his two gallery photos
  EXPECT_GT(best["face_id"].get<int>(), 0);
  EXPECT_GT(best["image_id"].get<int>(), 0);
  EXPECT_FALSE(best.contains("gallery_image"));  // no server paths in the API

  // The audit log has who, when, which case, why, which photo and what came back.
  auto r = client()->Get("/v1/audit?offset=0&limit=1000", service().Auth("aud"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto audit = Json(r);
  const auto& entries = audit["entries"];
  auto entry = std::find_if(entries.begin(), entries.end(), [&](const nlohmann::json& e) {
    return e["action"] == "search" && e["detail"]["search_id"] == body["search_id"];
  });
  ASSERT_NE(entry, entries.end());
  EXPECT_EQ((*entry)["user"], "alice");
  EXPECT_EQ((*entry)["case_id"], case_id);
  EXPECT_EQ((*entry)["purpose"], "check a lead");
  EXPECT_EQ((*entry)["photo_sha256"], body["photo_sha256"]);
  std::vector<int64_t> returned;
  for (const auto& c : face["candidates"]) returned.push_back(c["identity_id"].get<int64_t>());
  EXPECT_EQ((*entry)["result_ids"].get<std::vector<int64_t>>(), returned);
  EXPECT_TRUE(std::regex_match((*entry)["time"].get<std::string>(),
                               std::regex(R"(20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  EXPECT_EQ((*entry)["hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(audit["total"].get<size_t>(), entries.size());

  // The stored search answers the same, with its photo and face chips.
  const std::string id = std::to_string(body["search_id"].get<int64_t>());
  r = client()->Get("/v1/searches/" + id, service().Auth("rob"));
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(Json(r)["faces"], body["faces"]);
  EXPECT_EQ(Json(r)["purpose"], "check a lead");
  r = client()->Get("/v1/searches/" + id + "/photo", service().Auth("rob"));
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->body, photo);
  EXPECT_EQ(r->get_header_value("Content-Type"), "image/jpeg");
  r = client()->Get("/v1/searches/" + id + "/faces/0/chip", service().Auth("alice"));
  ASSERT_EQ(r->status, 200);
  const cv::Mat chip =
      cv::imdecode(std::vector<uint8_t>(r->body.begin(), r->body.end()), cv::IMREAD_COLOR);
  EXPECT_EQ(chip.rows, 160);
  EXPECT_EQ(client()->Get("/v1/searches/" + id + "/faces/9/chip", service().Auth("alice"))->status,
            404);
  EXPECT_EQ(client()->Get("/v1/searches/999999", service().Auth("alice"))->status, 404);

  // Metrics count it.
  r = client()->Get("/metrics");
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("facetrace_search_seconds_count"), std::string::npos);
  EXPECT_NE(r->body.find("route=\"/v1/search\",status=\"200\""), std::string::npos) << r->body;
}

TEST_F(ApiServerTest, SearchNeedsAPhotoAnExistingCaseAndAPurpose) {
  const int64_t case_id = service().CreateCase("alice");
  const std::string photo = ReadFile(JohnPhoto("John_Simm", 3));
  auto post = [&](const httplib::MultipartFormDataItems& form) {
    return client()->Post("/v1/search", service().Auth("alice"), form);
  };
  const auto c = TextPart("case_id", std::to_string(case_id));
  const auto p = TextPart("purpose", "x");
  const auto f = FilePart("photo", photo);
  EXPECT_EQ(post({c, p})->status, 400);
  EXPECT_EQ(post({f, p})->status, 400);
  EXPECT_EQ(post({f, c})->status, 400);
  EXPECT_EQ(post({f, c, TextPart("purpose", "")})->status, 400);
  EXPECT_EQ(post({f, p, TextPart("case_id", "99999")})->status, 404);
  EXPECT_EQ(post({f, p, TextPart("case_id", "1 OR 1=1")})->status, 400);
  EXPECT_EQ(post({f, p, c, TextPart("top_k", "0")})->status, 400);
  EXPECT_EQ(post({f, p, c, TextPart("max_false_match_rate", "2")})->status, 400);
  auto r = post({f, p, c, TextPart("top_k", "1"), TextPart("max_false_match_rate", "1e-4")});
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Json(r)["faces"][0]["candidates"].size(), 1u);
  EXPECT_EQ(Json(r)["faces"][0]["candidates"][0]["name"], "John_Simm");
  // Not JSON and not multipart.
  EXPECT_EQ(client()->Post("/v1/search", service().Auth("alice"), "x", "text/plain")->status, 400);
}

TEST_F(ApiServerTest, ConfirmationTakesTwoDifferentReviewers) {
  int64_t case_id = 0;
  const nlohmann::json search = SearchSavage(&case_id);
  const int64_t identity = search["faces"][0]["candidates"][0]["identity_id"];
  const nlohmann::json proposal = {{"search_id", search["search_id"]},
                                   {"face_index", 0},
                                   {"identity_id", identity},
                                   {"comment", "same ears"}};
  auto r =
      client()->Post("/v1/proposals", service().Auth("alice"), proposal.dump(), "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  const auto created = Json(r);
  EXPECT_EQ(created["status"], "proposed");
  EXPECT_EQ(created["decisions"], nlohmann::json::array());
  const std::string decide =
      "/v1/proposals/" + std::to_string(created["id"].get<int64_t>()) + "/decisions";
  const std::string confirm = nlohmann::json{{"decision", "confirmed"}, {"comment", "ok"}}.dump();

  r = client()->Post(decide, service().Auth("rob"), confirm, "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Json(r)["status"], "awaiting_second_review");
  r = client()->Post(decide, service().Auth("rob"), confirm, "application/json");
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(Json(r)["error"]["code"], "conflict");
  EXPECT_EQ(client()->Post(decide, service().Auth("alice"), confirm, "application/json")->status,
            403);
  r = client()->Post(decide, service().Auth("rita"), confirm, "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Json(r)["status"], "confirmed");
  EXPECT_EQ(Json(r)["decisions"].size(), 2u);
  EXPECT_EQ(client()->Post(decide, service().Auth("admin"), confirm, "application/json")->status,
            409);  // decided

  // A rejection ends it at once.
  r = client()->Post("/v1/proposals", service().Auth("alice"), proposal.dump(), "application/json");
  const std::string decide2 =
      "/v1/proposals/" + std::to_string(Json(r)["id"].get<int64_t>()) + "/decisions";
  r = client()->Post(decide2, service().Auth("rita"),
                     nlohmann::json{{"decision", "rejected"}, {"comment", "no"}}.dump(),
                     "application/json");
  EXPECT_EQ(Json(r)["status"], "rejected");
  EXPECT_EQ(client()
                ->Post(decide2, service().Auth("rob"), nlohmann::json{{"decision", "maybe"}}.dump(),
                       "application/json")
                ->status,
            400);

  // The search, the case and its reports show the decisions.
  r = client()->Get("/v1/searches/" + std::to_string(search["search_id"].get<int64_t>()),
                    service().Auth("rob"));
  EXPECT_EQ(Json(r)["proposals"].size(), 2u);
  EXPECT_EQ(Json(r)["proposals"][0]["status"], "confirmed");
  r = client()->Get("/v1/cases/" + std::to_string(case_id), service().Auth("aud"));
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(Json(r)["searches"].size(), 1u);
  EXPECT_EQ(Json(r)["searches"][0]["proposals"].size(), 2u);
  EXPECT_EQ(Json(r)["proposals"].size(), 2u);
  r = client()->Get("/v1/cases/" + std::to_string(case_id) + "/report?format=json",
                    service().Auth("rob"));
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(Json(r)["generated_by"], "rob");
  r = client()->Get("/v1/cases/" + std::to_string(case_id) + "/report?format=html",
                    service().Auth("rob"));
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(r->body.find("confirmed by rita"), std::string::npos);
  EXPECT_NE(r->body.find("John_Savage"), std::string::npos);
  EXPECT_EQ(client()
                ->Get("/v1/cases/" + std::to_string(case_id) + "/report?format=pdf",
                      service().Auth("rob"))
                ->status,
            400);
  r = client()->Get("/v1/cases", service().Auth("rita"));
  EXPECT_GE(Json(r)["cases"].size(), 1u);
}

TEST_F(ApiServerTest, TheProposerMayNotReviewItsOwnProposal) {
  const nlohmann::json search = SearchSavage();
  const nlohmann::json proposal = {
      {"search_id", search["search_id"]},
      {"face_index", 0},
      {"identity_id", search["faces"][0]["candidates"][0]["identity_id"]}};
  auto r =
      client()->Post("/v1/proposals", service().Auth("admin"), proposal.dump(), "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  r = client()->Post("/v1/proposals/" + std::to_string(Json(r)["id"].get<int64_t>()) + "/decisions",
                     service().Auth("admin"), nlohmann::json{{"decision", "confirmed"}}.dump(),
                     "application/json");
  EXPECT_EQ(r->status, 403);
  // Proposals must name a candidate of an existing face.
  nlohmann::json bad = proposal;
  bad["face_index"] = 7;
  EXPECT_EQ(client()
                ->Post("/v1/proposals", service().Auth("alice"), bad.dump(), "application/json")
                ->status,
            400);
  bad = proposal;
  bad["search_id"] = 999999;
  EXPECT_EQ(client()
                ->Post("/v1/proposals", service().Auth("alice"), bad.dump(), "application/json")
                ->status,
            404);
  EXPECT_EQ(
      client()->Post("/v1/proposals", service().Auth("alice"), "{", "application/json")->status,
      400);
}

TEST_F(ApiServerTest, IdentityLifecycleEnrollSearchAndDelete) {
  const nlohmann::json metadata = {
      {"birth_date", "1958-10-04"}, {"place", kInjection}, {"notes", "<script>x</script>"}};
  auto r = client()->Post(
      "/v1/identities", service().Auth("alice"),
      nlohmann::json{{"name", "Shimkus " + kInjection}, {"metadata", metadata}}.dump(),
      "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  const int64_t id = Json(r)["id"];
  const std::string path = "/v1/identities/" + std::to_string(id);
  EXPECT_EQ(Json(r)["name"], "Shimkus " + kInjection);
  EXPECT_EQ(Json(r)["metadata"], metadata);
  EXPECT_EQ(client()
                ->Post("/v1/identities", service().Auth("alice"),
                       nlohmann::json{{"name", "Shimkus " + kInjection}}.dump(), "application/json")
                ->status,
            409);
  EXPECT_EQ(client()
                ->Post("/v1/identities", service().Auth("alice"),
                       nlohmann::json{{"name", ""}}.dump(), "application/json")
                ->status,
            400);

  // Enroll two photos; the same photo twice is a conflict.
  const std::string photo = ReadFile(JohnPhoto("John_Shimkus", 0));
  r = client()->Post(
      path + "/photos", service().Auth("alice"),
      httplib::MultipartFormDataItems{FilePart("photo", photo), TextPart("source", kInjection)});
  ASSERT_EQ(r->status, 201) << r->body;
  const int64_t image_id = Json(r)["image_id"];
  const int64_t face_id = Json(r)["face_id"];
  EXPECT_EQ(client()
                ->Post(path + "/photos", service().Auth("alice"),
                       httplib::MultipartFormDataItems{FilePart("photo", photo)})
                ->status,
            409);
  EXPECT_EQ(client()
                ->Post("/v1/identities/999999/photos", service().Auth("alice"),
                       httplib::MultipartFormDataItems{FilePart("photo", photo)})
                ->status,
            404);

  r = client()->Get(path, service().Auth("rob"));
  ASSERT_EQ(r->status, 200);
  auto detail = Json(r);
  ASSERT_EQ(detail["photos"].size(), 1u);
  EXPECT_EQ(detail["photos"][0]["image_id"], image_id);
  EXPECT_EQ(detail["photos"][0]["source"], kInjection);
  EXPECT_EQ(detail["photos"][0]["faces"][0]["face_id"], face_id);
  EXPECT_EQ(detail["faces"], 1);
  r = client()->Get("/v1/images/" + std::to_string(image_id), service().Auth("rob"));
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->body, photo);
  r = client()->Get("/v1/faces/" + std::to_string(face_id) + "/chip", service().Auth("rob"));
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->body.substr(0, 2), "\xff\xd8");
  EXPECT_EQ(client()->Get("/v1/faces/999999/chip", service().Auth("rob"))->status, 404);
  EXPECT_EQ(client()->Get("/v1/images/999999", service().Auth("rob"))->status, 404);

  // Listing and searching by name: the injection text is just text.
  r = client()->Get("/v1/identities?q=DROP%20TABLE&limit=10", service().Auth("rob"));
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(Json(r)["total"], 1);
  EXPECT_EQ(Json(r)["identities"][0]["photos"], 1);
  r = client()->Get("/v1/identities?offset=0&limit=2", service().Auth("rob"));
  EXPECT_EQ(Json(r)["identities"].size(), 2u);
  EXPECT_GE(Json(r)["total"].get<int>(), 4);
  EXPECT_EQ(client()->Get("/v1/identities?limit=0", service().Auth("rob"))->status, 400);
  EXPECT_EQ(client()->Get("/v1/identities?offset=-1", service().Auth("rob"))->status, 400);

  // A new photo of him now finds the new identity.
  const int64_t case_id = service().CreateCase("alice");
  r = service().Search("alice", case_id, JohnPhoto("John_Shimkus", 3));
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Json(r)["faces"][0]["candidates"][0]["identity_id"], id);

  // Rename, replace metadata.
  r = client()->Patch(
      path, service().Auth("alice"),
      nlohmann::json{{"name", "John Shimkus"}, {"metadata", {{"notes", kInjection}}}}.dump(),
      "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Json(r)["name"], "John Shimkus");
  EXPECT_EQ(Json(r)["metadata"], nlohmann::json({{"notes", kInjection}}));
  EXPECT_EQ(client()
                ->Patch(path, service().Auth("alice"), R"({"metadata": [1]})", "application/json")
                ->status,
            400);
  EXPECT_EQ(client()
                ->Patch("/v1/identities/999999", service().Auth("alice"), R"({"name": "x"})",
                        "application/json")
                ->status,
            404);

  // Delete: the face leaves the index at once.
  const int64_t faces_before = Json(client()->Get("/v1/health"))["faces"];
  const fs::path kept = service().db().string() + ".photos";
  ASSERT_EQ(std::distance(fs::directory_iterator(kept), fs::directory_iterator()), 1);
  r = client()->Delete(path, service().Auth("admin"));
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(std::distance(fs::directory_iterator(kept), fs::directory_iterator()), 0);
  EXPECT_EQ(Json(client()->Get("/v1/health"))["faces"], faces_before - 1);
  EXPECT_EQ(client()->Get(path, service().Auth("rob"))->status, 404);
  EXPECT_EQ(client()->Delete(path, service().Auth("admin"))->status, 404);
  r = service().Search("alice", case_id, JohnPhoto("John_Shimkus", 3));
  ASSERT_EQ(r->status, 200);
  const nlohmann::json after = Json(r);
  for (const auto& c : after["faces"][0]["candidates"]) EXPECT_NE(c["identity_id"], id);
  // The tables survived every injection attempt.
  EXPECT_GE(Json(client()->Get("/v1/health"))["identities"].get<int>(), 3);
}

TEST_F(ApiServerTest, VerifyComparesTheMainFaces) {
  const int64_t case_id = service().CreateCase("alice");
  auto verify = [&](const std::string& a, const std::string& b) {
    return client()->Post(
        "/v1/verify", service().Auth("alice"),
        httplib::MultipartFormDataItems{FilePart("photo_a", a), FilePart("photo_b", b),
                                        TextPart("case_id", std::to_string(case_id)),
                                        TextPart("purpose", "same person?")});
  };
  auto r = verify(ReadFile(JohnPhoto("John_Simm", 4)), ReadFile(JohnPhoto("John_Simm", 5)));
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(Json(r)["same_person"].get<bool>());
  EXPECT_EQ(Json(r)["faces_a"], 1);
  r = verify(ReadFile(JohnPhoto("John_Simm", 4)), ReadFile(JohnPhoto("John_Salley", 5)));
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_FALSE(Json(r)["same_person"].get<bool>());
  EXPECT_GT(Json(r)["distance"].get<double>(), Json(r)["threshold"].get<double>());
  // A photo without a face.
  std::vector<uint8_t> blank;
  cv::imencode(".png", cv::Mat(200, 200, CV_8UC3, cv::Scalar(128, 128, 128)), blank);
  r = verify(ReadFile(JohnPhoto("John_Simm", 4)), std::string(blank.begin(), blank.end()));
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(Json(r)["error"]["code"], "no_face");
}

TEST_F(ApiServerTest, PathTraversalNeverLeavesTheEmbeddedFiles) {
  auto r = client()->Get("/");
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("<html"), std::string::npos);
  EXPECT_EQ(client()->Get("/ui/index.html")->body, r->body);
  for (const char* path :
       {"/ui/../../etc/passwd", "/ui/%2e%2e/%2e%2e/etc/passwd", "/ui/..%2f..%2fetc%2fpasswd",
        "/ui/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/ui//etc/passwd", "/ui/..\\..\\etc\\passwd",
        "/ui/index.html%00.png", "/../../etc/passwd", "/v1/images/..%2f..%2fetc%2fpasswd",
        "/v1/images/../../etc/passwd", "/v1/searches/1/faces/..%2f..%2f/chip",
        "/v1/faces/%2e%2e/chip", "/ui/../CMakeLists.txt", "/ui/%2e%2e/gallery_service.cpp"}) {
    auto c = client();
    auto res = c->Get(path, service().Auth("admin"));
    ASSERT_TRUE(res) << path;
    EXPECT_TRUE(res->status == 404 || res->status == 400) << path << " " << res->status;
    EXPECT_EQ(res->body.find("root:"), std::string::npos) << path;
    EXPECT_EQ(res->body.find("#include"), std::string::npos) << path;
  }
}

TEST_F(ApiServerTest, BadUploadsAreRefusedClearly) {
  const int64_t case_id = service().CreateCase("alice");
  auto search_with = [&](const std::string& bytes) {
    return client()->Post(
        "/v1/search", service().Auth("alice"),
        httplib::MultipartFormDataItems{FilePart("photo", bytes),
                                        TextPart("case_id", std::to_string(case_id)),
                                        TextPart("purpose", "x")});
  };
  auto r = search_with("this is a text file, not a photo");
  EXPECT_EQ(r->status, 415);
  EXPECT_EQ(Json(r)["error"]["code"], "unsupported_format");
  r = search_with("");
  EXPECT_EQ(r->status, 400);
  const std::string photo = ReadFile(JohnPhoto("John_Simm", 3));
  r = search_with(photo.substr(0, photo.size() / 3));  // truncated JPEG
  // libjpeg may decode the top of a truncated file; either way the answer is clear.
  EXPECT_TRUE(r->status == 400 || r->status == 200) << r->status;
  const size_t accepted = r->status == 200 ? 1 : 0;
  // A malformed multipart body: boundary announced, never delivered.
  r = client()->Post("/v1/search", service().Auth("alice"),
                     "--xyz\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nabc",
                     "multipart/form-data; boundary=xyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(Json(r).contains("error"));
  r = client()->Post("/v1/search", service().Auth("alice"), "garbage",
                     "multipart/form-data");  // no boundary at all
  EXPECT_EQ(r->status, 400);
  // Nothing of these reached the case.
  r = client()->Get("/v1/cases/" + std::to_string(case_id), service().Auth("alice"));
  EXPECT_EQ(Json(r)["searches"].size(), accepted);
}

TEST_F(ApiServerTest, InjectionStringsAreStoredAndReturnedVerbatim) {
  const std::string evil = kInjection + " \" \\ <b> %s %n \u00e9";
  auto r = client()->Post("/v1/cases", service().Auth("alice"),
                          nlohmann::json{{"title", evil}, {"description", evil}}.dump(),
                          "application/json");
  ASSERT_EQ(r->status, 201);
  const int64_t case_id = Json(r)["id"];
  EXPECT_EQ(Json(r)["title"], evil);
  r = service().Search("alice", case_id, JohnPhoto("John_Savage", 3), evil);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto search = Json(r);
  r = client()->Post(
      "/v1/proposals", service().Auth("alice"),
      nlohmann::json{{"search_id", search["search_id"]},
                     {"face_index", 0},
                     {"identity_id", search["faces"][0]["candidates"][0]["identity_id"]},
                     {"comment", evil}}
          .dump(),
      "application/json");
  ASSERT_EQ(r->status, 201);
  EXPECT_EQ(Json(r)["comment"], evil);
  r = client()->Post("/v1/proposals/" + std::to_string(Json(r)["id"].get<int64_t>()) + "/decisions",
                     service().Auth("rob"),
                     nlohmann::json{{"decision", "rejected"}, {"comment", evil}}.dump(),
                     "application/json");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(Json(r)["decisions"][0]["comment"], evil);

  r = client()->Get("/v1/cases/" + std::to_string(case_id), service().Auth("rob"));
  const auto c = Json(r);
  EXPECT_EQ(c["title"], evil);
  EXPECT_EQ(c["description"], evil);
  EXPECT_EQ(c["searches"][0]["purpose"], evil);
  EXPECT_EQ(c["proposals"][0]["comment"], evil);
  EXPECT_EQ(c["proposals"][0]["decisions"][0]["comment"], evil);
  r = client()->Get("/v1/audit?limit=1000", service().Auth("aud"));
  bool found = false;
  const nlohmann::json audit = Json(r);
  for (const auto& e : audit["entries"]) found = found || e["purpose"] == evil;
  EXPECT_TRUE(found);
  r = client()->Get("/v1/cases/" + std::to_string(case_id) + "/report?format=html",
                    service().Auth("rob"));
  EXPECT_EQ(r->body.find("<b> %s"), std::string::npos);  // escaped in HTML
  EXPECT_NE(r->body.find("&lt;b&gt; %s"), std::string::npos);
  r = client()->Get("/v1/identities", httplib::Params{{"q", kInjection}}, service().Auth("rob"));
  EXPECT_EQ(r->status, 200);
  // Every table is still there.
  EXPECT_EQ(client()->Get("/v1/identities", service().Auth("rob"))->status, 200);
  EXPECT_EQ(client()->Get("/v1/cases", service().Auth("rob"))->status, 200);
  EXPECT_EQ(client()->Get("/v1/audit", service().Auth("aud"))->status, 200);
}

TEST_F(ApiServerTest, ConcurrentSearchesAndWritesAllSucceed) {
  const int64_t case_id = service().CreateCase("alice");
  std::vector<std::future<int>> searches;
  for (int i = 0; i < 6; ++i) {
    searches.push_back(std::async(std::launch::async, [&, i] {
      auto r = service().Search(i % 2 ? "alice" : "anna", case_id,
                                JohnPhoto(i % 2 ? "John_Savage" : "John_Simm", 3 + i % 3));
      return r ? r->status : -1;
    }));
  }
  // Identity writes while the searches run (the exclusive lock is brief).
  for (int i = 0; i < 5; ++i) {
    auto r = client()->Post("/v1/identities", service().Auth("alice"),
                            nlohmann::json{{"name", "temp " + std::to_string(i)}}.dump(),
                            "application/json");
    ASSERT_EQ(r->status, 201);
    EXPECT_EQ(client()
                  ->Delete("/v1/identities/" + std::to_string(Json(r)["id"].get<int64_t>()),
                           service().Auth("admin"))
                  ->status,
              204);
  }
  for (auto& s : searches) EXPECT_EQ(s.get(), 200);
  auto r = client()->Get("/v1/cases/" + std::to_string(case_id), service().Auth("alice"));
  EXPECT_EQ(Json(r)["searches"].size(), 6u);
}

}  // namespace
}  // namespace facetrace::testing
