// facetrace user add NAME --role ROLE --db DB | user list --db DB | user revoke NAME --db DB
#include <cstdlib>
#include <ctime>
#include <iostream>

#include <fmt/format.h>

#include "access/access_store.h"
#include "access/service_database.h"
#include "audit/audit_log.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "pipeline/result_json.h"

namespace facetrace::cli {

namespace {

struct UserArgs {
  std::string db;
  std::string name;
  std::string role;
  int expires_days = 0;
  bool json = false;
};

// Who ran the command, for the audit log.
std::string OperatingSystemUser() {
  const char* user = std::getenv("USER");
  return std::string("cli:") + (user && *user ? user : "unknown");
}

void AuditUserChange(const std::string& db, const std::string& action, const std::string& name,
                     nlohmann::json detail) {
  AuditRecord record;
  record.user = OperatingSystemUser();
  record.action = action;
  detail["user"] = name;
  record.detail = std::move(detail);
  AuditLog::Open(ServiceDatabasePath(db))->Append(record);
}

int RunAdd(const UserArgs& args) {
  const auto role = ParseRole(args.role);
  if (!role) throw Error(ErrorCode::kInvalidArgument, "unknown role '" + args.role + "'");
  std::optional<std::time_t> expires;
  if (args.expires_days > 0) expires = std::time(nullptr) + int64_t{args.expires_days} * 86400;
  const IssuedToken issued =
      AccessStore::Open(ServiceDatabasePath(args.db))->AddUser(args.name, *role, expires);
  AuditUserChange(args.db, "user.add", args.name,
                  {{"role", args.role},
                   {"expires_at", issued.user.expires_at ? nlohmann::json(*issued.user.expires_at)
                                                         : nlohmann::json(nullptr)}});
  if (args.json) {
    std::cout << JsonLine({{"user", args.name}, {"role", args.role}, {"token", issued.token}})
              << "\n";
  } else {
    std::cout << issued.token << "\n";
    std::cerr << fmt::format(
        "user {} ({}) added. The token above is shown only now: give it to {} securely.\n",
        args.name, args.role, args.name);
  }
  return kExitOk;
}

int RunList(const UserArgs& args) {
  const auto users = AccessStore::Open(ServiceDatabasePath(args.db))->ListUsers();
  for (const User& u : users) {
    if (args.json) {
      std::cout << JsonLine({{"user", u.name},
                             {"role", RoleName(u.role)},
                             {"created_at", u.created_at},
                             {"revoked_at", u.revoked_at ? nlohmann::json(*u.revoked_at)
                                                         : nlohmann::json(nullptr)},
                             {"expires_at", u.expires_at ? nlohmann::json(*u.expires_at)
                                                         : nlohmann::json(nullptr)}})
                << "\n";
    } else {
      std::cout << fmt::format("{:<24} {:<9} created {}{}{}\n", u.name, RoleName(u.role),
                               u.created_at, u.expires_at ? "  expires " + *u.expires_at : "",
                               u.revoked_at ? "  REVOKED " + *u.revoked_at : "");
    }
  }
  return kExitOk;
}

int RunRevoke(const UserArgs& args) {
  AccessStore::Open(ServiceDatabasePath(args.db))->RevokeUser(args.name);
  AuditUserChange(args.db, "user.revoke", args.name, nlohmann::json::object());
  std::cerr << fmt::format("user {} revoked: its tokens no longer sign in\n", args.name);
  return kExitOk;
}

}  // namespace

void RegisterUser(CLI::App& app, CommandAction& action) {
  CLI::App* user = app.add_subcommand("user", "Users and API tokens of the analyst service");
  user->require_subcommand(1);

  auto add = std::make_shared<UserArgs>();
  CLI::App* add_cmd = user->add_subcommand("add", "Add a user; prints its API token once");
  add_cmd->add_option("NAME", add->name, "User name")->required();
  add_cmd->add_option("--role", add->role, "admin, analyst, reviewer or auditor")
      ->required()
      ->check(CLI::IsMember({"admin", "analyst", "reviewer", "auditor"}));
  add_cmd->add_option("--db", add->db, "Catalog database file")
      ->required()
      ->check(CLI::ExistingFile);
  add_cmd->add_option("--expires-days", add->expires_days, "Token lifetime (0: no expiry)")
      ->check(CLI::NonNegativeNumber);
  add_cmd->add_flag("--json", add->json, "Print {\"user\", \"role\", \"token\"}");
  add_cmd->callback([add, &action] { action = [add] { return RunAdd(*add); }; });

  auto list = std::make_shared<UserArgs>();
  CLI::App* list_cmd = user->add_subcommand("list", "List users, roles and revocations");
  list_cmd->add_option("--db", list->db, "Catalog database file")
      ->required()
      ->check(CLI::ExistingFile);
  list_cmd->add_flag("--json", list->json, "One JSON object per user per line");
  list_cmd->callback([list, &action] { action = [list] { return RunList(*list); }; });

  auto revoke = std::make_shared<UserArgs>();
  CLI::App* revoke_cmd = user->add_subcommand("revoke", "Revoke a user and all its tokens");
  revoke_cmd->add_option("NAME", revoke->name, "User name")->required();
  revoke_cmd->add_option("--db", revoke->db, "Catalog database file")
      ->required()
      ->check(CLI::ExistingFile);
  revoke_cmd->callback([revoke, &action] { action = [revoke] { return RunRevoke(*revoke); }; });
}

}  // namespace facetrace::cli
