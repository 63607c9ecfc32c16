// facetrace audit verify --db DB
#include <iostream>

#include <fmt/format.h>

#include "access/service_database.h"
#include "audit/audit_log.h"
#include "cli/app.h"
#include "cli/commands.h"

namespace facetrace::cli {

namespace {

int RunVerifyAudit(const std::string& db) {
  const AuditVerification v = AuditLog::Open(ServiceDatabasePath(db))->Verify();
  if (!v.intact) {
    std::cout << fmt::format("audit log BROKEN at seq {}: {}\n", *v.first_bad_seq, v.problem);
    return kExitFatal;
  }
  std::cout << fmt::format("audit log intact: {} entries, head hash {}\n", v.entries, v.head_hash);
  return kExitOk;
}

}  // namespace

void RegisterAudit(CLI::App& app, CommandAction& action) {
  CLI::App* audit = app.add_subcommand("audit", "The analyst service's audit log");
  audit->require_subcommand(1);
  auto db = std::make_shared<std::string>();
  CLI::App* verify = audit->add_subcommand(
      "verify", "Check the hash chain: exit 0 when intact, 1 and the first bad seq otherwise");
  verify->add_option("--db", *db, "Catalog database file")->required()->check(CLI::ExistingFile);
  verify->callback([db, &action] { action = [db] { return RunVerifyAudit(*db); }; });
}

}  // namespace facetrace::cli
