// Areas: physical zones inside an org unit (储罐区, 配电室 ...) with a position
// on the unit's floor plan and an optional risk colour.
//
// Same contract as org_units.h: validation and row changes only, run inside
// Database::Write by a caller that audits; ApiError for client mistakes.
#pragma once

#include "auth/principal.h"
#include "common/json.h"
#include "db/db.h"
#include "org/org_units.h"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace anxun::org {

// red | orange | yellow | blue (重大/较大/一般/低风险).
bool IsRiskLevel(std::string_view level);

struct Area {
  int64_t id = 0;
  int64_t org_unit_id = 0;
  std::string code;
  std::string name;
  std::string description;
  std::optional<double> x;  // fraction 0..1 of the floor plan's width
  std::optional<double> y;  // fraction 0..1 of its height, from the top
  std::optional<std::string> risk_level;
  bool active = true;
  int64_t version = 1;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct AreaInput {
  int64_t org_unit_id = 0;
  std::string code;
  std::string name;
  std::string description;
  std::optional<double> x;
  std::optional<double> y;
  std::optional<std::string> risk_level;
};

struct AreaPatch {
  std::optional<std::string> code;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::optional<double>> x;
  std::optional<std::optional<double>> y;
  std::optional<std::optional<std::string>> risk_level;
  std::optional<bool> active;
  std::optional<int64_t> version;
};

struct AreaFilter {
  std::optional<int64_t> org_unit_id;  // exactly this unit
  std::optional<bool> active;
  std::optional<std::string> q;
};

std::optional<Area> FindArea(db::Conn& c, int64_t id);
// 404 when missing or its unit is outside `scope`.
Area GetAreaInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id);
// The unit's areas in code order (for floor plans).
std::vector<Area> AreasOfUnit(db::Conn& c, int64_t org_unit_id, bool active_only = true);

const std::vector<std::pair<std::string_view, std::string_view>>& AreaSortFields();
ListResult ListAreas(db::Conn& c, const auth::AccessScope& scope, const AreaFilter& filter,
                     const db::Page& page);

// 400 on invalid fields or a unit outside `scope`; 409 `duplicate_code` when
// the unit already has an area with that code.
Area CreateArea(db::Conn& c, const auth::AccessScope& scope, const AreaInput& in);
// 404 outside `scope`; 409 `version_conflict` / `duplicate_code`.
Area UpdateArea(db::Conn& c, const auth::AccessScope& scope, int64_t id, const AreaPatch& patch);

boost::json::object ToJson(const Area& a);
AreaInput ReadAreaInput(Body& b);
AreaPatch ReadAreaPatch(Body& b);

}  // namespace anxun::org
