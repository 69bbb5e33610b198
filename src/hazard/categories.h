// The hazard category dictionary (隐患类别) is shared by the whole
// enterprise, so editing it takes hazard.configure over a root of the org
// tree (or scope `all`); otherwise 403. Changes run inside Database::Write;
// the caller audits. 400 on bad fields, 409 `duplicate_code`, 404 unknown.
#pragma once

#include "auth/principal.h"
#include "common/json.h"
#include "db/db.h"

#include <boost/json.hpp>

#include <string>

namespace anxun::hazard {

// Whether `scope` (of hazard.configure) may edit enterprise-wide dictionaries.
bool CanEditDictionary(db::Conn& c, const auth::AccessScope& scope);

// Every category, inactive ones included: {code, name, name_en, sort_order, active}.
boost::json::object FindCategoryJson(db::Conn& c, const std::string& code);

// From {code, name, name_en, sort_order}.
boost::json::object CreateCategory(db::Conn& c, const auth::AccessScope& scope, Body& body);
// From {name, name_en, sort_order, active}; returns {before, after}.
std::pair<boost::json::object, boost::json::object> UpdateCategory(db::Conn& c,
                                                                   const auth::AccessScope& scope,
                                                                   const std::string& code,
                                                                   Body& body);

}  // namespace anxun::hazard
