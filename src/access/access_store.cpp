#include "access/access_store.h"

#include <openssl/rand.h>
#include <sqlite3.h>

#include <array>

#include <fmt/format.h>

#include "catalog/sqlite_database.h"
#include "catalog/sqlite_statement.h"
#include "core/error.h"
#include "core/utc_time.h"
#include "io/sha256.h"

namespace facetrace {

namespace {

constexpr std::array<const char*, 1> kMigrations = {
    R"sql(
CREATE TABLE users(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT);
CREATE TABLE api_tokens(
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  token_sha256 TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
)sql",
};

constexpr size_t kMaxNameBytes = 64;
constexpr size_t kTokenBytes = 32;

void ValidateUserName(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("user name must be 1 to {} bytes long", kMaxNameBytes));
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      throw Error(ErrorCode::kInvalidArgument, "user name must not contain control characters");
    }
  }
}

Role StoredRole(sqlite3* db, const std::string& text) {
  const auto role = ParseRole(text);
  if (!role) ThrowDatabaseError(db, "unknown role '" + text + "' in users");
  return *role;
}

std::optional<std::string> OptionalText(const Statement& s, int col) {
  std::string text = s.Text(col);
  if (text.empty()) return std::nullopt;
  return text;
}

}  // namespace

std::string NewApiToken() {
  std::array<unsigned char, kTokenBytes> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw Error(ErrorCode::kInternal, "OpenSSL's random generator failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token = "ft_";
  for (unsigned char b : random) {
    token.push_back(kHex[b >> 4]);
    token.push_back(kHex[b & 0x0F]);
  }
  return token;
}

std::unique_ptr<AccessStore> AccessStore::Open(const std::filesystem::path& service_db) {
  auto db = std::make_unique<SqliteDatabase>(service_db);
  MigrateSchema(db->get(), kMigrations, "access", "access");
  return std::unique_ptr<AccessStore>(new AccessStore(std::move(db)));
}

AccessStore::AccessStore(std::unique_ptr<SqliteDatabase> db) : db_(std::move(db)) {}
AccessStore::~AccessStore() = default;

IssuedToken AccessStore::AddUser(const std::string& name, Role role,
                                 std::optional<std::time_t> expires_at) {
  ValidateUserName(name);
  std::lock_guard lock(mu_);
  sqlite3* db = db_->get();
  Transaction tx(db);
  {
    Statement exists(db, "SELECT 1 FROM users WHERE name = ?1");
    exists.Bind(1, name);
    if (exists.Step()) throw Error(ErrorCode::kConflict, "user '" + name + "' already exists");
  }
  IssuedToken issued;
  issued.user.name = name;
  issued.user.role = role;
  issued.user.created_at = NowUtc();
  Statement(db, "INSERT INTO users(name, role, created_at) VALUES(?1, ?2, ?3)")
      .Bind(1, name)
      .Bind(2, std::string(RoleName(role)))
      .Bind(3, issued.user.created_at)
      .Run();
  issued.user.id = sqlite3_last_insert_rowid(db);
  issued.token = NewApiToken();
  if (expires_at) issued.user.expires_at = FormatUtc(*expires_at);
  Statement insert(db,
                   "INSERT INTO api_tokens(user_id, token_sha256, created_at, expires_at) "
                   "VALUES(?1, ?2, ?3, NULLIF(?4, ''))");
  insert.Bind(1, issued.user.id)
      .Bind(2, Sha256HexOfText(issued.token))
      .Bind(3, issued.user.created_at)
      .Bind(4, issued.user.expires_at.value_or(""));
  insert.Run();
  tx.Commit();
  return issued;
}

std::vector<User> AccessStore::ListUsers() const {
  std::lock_guard lock(mu_);
  Statement s(db_->get(),
              "SELECT id, name, role, created_at, COALESCE(revoked_at, ''), "
              "COALESCE((SELECT expires_at FROM api_tokens WHERE user_id = users.id "
              "ORDER BY id DESC LIMIT 1), '') FROM users ORDER BY name");
  std::vector<User> users;
  while (s.Step()) {
    users.push_back({s.Int(0), s.Text(1), StoredRole(db_->get(), s.Text(2)), s.Text(3),
                     OptionalText(s, 4), OptionalText(s, 5)});
  }
  return users;
}

void AccessStore::RevokeUser(const std::string& name) {
  std::lock_guard lock(mu_);
  sqlite3* db = db_->get();
  Transaction tx(db);
  int64_t id = 0;
  {
    Statement s(db, "SELECT id FROM users WHERE name = ?1");
    s.Bind(1, name);
    if (!s.Step()) throw Error(ErrorCode::kNotFound, "no user named '" + name + "'");
    id = s.Int(0);
  }
  const std::string now = NowUtc();
  Statement(db, "UPDATE users SET revoked_at = COALESCE(revoked_at, ?1) WHERE id = ?2")
      .Bind(1, now)
      .Bind(2, id)
      .Run();
  Statement(db, "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?1) WHERE user_id = ?2")
      .Bind(1, now)
      .Bind(2, id)
      .Run();
  tx.Commit();
}

Principal AccessStore::Authenticate(const std::string& token, std::time_t now) const {
  if (token.empty()) throw Error(ErrorCode::kUnauthenticated, "no API token given");
  std::lock_guard lock(mu_);
  Statement s(db_->get(),
              "SELECT users.id, users.name, users.role, COALESCE(api_tokens.expires_at, ''), "
              "api_tokens.revoked_at IS NOT NULL OR users.revoked_at IS NOT NULL "
              "FROM api_tokens JOIN users ON users.id = api_tokens.user_id "
              "WHERE api_tokens.token_sha256 = ?1");
  s.Bind(1, Sha256HexOfText(token));
  if (!s.Step()) throw Error(ErrorCode::kUnauthenticated, "unknown API token");
  if (s.Int(4) != 0) throw Error(ErrorCode::kUnauthenticated, "API token has been revoked");
  const std::string expires = s.Text(3);
  if (!expires.empty()) {
    const auto expiry = ParseUtc(expires);
    if (!expiry || now >= *expiry) {
      throw Error(ErrorCode::kUnauthenticated, "API token expired at " + expires);
    }
  }
  return {s.Int(0), s.Text(1), StoredRole(db_->get(), s.Text(2))};
}

}  // namespace facetrace
