// Saved list filters (常用筛选): a user's named query strings for the hazard
// list, private to that user. Changes run inside Database::Write; the caller
// audits. 400 on bad fields, 409 `duplicate_name`, 404 for another user's.
#pragma once

#include "common/json.h"
#include "db/db.h"

#include <boost/json.hpp>

#include <cstdint>

namespace anxun::hazard {

constexpr int kMaxSavedFilters = 50;

boost::json::array ListSavedFilters(db::Conn& c, int64_t user_id);
// From {name, query}; `query` is the list's query string without '?'.
boost::json::object SaveFilter(db::Conn& c, int64_t user_id, Body& body);
// Returns the removed filter; 404 when it is not the user's.
boost::json::object DeleteSavedFilter(db::Conn& c, int64_t user_id, int64_t id);

}  // namespace anxun::hazard
