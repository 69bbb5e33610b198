// The routing rules and escalation policies of one org unit, as the API
// shows and edits them (GET/PUT /api/v1/org-units/{id}/alert-routing).
//
// Shape, per level (major, serious, general, minor):
//   {level,
//    routing:    {roles, reach, user_ids, users, responsible, popup, own,
//                 source_unit_id, source_unit_name, version},
//    escalation: {escalate_after_s, max_reminders, roles, supervise_after_s,
//                 own, source_unit_id, source_unit_name, version},
//    recipients: [{org_unit_id, org_unit_name, users: [{id, display_name}]}]}
// plus `role_options`: [{code, name, name_en}] of the roles a rule may name
// (active, no administrator duty). `own` says whether the unit has its own row; otherwise the
// values are inherited from source_unit_id (null: the product default). `recipients` previews who
// an alert of that level raised at this unit (no point) would reach.
//
// Runs inside Read/Write as noted; the caller audits. ApiError: 404 for a
// unit outside `scope`, 400 validation_failed with details.fields
// ("levels[1].routing.roles"), 409 version_conflict for a stale version.
#pragma once

#include "auth/principal.h"
#include "db/db.h"

#include <boost/json.hpp>

#include <cstdint>

namespace anxun::alert {

// The unit's configuration, effective and own. 404 outside `scope`.
boost::json::object RoutingConfigJson(db::Conn& c, const auth::AccessScope& scope, int64_t unit_id);

// Applies `body` = {levels: [{level, routing?, escalation?}]} to the unit's
// own rows: an object sets the level's own row (its `version`, when sent,
// must match the stored one), null removes it (the unit inherits again), an
// absent key leaves it. Levels not listed stay. Returns the unit's own rows
// before and after (for the audit entry). REQUIRES: inside Write.
std::pair<boost::json::value, boost::json::value> PutRoutingConfig(db::Conn& c,
                                                                   const auth::AccessScope& scope,
                                                                   int64_t unit_id,
                                                                   const boost::json::object& body,
                                                                   int64_t actor_id, int64_t now);

}  // namespace anxun::alert
