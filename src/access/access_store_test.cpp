#include "access/access_store.h"

#include <regex>

#include <gtest/gtest.h>

#include "access/service_database.h"
#include "core/error.h"
#include "core/utc_time.h"
#include "support/error_code_of.h"
#include "support/test_support.h"

namespace facetrace {
namespace {

using testing::ScratchDir;
constexpr auto CodeOf = testing::ErrorCodeOf;

TEST(RoleTest, NamesRoundTrip) {
  for (Role role : AllRoles()) EXPECT_EQ(ParseRole(RoleName(role)), role);
  EXPECT_FALSE(ParseRole("Admin"));
  EXPECT_FALSE(ParseRole(""));
  EXPECT_EQ(AllRoles().size(), 4u);
}

TEST(ServiceDatabaseTest, SitsNextToTheCatalog) {
  EXPECT_EQ(ServiceDatabasePath("/data/g.db"), "/data/g.db.service.sqlite");
}

TEST(AccessStoreTest, TokensAreRandomAndStoredHashed) {
  const std::string a = NewApiToken();
  EXPECT_TRUE(std::regex_match(a, std::regex("ft_[0-9a-f]{64}"))) << a;
  EXPECT_NE(a, NewApiToken());

  ScratchDir dir;
  const auto path = dir / "s.sqlite";
  auto store = AccessStore::Open(path);
  const IssuedToken issued = store->AddUser("alice", Role::kAnalyst);
  EXPECT_EQ(issued.user.name, "alice");
  const std::string bytes = testing::ReadFile(path) + testing::ReadFile(path.string() + "-wal");
  EXPECT_EQ(bytes.find(issued.token), std::string::npos);  // only the hash is written

  const Principal who = store->Authenticate(issued.token);
  EXPECT_EQ(who.user, "alice");
  EXPECT_EQ(who.role, Role::kAnalyst);
  EXPECT_EQ(who.user_id, issued.user.id);
  // A second connection (another process) sees the same user.
  EXPECT_EQ(AccessStore::Open(path)->Authenticate(issued.token).user, "alice");
}

TEST(AccessStoreTest, RefusesUnknownExpiredAndRevokedTokens) {
  ScratchDir dir;
  auto store = AccessStore::Open(dir / "s.sqlite");
  const std::time_t now = std::time(nullptr);
  const IssuedToken bob = store->AddUser("bob", Role::kReviewer, now + 3600);
  const IssuedToken eve = store->AddUser("eve", Role::kAuditor);
  EXPECT_EQ(store->Authenticate(bob.token, now).user, "bob");
  EXPECT_EQ(CodeOf([&] { store->Authenticate(bob.token, now + 3600); }),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { store->Authenticate(""); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { store->Authenticate(NewApiToken()); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { store->Authenticate("' OR 1=1; --"); }), ErrorCode::kUnauthenticated);

  store->RevokeUser("eve");
  EXPECT_EQ(CodeOf([&] { store->Authenticate(eve.token); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { store->RevokeUser("nobody"); }), ErrorCode::kNotFound);
  EXPECT_EQ(store->Authenticate(bob.token, now).user, "bob");  // others unaffected
}

TEST(AccessStoreTest, ListsUsersAndValidatesNames) {
  ScratchDir dir;
  auto store = AccessStore::Open(dir / "s.sqlite");
  const std::string injection = "x'); DROP TABLE users; --";
  store->AddUser(injection, Role::kAdmin, 2000000000);
  store->AddUser("carol", Role::kReviewer);
  store->RevokeUser("carol");
  EXPECT_EQ(CodeOf([&] { store->AddUser("carol", Role::kAnalyst); }), ErrorCode::kConflict);
  EXPECT_EQ(CodeOf([&] { store->AddUser("", Role::kAnalyst); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { store->AddUser("a\nb", Role::kAnalyst); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { store->AddUser(std::string(65, 'a'), Role::kAnalyst); }),
            ErrorCode::kInvalidArgument);

  const auto users = store->ListUsers();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].name, "carol");
  EXPECT_TRUE(users[0].revoked_at);
  EXPECT_FALSE(users[0].expires_at);
  EXPECT_EQ(users[1].name, injection);
  EXPECT_EQ(users[1].role, Role::kAdmin);
  EXPECT_EQ(users[1].expires_at, std::optional<std::string>("2033-05-18T03:33:20Z"));
}

}  // namespace
}  // namespace facetrace
