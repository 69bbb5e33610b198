// The org tree: group → park → plant → workshop → team.
//
// Every record in the product belongs to one org unit. A unit's `path` lists
// its ancestors and itself as "/<root id>/.../<own id>/", so "all units under
// X" is `path LIKE X.path || '%'`; the path is written on insert and rewritten
// for the whole subtree when a unit moves. These functions validate and change
// rows only: they neither audit nor open transactions — call them inside
// Database::Write and append the audit entry there. They throw ApiError for
// anything the client must fix (400 validation_failed, 404, 409).
#pragma once

#include "auth/principal.h"
#include "common/json.h"
#include "db/db.h"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anxun::org {

constexpr std::string_view kDefaultTimezone = "Asia/Shanghai";

// The kinds from the top of the tree down; a unit's children must be of a
// strictly lower kind (a plant may hold workshops or teams, never a park).
const std::vector<std::string_view>& OrgKinds();
// Position in OrgKinds(), or -1 for an unknown kind.
int KindRank(std::string_view kind);
bool CanHold(std::string_view parent_kind, std::string_view child_kind);
// Chinese name of a kind ("厂区" for plant), for labels and plans.
std::string_view KindLabel(std::string_view kind);

// True when `name` is an IANA zone present in /usr/share/zoneinfo.
bool IsKnownTimezone(std::string_view name);

struct OrgUnit {
  int64_t id = 0;
  std::optional<int64_t> parent_id;
  std::string kind;
  std::string code;
  std::string name;
  std::string timezone;
  std::string path;
  std::optional<int64_t> floor_plan_file_id;
  bool active = true;
  int64_t version = 1;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct OrgUnitInput {
  std::optional<int64_t> parent_id;  // nullopt: a new root (needs scope `all`)
  std::string kind;
  std::string code;
  std::string name;
  std::string timezone{kDefaultTimezone};
};

// A PATCH: absent fields stay; the inner optional of a nullable field is its
// new value (nullopt = set to null).
struct OrgUnitPatch {
  std::optional<std::string> code;
  std::optional<std::string> name;
  std::optional<std::string> timezone;
  std::optional<std::optional<int64_t>> parent_id;
  std::optional<std::optional<int64_t>> floor_plan_file_id;
  std::optional<bool> active;
  std::optional<int64_t> version;  // when sent, must equal the stored version
};

struct OrgUnitFilter {
  std::optional<std::string> kind;
  std::optional<int64_t> parent_id;
  std::optional<bool> active;
  std::optional<std::string> q;  // substring of code or name
};

struct ListResult {
  boost::json::array items;
  int64_t total = 0;
};

// The unit, or nullopt when it does not exist.
std::optional<OrgUnit> FindOrgUnit(db::Conn& c, int64_t id);
// The unit when it exists and `scope` contains it; otherwise 404.
OrgUnit GetOrgUnitInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id);
// The unit's direct children in code order.
std::vector<OrgUnit> ChildrenOf(db::Conn& c, int64_t id, bool active_only = true);
// The nearest ancestor-or-self of kind `kind`, or nullopt.
std::optional<OrgUnit> FindAncestorOfKind(db::Conn& c, const OrgUnit& unit, std::string_view kind);

// Records a field error on "org_unit_id" unless the unit exists, lies in
// `scope` and is active: the check for a new area or point.
void CheckRecordUnit(db::Conn& c, const auth::AccessScope& scope, int64_t unit_id,
                     FieldErrors& errors);

ListResult ListOrgUnits(db::Conn& c, const auth::AccessScope& scope, const OrgUnitFilter& filter,
                        const db::Page& page);
// Sort fields accepted by the list.
const std::vector<std::pair<std::string_view, std::string_view>>& OrgUnitSortFields();

// Creates a unit under a parent in `scope` (edit scope). 400 on invalid fields
// or a kind the parent cannot hold, 409 `duplicate_code`, 409 `parent_inactive`.
OrgUnit CreateOrgUnit(db::Conn& c, const auth::AccessScope& scope, const OrgUnitInput& in);

// Applies `patch` to unit `id` (404 outside `scope`). Moving rewrites the
// paths of the whole subtree. Deactivating refuses with 409
// `org_unit_has_active_children` or `org_unit_has_active_users`; a stale
// version gives 409 `version_conflict`. Returns the unit after the change.
OrgUnit UpdateOrgUnit(db::Conn& c, const auth::AccessScope& scope, int64_t id,
                      const OrgUnitPatch& patch);

boost::json::object ToJson(const OrgUnit& u);
// Read a request body; field errors are thrown by the Done() inside.
OrgUnitInput ReadOrgUnitInput(Body& b);
OrgUnitPatch ReadOrgUnitPatch(Body& b);

}  // namespace anxun::org
