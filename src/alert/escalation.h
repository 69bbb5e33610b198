// The escalation ladder (超时升级) and the policies that time it.
//
// An alert still `open` (nobody acknowledged it) after its level's
// escalate_after_s goes to the next unit up the tree (team → workshop → plant
// → park → group): the people holding the policy's roles there get a
// notification (kind "escalation"), the unit gets an alert_notices row, the
// alert's history an 'escalate' entry and the audit trail "alert.escalate".
// Units without such people are passed (their notice still goes out) up to
// the next one that has some. At the top the same unit is reminded again.
// Every step counts as a reminder; after max_reminders, or once the alert is
// acknowledged or resolved, the ladder stops.
//
// With several servers on one database exactly one fires: RunEscalations
// takes the lease "alert_escalation" in job_leases, and each step is a
// conditional update of the alert's row (a step another server took already
// changes nothing). Time is passed in (anxun::NowMs() in the server).
#pragma once

#include "alert/notifications.h"
#include "alert/store.h"
#include "db/db.h"
#include "db/lease.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anxun::alert {

struct EscalationPolicy {
  int64_t id = 0;
  std::optional<int64_t> org_unit_id;  // nullopt: the product default
  std::string level;
  int64_t escalate_after_s = 0;    // 0: never escalates
  int64_t max_reminders = 0;       // escalation steps at most
  std::vector<std::string> roles;  // who is told at each unit up the ladder
  // Supervision: overdue hazards and tasks reach the owners' superiors this
  // long after their deadline (see supervision.h).
  int64_t supervise_after_s = 86400;
  int64_t version = 1;
  int64_t updated_at = 0;
};

// The policy in force for `unit_id` and `level` (nearest unit's row, else the
// product default, else a built-in fallback that never escalates).
EscalationPolicy EffectivePolicy(db::Conn& c, int64_t unit_id, std::string_view level);
// The policy rows of `unit_id` itself, by level order.
std::vector<EscalationPolicy> OwnPolicies(db::Conn& c, int64_t unit_id);

// Where the next step goes from the unit last told, given the units above it
// (parent first). `passed` lists the units told in this step, the target last.
struct LadderStep {
  std::vector<int64_t> passed;
  int64_t target = 0;
  bool climbed = false;  // false: already at the top, the same unit again
};
// The first unit of `above` that `staffed` holds (passing the others); the
// top of `above` when none does; `current` again when `above` is empty. Pure.
LadderStep NextStep(int64_t current, const std::vector<int64_t>& above,
                    const std::function<bool(int64_t)>& staffed);

// Users of `unit_id`'s superiors: climbs from the unit's parent to the first
// unit with users holding `roles`. Returns the units passed (the last one
// with the users; all empty when nobody holds them up to the top). Used by
// supervision for "the owners' superiors".
std::vector<UnitRecipients> Superiors(db::Conn& c, int64_t unit_id,
                                      const std::vector<std::string>& roles);

// Puts a newly routed alert on the ladder: its row in alert_escalations,
// standing at `start_unit_id` (the highest unit routing told, so the first
// step goes above the people who know already), the first step due
// escalate_after_s from `now` (none when the policy never escalates).
// Idempotent. REQUIRES: inside Write.
// `policy`, when given, is the one in force for the alert's unit and level.
void StartEscalation(db::Conn& c, const Alert& a, int64_t start_unit_id, int64_t now,
                     const EscalationPolicy* policy = nullptr);
// After a level raise: the ladder follows the new level's policy (the next
// step moves earlier if the new policy is faster, and a ladder stopped by the
// old policy's count starts again if the new one allows more). REQUIRES:
// inside Write.
void RaiseEscalation(db::Conn& c, const Alert& a, int64_t now);

// Takes the alert's step if it is due: returns the users told, or nullopt
// when no step was taken (not due, taken by another server, or the ladder
// stopped: acknowledged, resolved, count reached). A silenced alert's step is
// put off by one interval without telling anyone. REQUIRES: inside Write.
std::optional<std::vector<int64_t>> EscalateOne(db::Conn& c, int64_t alert_id, int64_t now);

// The alert jobs' leases (src/db/lease.h) last this long.
using db::LeaseHolder;
using db::TryLease;
constexpr int64_t kLeaseTtlMs = 30 * 1000;

struct EscalationRun {
  bool leased = false;  // false: another server holds the lease; nothing done
  int64_t steps = 0;    // escalation steps taken
  std::vector<int64_t> user_ids;
};

// The job: lease, every due step (up to `limit`) in one Write, then the
// listeners are told.
EscalationRun RunEscalations(db::Database& db, int64_t now, std::string_view holder = LeaseHolder(),
                             int64_t limit = 200);

}  // namespace anxun::alert
