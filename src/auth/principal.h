// Who is calling, and over which org units each of their permissions reaches.
//
// A role grants its permissions over one scope relative to the user's own org
// unit: self, own unit, own unit and descendants, or all. A user's grant for a
// permission is the union over their roles. Data scope is applied in the data
// layer through AccessScope::Apply, never handler by handler; a record outside
// the scope is treated exactly like one that does not exist (404).
#pragma once

#include "db/query.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace anxun::auth {

enum class ScopeKind { kSelf, kUnit, kSubtree, kAll };

std::string_view ScopeName(ScopeKind k);
// Parses "self" | "unit" | "subtree" | "all"; false when unknown.
bool ParseScope(std::string_view s, ScopeKind& out);

// The org units (or, for `self`, the records of one user) a grant reaches.
struct AccessScope {
  bool all = false;
  std::set<int64_t> unit_ids;  // when !all
  int64_t self_user_id = 0;    // when the grant is `self`: only this user's own records

  bool Contains(int64_t unit_id) const { return all || unit_ids.count(unit_id) > 0; }

  // Adds the scope condition to `where`: `unit_column IN (...)`, or for a
  // self-only grant `owner_column = user` (matches nothing when the table has
  // no owner column).
  void Apply(db::Where& where, std::string_view unit_column,
             std::string_view owner_column = {}) const;
};

struct RoleRef {
  int64_t id = 0;
  std::string code;
  std::string name;
  ScopeKind scope = ScopeKind::kSubtree;
};

struct Principal {
  int64_t user_id = 0;
  std::string username;
  std::string display_name;
  int64_t org_unit_id = 0;
  int64_t session_id = 0;
  std::string csrf_token;   // the session's; checked on cookie-authenticated writes
  bool via_cookie = false;  // authenticated by the web cookie (CSRF applies)
  bool restricted = false;  // must change password before anything else
  bool is_service = false;
  std::vector<RoleRef> roles;
  std::map<std::string, AccessScope, std::less<>> grants;  // permission -> scope

  bool Can(std::string_view permission) const { return grants.find(permission) != grants.end(); }
  // The scope of `permission`; throws 403 Forbidden when the user lacks it.
  const AccessScope& Require(std::string_view permission) const;
};

}  // namespace anxun::auth
