// The analyst service from the command line: `facetrace user`, `facetrace audit verify` against
// tampering with the sqlite3 library directly, and `facetrace serve` as a real process whose
// /v1/search answers what `facetrace identify --json` does.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <sqlite3.h>

#include "integration/cli_runner.h"

namespace facetrace::testing {
namespace {

namespace fs = std::filesystem;

int Exec(const fs::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  EXPECT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  const int rc = sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(handle);
  return rc;
}

// A port nobody listens on now (the kernel's choice for port 0).
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class ServiceCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = (dir_ / "g.db").string();
    for (const char* who : {"John_Salley", "John_Savage", "John_Simm"}) {
      const auto files = SortedImages(DatasetFile(std::string("dlib_johns/") + who));
      for (size_t i = 0; i < 2; ++i) {
        fs::create_directories(dir_ / "gallery" / who);
        fs::create_symlink(files[i], dir_ / "gallery" / who / files[i].filename());
      }
    }
    const auto r = RunFacetrace({"enroll", "--db", db_, (dir_ / "gallery").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::string AddUser(const std::string& name, const std::string& role) {
    const auto r = RunFacetrace({"user", "add", name, "--role", role, "--db", db_});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string token = r.out;
    while (!token.empty() && token.back() == '\n') token.pop_back();
    return token;
  }

  fs::path ServiceDb() const { return db_ + ".service.sqlite"; }

  ScratchDir dir_;
  std::string db_;
};

TEST_F(ServiceCliTest, UserAddListRevoke) {
  const std::string token = AddUser("alice", "analyst");
  EXPECT_TRUE(std::regex_match(token, std::regex("ft_[0-9a-f]{64}"))) << token;
  AddUser("bob", "reviewer");
  auto r = RunFacetrace({"user", "add", "alice", "--role", "admin", "--db", db_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
  r = RunFacetrace({"user", "add", "carol", "--role", "root", "--db", db_});
  EXPECT_NE(r.exit_code, 0);
  r = RunFacetrace(
      {"user", "add", "dave", "--role", "auditor", "--expires-days", "30", "--json", "--db", db_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["role"], "auditor");

  r = RunFacetrace({"user", "revoke", "bob", "--db", db_});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(RunFacetrace({"user", "revoke", "nobody", "--db", db_}).exit_code, 1);
  r = RunFacetrace({"user", "list", "--json", "--db", db_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto users = ParseJsonLines(r.out);
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(users[0]["user"], "alice");
  EXPECT_TRUE(users[0]["revoked_at"].is_null());
  EXPECT_TRUE(users[1]["revoked_at"].is_string());  // bob
  EXPECT_TRUE(users[2]["expires_at"].is_string());  // dave
  r = RunFacetrace({"user", "list", "--db", db_});
  EXPECT_NE(r.out.find("REVOKED"), std::string::npos);
  // The token itself is nowhere in the database.
  EXPECT_EQ(ReadFile(ServiceDb()).find(token), std::string::npos);
}

TEST_F(ServiceCliTest, AuditVerifyDetectsUpdatesAndDeletes) {
  for (const char* name : {"a1", "a2", "a3", "a4"}) AddUser(name, "analyst");
  auto r = RunFacetrace({"audit", "verify", "--db", db_});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("intact: 4 entries"), std::string::npos) << r.out;

  // The triggers refuse a plain edit ...
  EXPECT_NE(Exec(ServiceDb(), "UPDATE audit_log SET user = 'x' WHERE seq = 2"), SQLITE_OK);
  EXPECT_NE(Exec(ServiceDb(), "DELETE FROM audit_log WHERE seq = 2"), SQLITE_OK);
  EXPECT_EQ(RunFacetrace({"audit", "verify", "--db", db_}).exit_code, 0);

  // ... and someone who drops them is caught by the chain.
  ASSERT_EQ(Exec(ServiceDb(),
                 "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; "
                 "UPDATE audit_log SET detail = '{\"user\":\"zz\"}' WHERE seq = 3"),
            SQLITE_OK);
  r = RunFacetrace({"audit", "verify", "--db", db_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("BROKEN at seq 3"), std::string::npos) << r.out;
}

TEST_F(ServiceCliTest, AuditVerifyDetectsADeletedRow) {
  for (const char* name : {"a1", "a2", "a3"}) AddUser(name, "analyst");
  ASSERT_EQ(
      Exec(ServiceDb(), "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2"),
      SQLITE_OK);
  auto r = RunFacetrace({"audit", "verify", "--db", db_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("BROKEN at seq 2"), std::string::npos) << r.out;
}

TEST_F(ServiceCliTest, ServeAnswersWhatIdentifyPrints) {
  const std::string token = AddUser("alice", "analyst");
  const int port = FreePort();
  const int pid =
      SpawnFacetrace({"serve", "--db", db_, "--port", std::to_string(port), "--threads", "2"});
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(60, 0);
  bool up = false;
  for (int i = 0; i < 600 && !up; ++i) {  // model loading takes a few seconds
    auto r = client.Get("/v1/health");
    up = r && r->status == 200;
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(up);
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  auto r = client.Post("/v1/cases", auth, R"({"title": "t"})", "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  const auto probe = SortedImages(DatasetFile("dlib_johns/John_Savage")).at(3);
  r = client.Post("/v1/search", auth,
                  httplib::MultipartFormDataItems{{"photo", ReadFile(probe), "p.jpg", ""},
                                                  {"case_id", "1", "", ""},
                                                  {"purpose", "compare with identify", "", ""},
                                                  {"top_k", "3", "", ""}});
  ASSERT_EQ(r->status, 200) << r->body;
  const auto api = nlohmann::json::parse(r->body)["faces"];

  const auto cli =
      RunFacetrace({"identify", "--db", db_, "--top-k", "3", "--json", probe.string()});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  const auto identified = ParseJsonLines(cli.out).at(0)["faces"];
  ASSERT_EQ(api.size(), identified.size());
  for (size_t f = 0; f < api.size(); ++f) {
    EXPECT_EQ(api[f]["quality"], identified[f]["quality"]);
    EXPECT_EQ(api[f]["match"], identified[f]["match"]);
    EXPECT_EQ(api[f]["box"]["x"], identified[f]["box"][0]);
    ASSERT_EQ(api[f]["candidates"].size(), identified[f]["candidates"].size());
    for (size_t c = 0; c < api[f]["candidates"].size(); ++c) {
      const auto& a = api[f]["candidates"][c];
      const auto& b = identified[f]["candidates"][c];
      EXPECT_EQ(a["identity_id"], b["identity_id"]);
      EXPECT_EQ(a["name"], b["identity"]);
      EXPECT_EQ(a["distance"], b["distance"]);
      EXPECT_EQ(a["false_match_rate"], b["false_match_rate"]);
      EXPECT_EQ(a["possible_match"], b["possible_match"]);
    }
  }
  ::kill(pid, SIGTERM);
  EXPECT_EQ(WaitForChild(pid), 0);
  EXPECT_EQ(RunFacetrace({"audit", "verify", "--db", db_}).exit_code, 0);
}

TEST_F(ServiceCliTest, ServeRefusesAPortInUse) {
  const int port = FreePort();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  const auto r = RunFacetrace({"serve", "--db", db_, "--port", std::to_string(port)});
  ::close(fd);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot listen"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace facetrace::testing
