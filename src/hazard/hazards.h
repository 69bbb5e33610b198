// Hazards (隐患): reporting, the actions of the loop, reads and export.
//
// Every function that changes data runs inside Database::Write, with the
// caller appending the audit trail in the same Write; each change also
// appends the hazard's own history (hazard_history, never edited). Client
// mistakes throw ApiError: 400 for fields, 404 for hazards outside the
// caller's hazard.view scope, 409 `version_conflict` / `invalid_transition`
// (details {state, allowed_actions}) / precondition codes, 403 for an action
// the caller may not take. Stateless; thread-safe given one Conn per thread.
#pragma once

#include "auth/principal.h"
#include "common/json.h"
#include "db/db.h"
#include "db/query.h"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace anxun::hazard {

constexpr int64_t kDueSoonMs = 24LL * 3600 * 1000;

struct Hazard {
  int64_t id = 0;
  std::string code;
  std::string title;
  std::string description;
  std::string kind = "condition";
  std::optional<std::string> category;
  std::optional<std::string> category_name;
  std::optional<std::string> level;
  int64_t org_unit_id = 0;
  std::string org_unit_name;
  std::optional<int64_t> area_id;
  std::optional<int64_t> point_id;
  std::string location_text;
  std::optional<double> x;
  std::optional<double> y;
  std::string source = "adhoc";
  std::optional<std::string> source_ref;
  int64_t reporter_id = 0;
  std::string reporter_name;
  int64_t found_at = 0;
  std::string state;
  bool fixed_on_spot = false;
  std::optional<int64_t> owner_id;
  std::optional<std::string> owner_name;
  std::optional<int64_t> department_id;
  std::optional<int64_t> assigner_id;
  std::string measures;
  std::optional<int64_t> deadline;
  std::optional<int64_t> original_deadline;
  std::optional<int64_t> extension_deadline;
  std::optional<std::string> extension_reason;
  int64_t review_round = 0;
  bool supervised = false;
  std::optional<std::string> supervise_note;
  std::optional<int64_t> supervise_target_at;
  std::optional<int64_t> supervised_by;
  std::optional<std::string> plan_json;
  std::optional<std::string> production_stop;
  std::optional<std::string> authority_report_json;
  std::optional<int64_t> duplicate_of;
  std::optional<std::string> dismiss_reason;
  std::optional<std::string> major_criteria_json;  // matched 判定标准 items, JSON array
  std::optional<int64_t> closed_at;
  std::optional<std::string> client_id;
  int64_t version = 1;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  // Past the deadline while rectifying or pending review, at `now`.
  bool Overdue(int64_t now) const;
  // Within 24 hours of the deadline (and not yet overdue).
  bool DueSoon(int64_t now) const;
};

struct HazardFilter {
  std::optional<std::string> code;
  std::optional<std::string> state;
  std::optional<std::string> level;
  std::optional<std::string> category;
  std::optional<int64_t> org_unit_id;  // this unit and its descendants
  std::optional<int64_t> area_id;
  std::optional<int64_t> point_id;
  std::optional<int64_t> owner_id;
  std::optional<std::string> source;
  std::optional<bool> overdue;
  std::optional<bool> supervised;
  std::optional<int64_t> from;   // found_at >= from
  std::optional<int64_t> to;     // found_at < to
  std::optional<std::string> q;  // substring of title or description
  std::optional<bool> open;      // neither closed nor dismissed (the duplicate check)
  std::optional<bool> due_soon;  // deadline within 24 hours, not yet overdue
};

const std::vector<std::pair<std::string_view, std::string_view>>& HazardSortFields();

std::optional<Hazard> FindHazard(db::Conn& c, int64_t id);
// 404 when missing or outside `scope`.
Hazard GetHazardInScope(db::Conn& c, const auth::AccessScope& scope, int64_t id);

struct ListResult {
  std::vector<Hazard> items;
  int64_t total = 0;
};
ListResult ListHazards(db::Conn& c, const auth::AccessScope& scope, const HazardFilter& f,
                       const db::Page& page, int64_t now);
// Every match (at most `limit`) in `order_by` order, for the export.
std::vector<Hazard> ExportHazards(db::Conn& c, const auth::AccessScope& scope,
                                  const HazardFilter& f, const std::string& order_by, int64_t now,
                                  int64_t limit);
// Counts for the workbench tabs over what `f` selects in `scope`:
// {by_state: {state: n}, overdue, due_soon, supervised (open ones), mine
// (rectifying, owned by `user_id`)}.
boost::json::object Summary(db::Conn& c, const auth::AccessScope& scope, const HazardFilter& f,
                            int64_t user_id, int64_t now);

// UTF-8 with BOM, one header row; cells that would start a formula are quoted
// with a leading apostrophe.
std::string ToCsv(const std::vector<Hazard>& rows, int64_t now);
// The same rows as an .xlsx workbook (one sheet, text cells).
std::string ToXlsx(const std::vector<Hazard>& rows, int64_t now);

// {code, name, name_en, sort_order, active} of the active categories (or
// all of them), in order.
boost::json::array ListCategories(db::Conn& c, bool include_inactive = false);
// {code, text} of the major-hazard criteria (判定标准); any matched item
// (`major_criteria` when reporting or verifying) forces the level to major.
boost::json::array ListMajorCriteria(db::Conn& c);

// Reports a hazard. Idempotent on client_id: the same client_id from the same
// reporter answers the existing hazard with created = false; from someone
// else 409 `duplicate_client_id`.
struct ReportResult {
  Hazard hazard;
  bool created = true;
};
ReportResult ReportHazard(db::Conn& c, const auth::Principal& who, Body& body);

// Takes `action` on hazard `id` with the JSON `body` (which carries version).
// Returns the hazard before and after.
std::pair<Hazard, Hazard> TakeAction(db::Conn& c, const auth::Principal& who, int64_t id,
                                     const std::string& action, Body& body);

// The list item / audit shape.
boost::json::object ToJson(const Hazard& h, int64_t now);
// The detail: ToJson plus history, files, reviews and the caller's
// allowed_actions.
boost::json::object DetailJson(db::Conn& c, const auth::Principal& who, const Hazard& h,
                               int64_t now);

// The default deadline hours for `level` in unit `org_unit_id`: the nearest
// rule up the tree, else the product default; nullopt = from the plan.
std::optional<int64_t> DefaultDeadlineHours(db::Conn& c, int64_t org_unit_id,
                                            const std::string& level);

// A printable rectification notice (隐患整改通知单) as an HTML page.
std::string NoticeHtml(db::Conn& c, const Hazard& h);
// The hazard's archive (隐患闭环档案): the record, every step of its history
// and its evidence (images by URL), as one printable HTML page.
std::string ArchiveHtml(db::Conn& c, const Hazard& h);

}  // namespace anxun::hazard
