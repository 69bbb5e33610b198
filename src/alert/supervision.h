// Supervision reminders (督办提醒) for overdue hazards and tasks.
//
// Step 1, at the deadline: a hazard still being verified or rectified past
// its deadline reminds its owner (no owner: the nearest members allowed to
// assign rectification); an inspection task not completed by its due time
// reminds its assignees (none: the nearest members with task.manage). Step 2,
// supervise_after_s later (the escalation policy of the item's level and
// unit; tasks count as `general`): the owners' superiors — the people holding
// the policy's roles in the first staffed unit above the owner's unit.
//
// Each step is recorded in supervision_reminders keyed by (subject, id, step,
// deadline) before anything is sent, so a step goes out once per deadline
// even with several servers (a moved deadline starts over). Reminders are
// notifications of kind "reminder" plus one alert_notices row per unit told.
// Tasks due more than kTaskLookbackMs ago are not reminded (no flood after a
// long downtime or for the generator's catch-up).
#pragma once

#include "alert/escalation.h"
#include "db/db.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace anxun::alert {

constexpr int64_t kTaskLookbackMs = 7LL * 24 * 3600 * 1000;

// One step for one hazard or task, when due and not yet sent: returns the
// users told, or nullopt when nothing was due or another server sent it.
// REQUIRES: inside Write.
std::optional<std::vector<int64_t>> RemindHazard(db::Conn& c, int64_t hazard_id, int step,
                                                 int64_t now);
std::optional<std::vector<int64_t>> RemindTask(db::Conn& c, int64_t task_id, int step, int64_t now);

struct SupervisionRun {
  bool leased = false;    // false: another server holds the lease "alert_supervision"
  int64_t reminders = 0;  // steps sent
  std::vector<int64_t> user_ids;
};

// The job: lease, then every due step (up to `limit` of each kind) in one
// Write, then the listeners are told.
SupervisionRun RunSupervision(db::Database& db, int64_t now,
                              std::string_view holder = LeaseHolder(), int64_t limit = 100);

}  // namespace anxun::alert
