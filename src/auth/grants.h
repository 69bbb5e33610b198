// Building a Principal from the database: the user, their active roles, and
// for each permission the org units it reaches (the union over the roles).
//
// Scopes are relative to the user's own org unit: `self` → only their own
// records, `unit` → that unit, `subtree` → that unit and every descendant
// (org_units.path "/1/4/9/" prefixes), `all` → everything. Called inside
// Read or Write; uses only the given connection.
#pragma once

#include "auth/principal.h"
#include "db/db.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string_view>

namespace anxun::auth {

// The active user `user_id` with roles and grants (session fields left
// empty); nullopt when the user does not exist or is inactive.
std::optional<Principal> LoadPrincipal(db::Conn& c, int64_t user_id);

// Fills `p.roles` and `p.grants` for p.user_id in p.org_unit_id, whose path
// is `unit_path`. Queries the org tree only when a role has subtree scope.
void LoadGrants(db::Conn& c, Principal& p, std::string_view unit_path);

// `unit_id` and all its descendants. Falls back to walking parent_id when the
// unit has no path yet (never matches the whole tree by accident).
std::set<int64_t> SubtreeUnits(db::Conn& c, int64_t unit_id, std::string_view unit_path);

}  // namespace anxun::auth
