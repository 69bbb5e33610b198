// Inspection tasks (巡检任务) and their execution in the field: the task list,
// ad hoc tasks, cancelling, and the offline sync of check-ins and results.
//
// States: pending -> in_progress (first check-in or result) -> completed (every
// point checked in and answered); missed when the window (due + grace) closes
// unfinished (generator.h MarkMissed); cancelled by a manager with a reason.
// Completed after `due` but inside the grace window is completed with late =
// true. Completion time is the device time of the last item, never later than
// the server's receipt, so work done offline in time counts as done in time.
//
// Visibility: a caller sees the tasks assigned to them; a caller with
// task.manage also sees every task of the units in that permission's scope.
// Functions run inside Database::Read / Write as named; ApiError for client mistakes.
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

namespace anxun::inspection {

struct TaskFilter {
  std::optional<std::string> status;
  std::optional<int64_t> plan_id;
  std::optional<int64_t> from;  // start_at >= from
  std::optional<int64_t> to;    // start_at < to
  std::optional<int64_t> assignee_id;
};

const std::vector<std::pair<std::string_view, std::string_view>>& TaskSortFields();

// {"items", "total", "page", "page_size"}. REQUIRES: the caller has task.view.
boost::json::object ListTasks(db::Conn& c, const auth::Principal& user, const TaskFilter& f,
                              const db::Page& page);
// 404 when missing or not visible to `user`.
boost::json::object GetTaskJson(db::Conn& c, const auth::Principal& user, int64_t id);
bool CanSeeTask(db::Conn& c, const auth::Principal& user, int64_t task_id);

// What the inspector's phone needs to carry out `task` (a GetTaskJson answer)
// without the network, added to it: "checklist" ({template_id, name,
// version_no, sections} of the task's template version, or null) and, on each
// of "points", its latitude, longitude, radius_m, nfc_uid and qr_sha256 (lower
// hex SHA-256 of its signed QR payload under `qr_key`), so a scan can be checked
// on the device without the signing key. REQUIRES: inside Read or Write.
void AddExecutionDetail(db::Conn& c, boost::json::object& task, std::string_view qr_key);

struct AdHocInput {
  std::string title;
  std::optional<int64_t> org_unit_id;
  std::vector<int64_t> point_ids;
  std::vector<int64_t> assignee_ids;
  std::optional<int64_t> template_id;
  std::optional<int64_t> start;  // default now
  int64_t duration_minutes = 60;
  int64_t grace_minutes = 0;
  bool urgent = true;
};
AdHocInput ReadAdHocInput(Body& b);
// An ad hoc task dispatched now (urgent by default). `scope` is task.manage's.
// REQUIRES: inside Write. Returns the task id.
int64_t CreateAdHocTask(db::Conn& c, const auth::AccessScope& scope, const AdHocInput& in,
                        int64_t user_id, int64_t now);
// 409 `invalid_state` unless pending or in progress. REQUIRES: inside Write.
void CancelTask(db::Conn& c, const auth::AccessScope& scope, int64_t id, const std::string& reason,
                int64_t now);

// Replaces the task's assignees (the reason goes to the audit trail with the
// before and after). 400 on unknown users or an empty reason; 409
// `invalid_state` unless pending or in progress. REQUIRES: inside Write.
void ReassignTask(db::Conn& c, const auth::AccessScope& scope, int64_t id,
                  const std::vector<int64_t>& assignee_ids, const std::string& reason);

// One item of POST /sync, run by the caller in its own Write. Answers
// {client_id, kind, status: "stored" | "duplicate", ...}: a client_id seen
// before answers "duplicate" with the first outcome and stores nothing.
// Throws ApiError for an item it refuses (forged QR, wrong NFC tag, GPS outside
// the point's radius, manual without a reason, a failing answer without the
// note its checklist item requires, not your task, malformed), before writing
// anything; the caller answers it as "rejected". A result is judged against the
// task's checklist version: failing items, whether the task is abnormal, and
// which items propose a hazard come back in the outcome.
// `qr_key` verifies QR payloads (org/qr.h).
boost::json::object ApplySyncItem(db::Conn& c, const auth::Principal& user,
                                  const boost::json::object& item, const std::string& qr_key,
                                  int64_t now);
// The stored outcome of `client_id` for `user_id`, if any (a read).
std::optional<boost::json::object> StoredSyncOutcome(db::Conn& c, int64_t user_id,
                                                     std::string_view client_id);

// Missed, late and manual check-in records for the administrators (and, once
// it exists, the alert module): the task flags in `scope` (task.manage's),
// newest first; `kind` and `unconsumed` filter. {"items", "total", ...}.
boost::json::object ListTaskFlags(db::Conn& c, const auth::AccessScope& scope,
                                  const std::optional<std::string>& kind, bool unconsumed_only,
                                  const db::Page& page);

// pending, in_progress, completed, missed, cancelled.
bool IsTaskStatus(std::string_view status);

// Great-circle distance in metres.
double DistanceMeters(double lat1, double lon1, double lat2, double lon2);

}  // namespace anxun::inspection
