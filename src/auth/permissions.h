// The permission catalogue, the built-in roles and the three separated duties.
//
// Permissions are named strings ("hazard.verify"). A role grants a set of them
// over one scope (see principal.h). Three administrator duties of the graded
// protection rules (三权分立) are kept apart: `system` (accounts and settings),
// `security` (roles and permissions) and `audit` (the audit trail). Each duty
// has permissions only it may hold; no role may mix them and no account may
// hold roles of two duties. All functions here are pure and thread-safe.
#pragma once

#include "auth/principal.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anxun::auth {

struct PermissionInfo {
  std::string_view code;  // "hazard.verify"
  std::string_view module;
  std::string_view name_zh;
  std::string_view name_en;
};

// Every permission the program checks, in display order.
const std::vector<PermissionInfo>& PermissionCatalog();
bool IsKnownPermission(std::string_view code);

enum class Duty { kSystem, kSecurity, kAudit };

std::string_view DutyName(Duty d);  // "system" | "security" | "audit"
std::optional<Duty> ParseDuty(std::string_view s);

// The duty that exclusively owns `permission` (user.manage and settings.manage
// → system, role.manage → security, audit.* → audit); nullopt for the others.
std::optional<Duty> ExclusiveDuty(std::string_view permission);

// The duty a set of permissions belongs to; nullopt when it holds no exclusive
// permission. Throws 400 `separation_of_duties` when it mixes two duties.
std::optional<Duty> DutyOfPermissions(const std::vector<std::string>& permissions);

struct BuiltinRole {
  std::string_view code;
  std::string_view name_zh;
  std::string_view name_en;
  ScopeKind scope;
  std::optional<Duty> duty;
  std::vector<std::string_view> permissions;
};

// The roles every installation starts with (inspector ... auditor).
const std::vector<BuiltinRole>& BuiltinRoles();

}  // namespace anxun::auth
