// The four roles of the analyst service. A user has exactly one.
//
//   admin    everything the others may do (and every action is audited)
//   analyst  search, verify, enroll and edit identities, open cases, propose matches
//   reviewer decide on proposals (confirm / reject); read cases and identities
//   auditor  read the audit log (and cases, to see what searches were for)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace facetrace {

enum class Role { kAdmin, kAnalyst, kReviewer, kAuditor };

std::string_view RoleName(Role role);
// nullopt for anything but the four lower-case names.
std::optional<Role> ParseRole(std::string_view name);
std::vector<Role> AllRoles();

}  // namespace facetrace
