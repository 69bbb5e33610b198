// Roles: the built-in set every installation starts with, and custom roles
// made by the security administrator. Built-in roles cannot be changed. A
// custom role takes the duty of its exclusive permissions (see permissions.h)
// and may not mix two. All functions run inside the caller's Read or Write;
// after a change commits, call InvalidateSessionCache() (permissions are
// loaded with the session).
#pragma once

#include "audit/audit.h"
#include "auth/principal.h"
#include "db/db.h"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace anxun::auth {

// Creates the built-in roles that are missing and puts back the permissions,
// scope, duty and names of those that drifted (an upgrade changed them).
// Idempotent; audits `role.create` / `role.update` as "system" for what it
// changed. Inside Write, after migrations.
void SeedBuiltinRoles(db::Conn& c);

struct NewRole {
  std::string code;  // 2-32 of a-z 0-9 _, starting with a letter
  std::string name;
  std::string name_en;
  ScopeKind scope = ScopeKind::kSubtree;
  std::vector<std::string> permissions;
};

// Creates a custom role; 400 validation_failed (unknown permission, bad code),
// 400 separation_of_duties (mixed duties), 409 role_code_taken. Audits
// `role.create`. Returns the id.
int64_t CreateRole(db::Conn& c, const audit::Actor& actor, const NewRole& r);

struct RolePatch {
  std::optional<std::string> name = std::nullopt;
  std::optional<std::string> name_en = std::nullopt;
  std::optional<ScopeKind> scope = std::nullopt;
  std::optional<std::vector<std::string>> permissions = std::nullopt;
  std::optional<bool> active = std::nullopt;
  std::optional<int64_t> version = std::nullopt;
};

// Changes a custom role; 400 `builtin_role` for a built-in one, 404 when
// missing, 409 `separation_of_duties` when a new duty would clash with other
// roles of its holders, 409 version_conflict. Audits `role.update`.
void UpdateRole(db::Conn& c, const audit::Actor& actor, int64_t role_id, const RolePatch& p);

// {id, code, name, name_en, scope, builtin, duty, active, permissions,
//  user_count, version}; null when the role does not exist.
boost::json::value RoleJson(db::Conn& c, int64_t role_id);

}  // namespace anxun::auth
