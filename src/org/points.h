// Inspection points (巡检点): tagged places an inspector checks in at, by QR
// label, NFC tag or GPS, each with a position on its unit's floor plan.
//
// Same contract as org_units.h: validation and row changes only, run inside
// Database::Write by a caller that audits; ApiError for client mistakes.
// The list is on the hot path (the inspector app polls it): one query for the
// page with area and responsible names joined, one COUNT, both on indexes.
#pragma once

#include "auth/principal.h"
#include "common/json.h"
#include "db/db.h"
#include "org/org_units.h"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace anxun::org {

// equipment, pipeline, electrical, fire, storage, passage, special_work, other.
const std::vector<std::string_view>& PointKinds();
bool IsPointKind(std::string_view kind);

struct Point {
  int64_t id = 0;
  int64_t org_unit_id = 0;
  std::optional<int64_t> area_id;
  std::optional<std::string> area_name;
  std::string code;
  std::string name;
  std::string kind = "other";
  std::string description;
  std::optional<double> x;
  std::optional<double> y;
  std::optional<int64_t> responsible_user_id;
  std::optional<std::string> responsible_name;
  std::optional<std::string> nfc_uid;  // upper-case hex without separators
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::optional<double> radius_m;
  bool active = true;
  int64_t version = 1;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct PointInput {
  int64_t org_unit_id = 0;
  std::optional<int64_t> area_id;
  std::string code;
  std::string name;
  std::string kind = "other";
  std::string description;
  std::optional<double> x;
  std::optional<double> y;
  std::optional<int64_t> responsible_user_id;
  std::optional<std::string> nfc_uid;
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::optional<double> radius_m;
};

struct PointPatch {
  std::optional<std::optional<int64_t>> area_id;
  std::optional<std::string> code;
  std::optional<std::string> name;
  std::optional<std::string> kind;
  std::optional<std::string> description;
  std::optional<std::optional<double>> x;
  std::optional<std::optional<double>> y;
  std::optional<std::optional<int64_t>> responsible_user_id;
  std::optional<std::optional<std::string>> nfc_uid;
  std::optional<std::optional<double>> latitude;
  std::optional<std::optional<double>> longitude;
  std::optional<std::optional<double>> radius_m;
  std::optional<bool> active;
  std::optional<int64_t> version;
};

struct PointFilter {
  std::optional<int64_t> org_unit_id;  // this unit and its descendants
  std::optional<int64_t> area_id;
  std::optional<std::string> kind;
  std::optional<bool> active;
  std::optional<std::string> q;  // substring of code or name
};

// "04A1B2C3" from "04:a1:b2:c3"; nullopt unless 4, 7 or 10 bytes of hex.
std::optional<std::string> NormalizeNfcUid(std::string_view text);

std::optional<Point> FindPoint(db::Conn& c, int64_t id);
// 404 when missing or its unit is outside `scope`.
Point GetPointInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id);
// The points with these ids, in the order given; 404 when any is missing or
// outside `scope` (one failure refuses the whole request).
std::vector<Point> GetPointsInScope(db::Conn& c, const auth::AccessScope& scope,
                                    const std::vector<int64_t>& ids);

const std::vector<std::pair<std::string_view, std::string_view>>& PointSortFields();
// One page as the JSON text of a list body ({"items", "total", "page",
// "page_size"}, as api::ListBody), written straight from the rows without a
// DOM: this is the hottest list of the product.
std::string ListPointsJson(db::Conn& c, const auth::AccessScope& scope, const PointFilter& filter,
                           const db::Page& page);

// 400 on invalid fields (unit outside `scope`, area of another unit, unknown
// or inactive responsible user); 409 `duplicate_code` / `duplicate_nfc_uid`.
Point CreatePoint(db::Conn& c, const auth::AccessScope& scope, const PointInput& in);
// 404 outside `scope`; 409 `version_conflict` / `duplicate_code` / `duplicate_nfc_uid`.
Point UpdatePoint(db::Conn& c, const auth::AccessScope& scope, int64_t id, const PointPatch& patch);

// Appends `p` as a JSON object: the one definition of a point's shape.
void AppendJson(std::string& out, const Point& p);
// The same object as a DOM (single records and the audit trail).
boost::json::object ToJson(const Point& p);
PointInput ReadPointInput(Body& b);
PointPatch ReadPointPatch(Body& b);

}  // namespace anxun::org
