#include "access/role.h"

namespace facetrace {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kAnalyst:
      return "analyst";
    case Role::kReviewer:
      return "reviewer";
    case Role::kAuditor:
      return "auditor";
  }
  return "unknown";
}

std::vector<Role> AllRoles() {
  return {Role::kAdmin, Role::kAnalyst, Role::kReviewer, Role::kAuditor};
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : AllRoles()) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

}  // namespace facetrace
