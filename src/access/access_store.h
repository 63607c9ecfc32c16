// AccessStore: the service's users and their API tokens.
//
// A token is "ft_" followed by 64 hex digits of 32 random bytes (OpenSSL RAND_bytes). It is
// shown once, when issued; only its SHA-256 is stored, so a copy of the database does not let
// anyone sign in. A token may carry an expiry; revoking a user revokes all its tokens at once.
// Names and every other text are bound as SQL parameters, never spliced into SQL.
//
// Threads: one connection guarded by a mutex; every call is a few small statements.
#pragma once

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "access/role.h"

namespace facetrace {

class SqliteDatabase;

struct User {
  int64_t id = 0;
  std::string name;
  Role role = Role::kAnalyst;
  std::string created_at;
  std::optional<std::string> revoked_at;
  std::optional<std::string> expires_at;  // of the user's newest token
};

// Who is calling, once their token checked out.
struct Principal {
  int64_t user_id = 0;
  std::string user;
  Role role = Role::kAnalyst;
};

struct IssuedToken {
  User user;
  std::string token;  // the only time the plain token exists
};

class AccessStore {
 public:
  // Opens (creating if needed) the access tables of the service database.
  static std::unique_ptr<AccessStore> Open(const std::filesystem::path& service_db);
  ~AccessStore();

  // Creates a user with one token. Error(kInvalidArgument) for an empty name, one over 64
  // bytes or with control characters; Error(kConflict) when the name exists.
  IssuedToken AddUser(const std::string& name, Role role,
                      std::optional<std::time_t> expires_at = std::nullopt);
  std::vector<User> ListUsers() const;
  // Revokes the user and every token it holds. Error(kNotFound) for an unknown name.
  void RevokeUser(const std::string& name);

  // The caller behind `token`; Error(kUnauthenticated) saying why (unknown, expired, revoked).
  Principal Authenticate(const std::string& token, std::time_t now = std::time(nullptr)) const;

 private:
  explicit AccessStore(std::unique_ptr<SqliteDatabase> db);
  std::unique_ptr<SqliteDatabase> db_;
  mutable std::mutex mu_;
};

// 32 random bytes from OpenSSL as "ft_<64 hex>". Error(kInternal) if the RNG fails.
std::string NewApiToken();

}  // namespace facetrace
