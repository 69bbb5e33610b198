// Deadline rules (整改期限规则): default rectification hours per level, set
// per org unit and inherited down the tree (see DefaultDeadlineHours in
// hazards.h); the rule without a unit is the product default. `hours` null
// means "set by the governance plan" (the default for major hazards).
//
// Changes run inside Database::Write; the caller audits. ApiError on client
// mistakes: 400 for fields (a unit outside the configure scope is "not
// found"; the product default needs scope `all`), 404 for an unknown rule.
#pragma once

#include "auth/principal.h"
#include "common/json.h"
#include "db/db.h"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>

namespace anxun::hazard {

struct Rule {
  int64_t id = 0;
  std::optional<int64_t> org_unit_id;
  std::string org_unit_name;
  std::string level;
  std::optional<int64_t> hours;
};

// The product defaults and the rules of units in `scope`, defaults first.
std::vector<Rule> ListRules(db::Conn& c, const auth::AccessScope& scope);
// {level: hours or null} in force for `org_unit_id`.
boost::json::object EffectiveRules(db::Conn& c, int64_t org_unit_id);

// Creates or replaces the rule of (org_unit_id, level) from {org_unit_id,
// level, hours}; returns it with what it replaced (nullopt when new).
std::pair<std::optional<Rule>, Rule> SetRule(db::Conn& c, const auth::AccessScope& scope,
                                             Body& body);
// Removes a unit's rule (the unit inherits again); the product defaults
// cannot be removed (400). Returns what was removed.
Rule DeleteRule(db::Conn& c, const auth::AccessScope& scope, int64_t id);

boost::json::object ToJson(const Rule& r);

}  // namespace anxun::hazard
