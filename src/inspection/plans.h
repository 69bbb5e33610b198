// Inspection plans (巡检计划), routes (巡检路线) and checklist templates (检查表).
//
// Same contract as src/org: validation and row changes only, run inside
// Database::Write (or Read for lookups) by a caller that audits; ApiError for
// client mistakes (400 with details.fields, 404 outside scope, 409 on a stale
// version). A plan's schedule is an RFC 5545 RRULE anchored at `dtstart` in its
// org unit's time zone (recurrence.h); each occurrence is a window
// [start, start + duration) plus a grace period before the task counts as missed.
#pragma once

#include "auth/principal.h"
#include "common/json.h"
#include "db/db.h"
#include "db/query.h"
#include "inspection/recurrence.h"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace anxun::inspection {

// ---- checklist templates ------------------------------------------------

// Item kinds: pass_fail, number, choice, multi_choice, text, datetime, photo, signature.
bool IsItemKind(std::string_view kind);

struct Template {
  int64_t id = 0;
  int64_t org_unit_id = 0;
  std::string name;
  std::string description;
  int64_t latest_version = 1;
  int64_t version_id = 0;  // the row of the version in `sections`
  int64_t version_no = 1;
  boost::json::array sections;  // [{title, items: [{key, label, kind, criterion, on_fail, ...}]}]
  bool active = true;
  int64_t version = 1;  // row version for PATCH
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct TemplateInput {
  int64_t org_unit_id = 0;
  std::string name;
  std::string description;
  boost::json::array sections;
};

struct TemplatePatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<boost::json::array> sections;  // publishes a new version
  std::optional<bool> active;
  std::optional<int64_t> version;
};

// Validates and normalizes sections (item keys filled as "s1i2" when absent);
// errors go to details.fields["sections[0].items[1].kind"] and alike.
boost::json::array NormalizeSections(const boost::json::array& in, FieldErrors& errors);

// `version_no` 0 = the latest. 404 when missing or outside `scope`.
Template GetTemplateInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id,
                            int64_t version_no = 0);
boost::json::object ListTemplates(db::Conn& c, const auth::AccessScope& scope,
                                  const db::Page& page);
Template CreateTemplate(db::Conn& c, const auth::AccessScope& scope, const TemplateInput& in,
                        int64_t user_id);
Template UpdateTemplate(db::Conn& c, const auth::AccessScope& scope, int64_t id,
                        const TemplatePatch& p, int64_t user_id);
boost::json::object ToJson(const Template& t);
TemplateInput ReadTemplateInput(Body& b);
TemplatePatch ReadTemplatePatch(Body& b);

// ---- routes ---------------------------------------------------------------

struct Route {
  int64_t id = 0;
  int64_t org_unit_id = 0;
  std::string name;
  bool enforce_order = false;
  std::vector<int64_t> point_ids;  // in order
  bool active = true;
  int64_t version = 1;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct RouteInput {
  int64_t org_unit_id = 0;
  std::string name;
  bool enforce_order = false;
  std::vector<int64_t> point_ids;
};

struct RoutePatch {
  std::optional<std::string> name;
  std::optional<bool> enforce_order;
  std::optional<std::vector<int64_t>> point_ids;
  std::optional<bool> active;
  std::optional<int64_t> version;
};

Route GetRouteInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id);
boost::json::object ListRoutes(db::Conn& c, const auth::AccessScope& scope, const db::Page& page);
Route CreateRoute(db::Conn& c, const auth::AccessScope& scope, const RouteInput& in);
Route UpdateRoute(db::Conn& c, const auth::AccessScope& scope, int64_t id, const RoutePatch& p);
boost::json::object ToJson(const Route& r);
RouteInput ReadRouteInput(Body& b);
RoutePatch ReadRoutePatch(Body& b);

// ---- plans ------------------------------------------------------------------

// daily 日常, special 专项, holiday 节假日, special_period 特殊时段.
bool IsPlanKind(std::string_view kind);

struct Plan {
  int64_t id = 0;
  int64_t org_unit_id = 0;
  std::string name;
  std::string kind = "daily";
  std::optional<int64_t> route_id;
  std::optional<int64_t> template_id;
  std::vector<int64_t> point_ids;  // the plan's own points (empty with a route)
  std::vector<int64_t> assignee_ids;
  // Everyone holding this role (code) in assignee_unit_id and below, resolved
  // when each task is created.
  std::optional<std::string> assignee_role;
  std::optional<int64_t> assignee_unit_id;
  std::string rrule;
  int64_t dtstart = 0;
  std::string timezone;
  std::vector<std::string> exdates;  // RFC 3339 instants or local dates "YYYY-MM-DD"
  int64_t duration_minutes = 60;
  int64_t grace_minutes = 0;
  std::optional<int64_t> effective_until;
  bool active = true;
  int64_t generated_until = 0;
  std::optional<int64_t> created_by;
  int64_t version = 1;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  Recurrence recurrence() const;
  int64_t DurationMs() const { return duration_minutes * 60'000; }
  int64_t GraceMs() const { return grace_minutes * 60'000; }
};

struct PlanInput {
  std::string name;
  std::string kind = "daily";
  std::optional<int64_t> org_unit_id;  // default: the unit of the route or first point
  std::optional<int64_t> route_id;
  std::vector<int64_t> point_ids;
  std::optional<int64_t> template_id;
  std::vector<int64_t> assignee_ids;
  std::optional<std::string> assignee_role;
  std::optional<int64_t> assignee_unit_id;  // default: the plan's unit
  std::string rrule;
  int64_t dtstart = 0;
  std::vector<std::string> exdates;
  int64_t duration_minutes = 60;
  int64_t grace_minutes = 0;
  std::optional<int64_t> effective_until;
};

struct PlanPatch {
  std::optional<std::string> name;
  std::optional<std::string> kind;
  std::optional<std::optional<int64_t>> route_id;
  std::optional<std::vector<int64_t>> point_ids;
  std::optional<std::optional<int64_t>> template_id;
  std::optional<std::vector<int64_t>> assignee_ids;
  std::optional<std::optional<std::string>> assignee_role;
  std::optional<std::optional<int64_t>> assignee_unit_id;
  std::optional<std::string> rrule;
  std::optional<int64_t> dtstart;
  std::optional<std::vector<std::string>> exdates;
  std::optional<int64_t> duration_minutes;
  std::optional<int64_t> grace_minutes;
  std::optional<std::optional<int64_t>> effective_until;
  std::optional<bool> active;
  std::optional<int64_t> version;
};

struct PlanFilter {
  std::optional<std::string> kind;
  std::optional<bool> active;
  std::optional<int64_t> org_unit_id;
  std::optional<std::string> q;
};

// The default plans of the hazardous-chemicals guideline (应急〔2019〕78号),
// offered when creating a plan: [{code, name, kind, rrule, duration_minutes,
// grace_minutes, basis}]. The RRULEs start from the plan's dtstart.
boost::json::array DefaultPlanTemplates();

// Splits exdates into instants and local days; records field errors on "exdates".
void ParseExdates(const std::vector<std::string>& in, Recurrence& out, FieldErrors* errors);

std::optional<Plan> FindPlan(db::Conn& c, int64_t id);
Plan GetPlanInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id);
// Ids of active plans, ascending.
std::vector<int64_t> ActivePlanIds(db::Conn& c);
// The users a new task of `p` goes to: the named assignees plus the active
// holders of assignee_role in assignee_unit_id's subtree, ascending.
std::vector<int64_t> ResolveAssignees(db::Conn& c, const Plan& p);
// The points a task of `p` covers, in order: the route's, else the plan's own.
std::vector<int64_t> PlanPointIds(db::Conn& c, const Plan& p);

const std::vector<std::pair<std::string_view, std::string_view>>& PlanSortFields();
boost::json::object ListPlans(db::Conn& c, const auth::AccessScope& scope, const PlanFilter& f,
                              const db::Page& page);
// 400 on invalid fields (bad RRULE in details.fields.rrule, points or
// assignees unknown or outside `scope`, ...).
Plan CreatePlan(db::Conn& c, const auth::AccessScope& scope, const PlanInput& in,
                int64_t user_id, int64_t now);
// 404 outside scope; 409 `version_conflict`. A changed schedule applies to
// occurrences the generator has not created yet.
Plan UpdatePlan(db::Conn& c, const auth::AccessScope& scope, int64_t id, const PlanPatch& p);

boost::json::object ToJson(const Plan& p);
PlanInput ReadPlanInput(Body& b);
PlanPatch ReadPlanPatch(Body& b);

}  // namespace anxun::inspection
