// Users as the API shows them: list items and single records, filtered by the
// caller's data scope. Inside Read or Write.
#pragma once

#include "auth/principal.h"
#include "db/db.h"
#include "db/query.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>

namespace anxun::auth {

// The FROM clause of these queries: users as `u`, their org unit as `o`, for
// the callers' filters and sort expressions.
inline constexpr const char* kUserTable = "users u JOIN org_units o ON o.id = u.org_unit_id";

// {id, username, display_name, phone, email, org_unit_id, org_unit_name,
//  roles: [{id, code, name}], active, locked, locked_until, last_login_at,
//  totp_enabled, version} for each user matching `where`, in `page` order.
boost::json::array UserItems(db::Conn& c, const db::Where& where, const db::Page& page);
int64_t CountUsers(db::Conn& c, const db::Where& where);

// One user as a list item plus locale, must_change_password, password_exempt,
// created_at and updated_at; nullopt when missing or outside `scope` (where
// `self` reaches only the user themselves).
std::optional<boost::json::object> UserDetail(db::Conn& c, int64_t user_id,
                                              const AccessScope& scope);

// The user's org unit when the user exists and lies within `scope`.
std::optional<int64_t> UserUnitInScope(db::Conn& c, int64_t user_id, const AccessScope& scope);

}  // namespace anxun::auth
