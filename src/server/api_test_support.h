// Test support for the API tests (header-only: shared by the *_test.cpp files of this module): a
// small real gallery (dlib_johns photos), users of every role, and an ApiServer on an ephemeral
// loopback port driven with httplib::Client.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "access/access_store.h"
#include "access/service_database.h"
#include "pipeline/enroller.h"
#include "server/api_server.h"
#include "support/test_support.h"

namespace facetrace::testing {

namespace fs = std::filesystem;

// The n-th photo (sorted) of a dlib_johns identity.
std::filesystem::path JohnPhoto(const std::string& who, size_t n);

class TestService {
 public:
  // Enrolls the first two photos of John_Salley, John_Savage and John_Simm, adds the users
  // below, and starts a server with `options` (db and port are filled in here).
  explicit TestService(ServerOptions options = {});
  ~TestService();

  ApiServer& server() { return *server_; }
  const std::filesystem::path& db() const { return db_; }
  // Users: admin, alice and anna (analysts), rob and rita (reviewers), aud (auditor),
  // expired (analyst, token expired), revoked (analyst, revoked).
  const std::string& token(const std::string& user) const { return tokens_.at(user); }
  httplib::Headers Auth(const std::string& user) const;

  std::unique_ptr<httplib::Client> Client() const;
  // Opens a case as `user`; returns its id.
  int64_t CreateCase(const std::string& user, const std::string& title = "case");
  httplib::Result Search(const std::string& user, int64_t case_id,
                         const std::filesystem::path& photo, const std::string& purpose = "test",
                         int top_k = 3);

 private:
  ScratchDir dir_;
  std::filesystem::path db_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<ApiServer> server_;
  int port_ = 0;
};

nlohmann::json Json(const httplib::Result& result);
httplib::MultipartFormData FilePart(const std::string& name, const std::string& bytes,
                                    const std::string& filename = "photo.jpg");
httplib::MultipartFormData TextPart(const std::string& name, const std::string& value);

// Definitions.

inline fs::path JohnPhoto(const std::string& who, size_t n) {
  return SortedImages(DatasetFile("dlib_johns/" + who)).at(n);
}

inline TestService::TestService(ServerOptions options) : db_(dir_ / "g.db") {
  {
    auto gallery = Gallery::Open(db_);
    std::vector<EnrollItem> items;
    for (const char* who : {"John_Salley", "John_Savage", "John_Simm"}) {
      for (size_t i = 0; i < 2; ++i) {
        EnrollItem item;
        item.identity = who;
        item.image = JohnPhoto(who, i);
        item.metadata = {{"source", "dlib examples"}};
        item.source = "dlib_johns";
        items.push_back(item);
      }
    }
    EnrollOptions enroll;
    enroll.threads = 1;
    const EnrollSummary summary = Enroll(*gallery, items, enroll);
    EXPECT_EQ(summary.enrolled, 6u);
  }
  auto access = AccessStore::Open(ServiceDatabasePath(db_));
  const std::pair<const char*, Role> users[] = {
      {"admin", Role::kAdmin},    {"alice", Role::kAnalyst}, {"anna", Role::kAnalyst},
      {"rob", Role::kReviewer},   {"rita", Role::kReviewer}, {"aud", Role::kAuditor},
      {"revoked", Role::kAnalyst}};
  for (const auto& [name, role] : users) tokens_[name] = access->AddUser(name, role).token;
  tokens_["expired"] = access->AddUser("expired", Role::kAnalyst, std::time(nullptr) - 1).token;
  access->RevokeUser("revoked");

  options.gallery.db = db_;
  options.port = 0;
  if (options.threads < 2) options.threads = 4;
  server_ = std::make_unique<ApiServer>(options);
  port_ = server_->Start();
}

inline TestService::~TestService() { server_->Stop(); }

inline httplib::Headers TestService::Auth(const std::string& user) const {
  return {{"Authorization", "Bearer " + token(user)}};
}

inline std::unique_ptr<httplib::Client> TestService::Client() const {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
  client->set_read_timeout(120, 0);
  return client;
}

inline int64_t TestService::CreateCase(const std::string& user, const std::string& title) {
  const nlohmann::json body = {{"title", title}, {"description", "opened by a test"}};
  auto r = Client()->Post("/v1/cases", Auth(user), body.dump(), "application/json");
  EXPECT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
  return Json(r)["id"].get<int64_t>();
}

inline httplib::Result TestService::Search(const std::string& user, int64_t case_id,
                                           const fs::path& photo, const std::string& purpose,
                                           int top_k) {
  const httplib::MultipartFormDataItems form = {
      FilePart("photo", ReadFile(photo), photo.filename().string()),
      TextPart("case_id", std::to_string(case_id)), TextPart("purpose", purpose),
      TextPart("top_k", std::to_string(top_k))};
  return Client()->Post("/v1/search", Auth(user), form);
}

inline nlohmann::json Json(const httplib::Result& result) {
  if (!result) {
    ADD_FAILURE() << "no response: " << httplib::to_string(result.error());
    return nullptr;
  }
  auto j = nlohmann::json::parse(result->body, nullptr, false);
  if (j.is_discarded()) ADD_FAILURE() << "not JSON: " << result->body.substr(0, 200);
  return j;
}

inline httplib::MultipartFormData FilePart(const std::string& name, const std::string& bytes,
                                           const std::string& filename) {
  return {name, bytes, filename, "application/octet-stream"};
}

inline httplib::MultipartFormData TextPart(const std::string& name, const std::string& value) {
  return {name, value, "", ""};
}

}  // namespace facetrace::testing
